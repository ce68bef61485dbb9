"""Stripe's own rules for amounts, which are not Babel's (docs.stripe.com/currencies).

The site stores money in the minor unit Babel gives a currency (CLDR: LBP, IQD, ISK, HUF,
COP, IDR ... have none). Stripe counts every currency in two decimals, except the
zero-decimal ones and five three-decimal ones, so 1,000,000 LBP is 100,000,000 at Stripe.
Every amount that crosses the Stripe boundary (checkouts, subscription prices, refunds,
and the amounts its events report) goes through :func:`to_stripe_amount` or
:func:`from_stripe_amount`; nothing else in the code knows these tables.
"""

from __future__ import annotations

from campaigns.money.amounts import minor_digits

#: Charged in whole units: the amount sent is the amount charged (500 JPY is ``500``).
ZERO_DECIMAL = frozenset(
    {"BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND",
     "VUV", "XAF", "XOF", "XPF"}
)  # fmt: skip
#: Three decimals, but Stripe's partners need the last digit to be 0 (5.120 KWD, not 5.124).
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
#: Sent with two decimals for backwards compatibility, but only whole units can be charged:
#: 5 ISK is ``500``, and the amount must be a multiple of 100.
WHOLE_UNITS_IN_TWO_DECIMALS = frozenset({"ISK"})
#: Charged with two decimals, paid out in whole units only. This site makes no payouts, so
#: the rule changes nothing here; it is listed so that nobody adds it by mistake.
WHOLE_UNIT_PAYOUTS = frozenset({"HUF", "TWD", "UGX"})

#: The presentment currencies Stripe can charge (card payments). Anything else (SYP, IRR,
#: KPW, CUP, IQD, LYD, SDG ...) takes offline gifts only.
PRESENTMENT = frozenset(
    {"USD", "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM",
     "BBD", "BDT", "BGN", "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BWP", "BYN",
     "BZD", "CAD", "CDF", "CHF", "CLP", "CNY", "COP", "CRC", "CVE", "CZK", "DJF", "DKK",
     "DOP", "DZD", "EGP", "ETB", "EUR", "FJD", "FKP", "GBP", "GEL", "GIP", "GMD", "GNF",
     "GTQ", "GYD", "HKD", "HNL", "HTG", "HUF", "IDR", "ILS", "INR", "ISK", "JMD", "JOD",
     "JPY", "KES", "KGS", "KHR", "KMF", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR",
     "LRD", "LSL", "MAD", "MDL", "MGA", "MKD", "MMK", "MNT", "MOP", "MUR", "MVR", "MWK",
     "MXN", "MYR", "MZN", "NAD", "NGN", "NIO", "NOK", "NPR", "NZD", "OMR", "PAB", "PEN",
     "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD", "RUB", "RWF", "SAR", "SBD",
     "SCR", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "STD", "SZL", "THB", "TJS", "TND",
     "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "UYU", "UZS", "VND", "VUV", "WST",
     "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW"}
)  # fmt: skip


class StripeAmountError(ValueError):
    """An amount that cannot be said to Stripe (or read from it) exactly in this currency."""


def stripe_can_charge(currency: str) -> bool:
    """Whether Stripe takes payments in this currency; if not, the campaign is offline only."""
    return (currency or "").upper() in PRESENTMENT


def stripe_digits(currency: str) -> int:
    """How many decimals Stripe's amounts have in this currency (JPY 0, USD 2, KWD 3)."""
    currency = currency.upper()
    if currency in ZERO_DECIMAL:
        return 0
    if currency in THREE_DECIMAL:
        return 3
    return 2


def stripe_step(currency: str) -> int:
    """The smallest amount, in Stripe's units, that Stripe charges in (ISK 100, KWD 10)."""
    currency = currency.upper()
    if currency in WHOLE_UNITS_IN_TWO_DECIMALS:
        return 100
    if currency in THREE_DECIMAL:
        return 10
    return 1


def gift_step(currency: str) -> int:
    """The smallest step, in the site's minor units, of an amount Stripe can charge.

    10 for KWD (fils must end in 0), 1 for everything else: an ISK amount stored here is
    already in whole krónur.
    """
    shift = stripe_digits(currency) - minor_digits(currency)
    step = stripe_step(currency)
    if shift < 0:  # Stripe counts in coarser units than the site
        return step * 10**-shift
    return max(1, step // 10**shift)


def to_stripe_amount(amount_minor: int, currency: str) -> int:
    """The amount Stripe must be sent for ``amount_minor`` of ``currency``, exactly.

    Raises :class:`StripeAmountError` for a currency Stripe cannot charge, a negative or
    non-integer amount, or one Stripe cannot represent (1.005 KWD).
    """
    _check_whole(amount_minor)
    currency = _chargeable(currency)
    shift = stripe_digits(currency) - minor_digits(currency)
    if shift >= 0:
        amount = amount_minor * 10**shift
    else:
        amount, rest = divmod(amount_minor, 10**-shift)
        if rest:
            raise StripeAmountError(f"{amount_minor} {currency} has more decimals than Stripe")
    if amount % stripe_step(currency):
        raise StripeAmountError(
            f"{amount_minor} {currency} is not a multiple of {stripe_step(currency)} at Stripe"
        )
    return amount


def from_stripe_amount(amount: int, currency: str) -> int:
    """The site's minor units for an amount Stripe reports in ``currency``, exactly.

    Raises :class:`StripeAmountError` when it cannot be stored without rounding
    (``150`` ISK at Stripe is 1.5 krónur, which the site has no unit for).
    """
    _check_whole(amount)
    currency = _chargeable(currency)
    shift = stripe_digits(currency) - minor_digits(currency)
    if shift <= 0:
        return amount * 10**-shift
    minor, rest = divmod(amount, 10**shift)
    if rest:
        raise StripeAmountError(f"{amount} at Stripe is not a whole {currency} minor unit")
    return minor


def read_stripe_amount(amount: object, currency: object) -> int | None:
    """:func:`from_stripe_amount` for a value read from an event: None when it is missing,
    not a whole number, in an unknown currency, or not representable here."""
    if not isinstance(amount, int) or isinstance(amount, bool) or not isinstance(currency, str):
        return None
    try:
        return from_stripe_amount(amount, currency)
    except StripeAmountError:
        return None


def _check_whole(amount: int) -> None:
    if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
        raise StripeAmountError(f"{amount!r} is not a whole, non-negative amount")


def _chargeable(currency: str) -> str:
    code = (currency or "").upper()
    if code not in PRESENTMENT:
        raise StripeAmountError(f"Stripe cannot charge {currency!r}")
    return code
