"""One parser for every amount a person types: which forms it reads, and which it refuses."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from campaigns.catalog import parse_date
from campaigns.money import MAX_MINOR, AmountError, format_plain, parse_amount
from campaigns.numerals import ARABIC_INDIC, PERSIAN, WESTERN, DigitsError, digit_script

RLM = "\u200f"


@pytest.mark.parametrize(
    ("typed", "currency", "minor"),
    [
        ("25", "USD", 2500),
        ("25.50", "USD", 2550),
        ("1,000", "USD", 100000),
        ("1,000.50", "USD", 100050),
        ("1,234,567.89", "USD", 123456789),
        ("1000.5", "USD", 100050),
        ("0025", "USD", 2500),
        (" 30 ", "USD", 3000),
        (f"{RLM}25{RLM}", "USD", 2500),  # pasted from an Arabic page
        ("٢٥", "USD", 2500),
        ("٢٥٫٥٠", "USD", 2550),
        ("١٬٠٠٠٫٥٠", "USD", 100050),
        ("١٬٠٠٠", "USD", 100000),
        ("١،٠٠٠", "USD", 100000),  # the Arabic comma, as many keyboards give it
        ("١,٠٠٠.٥٠", "USD", 100050),  # Arabic digits with Western marks
        ("۱۲۳", "USD", 12300),  # Persian digits
        ("۱٬۰۰۰٫۵", "USD", 100050),
        ("1,000", "JPY", 1000),
        ("1.234", "KWD", 1234),
        ("1,000,000", "LBP", 1_000_000),
    ],
)
def test_accepted_forms(typed, currency, minor):
    assert parse_amount(typed, currency) == minor


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("25 50", "not_a_number"),  # was read as 2,550.00
        ("25\u00a050", "not_a_number"),
        ("25\t50", "not_a_number"),
        ("𝟐𝟓", "digits"),  # mathematical bold digits
        ("२५", "digits"),  # Devanagari
        ("２５", "digits"),  # full-width
        ("²5", "digits"),
        ("2٥", "digits"),  # two scripts in one number
        ("٢5", "digits"),
        ("۲٥", "digits"),  # Persian and Arabic-Indic
        ("1,00", "not_a_number"),
        ("10,00,000", "not_a_number"),  # Indian grouping
        ("1000,000", "not_a_number"),
        ("1,000,00", "not_a_number"),
        (",100", "not_a_number"),
        ("1,000.5,0", "not_a_number"),
        ("1٬000", "not_a_number"),  # Arabic marks with Western digits
        ("١٬٠٠٠.٥٠", "not_a_number"),  # two sets of marks
        ("١،٠٠٠٬٠٠٠", "not_a_number"),
        ("-5", "not_a_number"),
        ("+5", "not_a_number"),
        ("1e3", "not_a_number"),
        ("25.", "not_a_number"),
        (".5", "not_a_number"),
        ("$25", "not_a_number"),
        ("abc", "not_a_number"),
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        ("25.555", "decimals"),
        ("1234567890123456789012345", "too_large"),
        ("9" * 5000, "too_large"),  # longer than int() reads
        (f"{MAX_MINOR // 100}.01", "too_large"),
    ],
)
def test_refused_forms(typed, reason):
    with pytest.raises(AmountError) as info:
        parse_amount(typed, "USD")
    assert info.value.reason == reason
    assert info.value.message  # every refusal has words for the person


def test_decimals_follow_the_currency():
    with pytest.raises(AmountError) as info:
        parse_amount("25.5", "JPY")
    assert info.value.reason == "decimals"
    assert "JPY" in info.value.message
    assert parse_amount("25.555", "KWD") == 25555
    with pytest.raises(AmountError):
        parse_amount("25.5555", "KWD")


def test_the_ceiling_is_inclusive():
    assert parse_amount(f"{MAX_MINOR // 100}", "USD") == MAX_MINOR
    assert parse_amount(str(MAX_MINOR), "JPY") == MAX_MINOR
    with pytest.raises(AmountError):
        parse_amount(str(MAX_MINOR + 1), "JPY")


_TO_ARABIC = str.maketrans(WESTERN, ARABIC_INDIC)
_TO_PERSIAN = str.maketrans(WESTERN, PERSIAN)


def _grouped(plain: str) -> str:
    whole, _, fraction = plain.partition(".")
    return f"{int(whole):,}" + (f".{fraction}" if fraction else "")


@given(
    amount=st.integers(min_value=0, max_value=MAX_MINOR),
    currency=st.sampled_from(["USD", "JPY", "KWD", "LBP"]),
    grouped=st.booleans(),
    script=st.sampled_from(["western", "arabic", "arabic-marks", "persian"]),
)
def test_any_amount_written_any_accepted_way_reads_back_exactly(amount, currency, grouped, script):
    text = format_plain(amount, currency)
    if grouped:
        text = _grouped(text)
    if script == "arabic":
        text = text.translate(_TO_ARABIC)
    elif script == "arabic-marks":
        text = text.translate(_TO_ARABIC).replace(",", "٬").replace(".", "٫")
    elif script == "persian":
        text = text.translate(_TO_PERSIAN)
    assert parse_amount(text, currency) == amount


@given(st.text(alphabet="0123456789٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹२५２𝟐,.٬٫، -+e$", max_size=20))
def test_any_text_is_an_amount_or_an_amount_error(text):
    try:
        amount = parse_amount(text, "USD")
    except AmountError:
        return
    assert 0 <= amount <= MAX_MINOR
    assert " " not in text.strip()
    digit_script(text)  # one accepted script, or it would raise


def test_digit_script_names_the_one_script_or_refuses():
    assert digit_script("1,000") == "western"
    assert digit_script("١٬٠٠٠") == "arabic-indic"
    assert digit_script("۱۰") == "persian"
    assert digit_script("abc") is None
    for mixed in ("1٢", "२", "𝟐", "Ⅻ"):
        with pytest.raises(DigitsError):
            digit_script(mixed)


def test_dates_read_persian_digits_too():
    assert parse_date("۲۰۲۱-۱۲-۱۰") == date(2021, 12, 10)
    assert parse_date("٢٠٢١-١٢-١٠") == date(2021, 12, 10)


def test_the_donate_form_says_what_is_wrong_with_mixed_digits(client, db, make):
    campaign = make.campaign()
    response = client.post(
        f"/campaigns/{campaign.slug}/donate",
        data={"amount": "2٥", "name": "Sami", "email": "s@example.org"},
    )
    assert response.status_code == 422
    assert "one kind of digits" in response.get_data(as_text=True)


def test_the_donate_form_refuses_spaces_inside_a_number(client, db, make):
    campaign = make.campaign()
    response = client.post(
        f"/campaigns/{campaign.slug}/donate",
        data={"amount": "25 50", "name": "Sami", "email": "s@example.org"},
    )
    assert response.status_code == 422
    assert "Please type an amount like" in response.get_data(as_text=True)
