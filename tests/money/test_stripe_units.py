"""Stripe's units, one class of currency at a time: what the site stores (Babel's minor
unit) against what Stripe is sent and reports (docs.stripe.com/currencies)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaigns.money import (
    StripeAmountError,
    from_stripe_amount,
    gift_step,
    minor_digits,
    read_stripe_amount,
    stripe_can_charge,
    to_stripe_amount,
)
from campaigns.money.stripe_units import PRESENTMENT, THREE_DECIMAL, ZERO_DECIMAL


@pytest.mark.parametrize(
    ("currency", "stored", "sent"),
    [
        ("USD", 2550, 2550),  # two decimals on both sides: $25.50
        ("EUR", 1, 1),
        ("JPY", 500, 500),  # zero-decimal on both sides: 500 yen
        ("KRW", 10_000, 10_000),
        ("KWD", 5120, 5120),  # three decimals, last digit 0: 5.120 KWD
        ("BHD", 1000, 1000),
        ("ISK", 5, 500),  # Babel: whole krónur; Stripe: two decimals, multiples of 100
        ("HUF", 1000, 100_000),  # Babel: no decimals; Stripe charges in two decimals
        ("LBP", 1_000_000, 100_000_000),  # the bug: a hundredth of the gift was charged
        ("COP", 50_000, 5_000_000),
        ("UGX", 20_000, 20_000),  # zero-decimal at Stripe as in Babel
        ("TWD", 10_050, 10_050),
    ],
)
def test_each_class_of_currency_is_sent_in_stripes_units_and_read_back(currency, stored, sent):
    assert to_stripe_amount(stored, currency) == sent
    assert from_stripe_amount(sent, currency) == stored
    assert to_stripe_amount(stored, currency.lower()) == sent


def test_babel_and_stripe_disagree_where_the_table_says():
    """The reason for the table: for LBP and friends Babel has no decimals, Stripe two."""
    for currency in ("LBP", "ISK", "HUF", "COP", "IDR"):
        assert minor_digits(currency) == 0
        assert to_stripe_amount(1, currency) == 100


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        (1005, "KWD"),  # 1.005 KWD: the last digit must be 0
        (5121, "OMR"),
        (-1, "USD"),
        (True, "USD"),
        (25.5, "USD"),
    ],
)
def test_amounts_stripe_cannot_take_are_refused(amount, currency):
    with pytest.raises(StripeAmountError):
        to_stripe_amount(amount, currency)


@pytest.mark.parametrize(
    ("amount", "currency"),
    [
        (150, "ISK"),  # 1.5 ISK: Stripe's decimals, but no such thing as half a króna here
        (1050, "LBP"),
        (1001, "ISK"),
        (-100, "USD"),
    ],
)
def test_reported_amounts_that_cannot_be_stored_exactly_are_refused(amount, currency):
    with pytest.raises(StripeAmountError):
        from_stripe_amount(amount, currency)
    assert read_stripe_amount(amount, currency) is None


@pytest.mark.parametrize("currency", ["SYP", "IRR", "KPW", "CUP", "IQD", "LYD", "XXX", ""])
def test_currencies_stripe_cannot_charge(currency):
    assert not stripe_can_charge(currency)
    with pytest.raises(StripeAmountError):
        to_stripe_amount(100, currency)
    with pytest.raises(StripeAmountError):
        from_stripe_amount(100, currency)


def test_chargeable_currencies_include_the_ones_this_site_uses():
    for currency in ("USD", "EUR", "GBP", "TRY", "JOD", "LBP", "AED", "SAR", "EGP", "KWD"):
        assert stripe_can_charge(currency)
    assert ZERO_DECIMAL <= PRESENTMENT and THREE_DECIMAL <= PRESENTMENT


def test_reading_event_values_never_raises():
    assert read_stripe_amount(2500, "usd") == 2500
    assert read_stripe_amount(None, "usd") is None
    assert read_stripe_amount("2500", "usd") is None
    assert read_stripe_amount(2500, None) is None
    assert read_stripe_amount(False, "usd") is None


def test_gift_step_is_in_the_sites_minor_units():
    assert gift_step("KWD") == 10
    assert gift_step("USD") == gift_step("JPY") == gift_step("ISK") == gift_step("LBP") == 1


@given(
    currency=st.sampled_from(sorted(PRESENTMENT)),
    amount=st.integers(min_value=0, max_value=10**15),
)
def test_any_chargeable_amount_round_trips_exactly(currency, amount):
    amount -= amount % gift_step(currency)
    assert from_stripe_amount(to_stripe_amount(amount, currency), currency) == amount
