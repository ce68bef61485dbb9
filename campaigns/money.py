"""Money as integers of minor units, and the only place that converts to and from text.

Decimal appears only while parsing what a person typed and while handing an amount to
Babel for display; arithmetic on money is integer arithmetic everywhere else.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from babel.numbers import get_currency_precision
from babel.numbers import is_currency as babel_is_currency

#: Currencies Stripe accepts only as multiples of 10 minor units.
STRIPE_THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
#: Arabic decimal separator, Arabic thousands separator, Arabic comma.
_ARABIC_DECIMAL = "٫"
_ARABIC_GROUPING = "٬،"
_PLAIN_AMOUNT = re.compile(r"^(?P<whole>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<fraction>\d+))?$")


class AmountError(ValueError):
    """What a person typed is not an amount of money in this currency."""


def is_currency(code: str) -> bool:
    """True for an ISO 4217 code (upper case) that Babel knows."""
    return bool(code) and len(code) == 3 and code.isupper() and babel_is_currency(code)


def minor_digits(currency: str) -> int:
    """How many digits the currency's minor unit has (USD 2, JPY 0, KWD 3)."""
    return get_currency_precision(currency)


def to_major(amount_minor: int, currency: str) -> Decimal:
    """The amount in major units, exactly, for display or for people who read it."""
    return Decimal(amount_minor).scaleb(-minor_digits(currency))


def parse_amount(text: str, currency: str) -> int:
    """Read an amount typed by a donor or an admin, in major units, into minor units.

    Accepts ``25``, ``25.50``, ``1,000``, ``1000.5``, Arabic-Indic digits and the Arabic
    decimal separator; refuses signs, exponents, and more decimals than the currency has.
    """
    if text is None:
        raise AmountError("empty")
    cleaned = text.strip().translate(_ARABIC_DIGITS)
    cleaned = cleaned.replace(_ARABIC_DECIMAL, ".")
    for mark in _ARABIC_GROUPING:
        cleaned = cleaned.replace(mark, ",")
    cleaned = cleaned.replace("\u00a0", "").replace(" ", "")
    if not cleaned:
        raise AmountError("empty")
    match = _PLAIN_AMOUNT.match(cleaned)
    if not match:
        raise AmountError("not a number")
    digits = minor_digits(currency)
    fraction = match.group("fraction") or ""
    if len(fraction) > digits:
        raise AmountError("too many decimals")
    try:
        whole = int(match.group("whole").replace(",", ""))
    except (ValueError, InvalidOperation) as exc:  # pragma: no cover - the regex guards
        raise AmountError("not a number") from exc
    return whole * 10**digits + int(fraction.ljust(digits, "0") or 0)


def format_plain(amount_minor: int, currency: str) -> str:
    """``1234.50``: an unambiguous form for forms, CSV and JSON, never for display."""
    digits = minor_digits(currency)
    value = to_major(amount_minor, currency)
    return f"{value:.{digits}f}"
