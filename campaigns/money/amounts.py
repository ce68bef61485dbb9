"""Money as integers of minor units, and the only place that converts to and from text.

Decimal appears only while handing an amount to Babel for display; arithmetic on money is
integer arithmetic everywhere, parsing included.
"""

from __future__ import annotations

import re
from decimal import Decimal

from babel.numbers import get_currency_precision
from babel.numbers import is_currency as babel_is_currency
from flask_babel import gettext as _

from campaigns.numerals import DigitsError, digit_script, western_digits

#: The largest amount, in minor units, that any field accepts or any total may reach in one
#: step: far below the 64-bit columns' limit (9.2 x 10^18), so that thousands of the largest
#: gifts still add up without overflowing, and far above any real gift or goal
#: ($10,000,000,000,000.00; 10^15 yen).
MAX_MINOR = 10**15

#: Grouping and decimal marks, as pairs that belong together: ``1,000.50`` or ``١٬٠٠٠٫٥٠``
#: (the Arabic comma ``،`` is also typed for grouping).
_WESTERN_MARKS = (",", ".")
_ARABIC_MARKS = ("٬،", "٫")
#: Invisible direction marks that copying a formatted amount brings along at its ends.
_EDGE_MARKS = "\u200e\u200f\u061c\u2066\u2067\u2068\u2069"
_NUMBER = re.compile(r"^(?P<whole>[0-9]+(?:,[0-9]{3})*)(?:\.(?P<fraction>[0-9]+))?$")
_GROUPED = re.compile(r"^[0-9]{1,3}(?:,[0-9]{3})+$")


class AmountError(ValueError):
    """What a person typed is not an amount of money in this currency.

    ``reason`` says why (``empty``, ``not_a_number``, ``digits``, ``decimals``,
    ``too_large``); :attr:`message` says it to the person, in their language.
    """

    def __init__(self, reason: str, currency: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.currency = currency

    @property
    def message(self) -> str:
        if self.reason == "too_large":
            return _("This amount is too large.")
        if self.reason == "digits":
            return _("Write the amount in one kind of digits, 0-9 or ٠-٩.")
        if self.reason == "decimals" and self.currency:
            digits = minor_digits(self.currency)
            if digits == 0:
                return _(
                    "Write an amount without decimals: %(currency)s has none.",
                    currency=self.currency,
                )
            return _(
                "Write an amount with at most %(digits)d decimal places in %(currency)s.",
                currency=self.currency,
                digits=digits,
            )
        return _("Write an amount such as 1500 or 1500.50, without the currency sign.")


def is_currency(code: str) -> bool:
    """True for an ISO 4217 code (upper case) that Babel knows."""
    return bool(code) and len(code) == 3 and code.isupper() and babel_is_currency(code)


def minor_digits(currency: str) -> int:
    """How many digits the currency's minor unit has (USD 2, JPY 0, KWD 3)."""
    return get_currency_precision(currency)


def to_major(amount_minor: int, currency: str) -> Decimal:
    """The amount in major units, exactly, for display or for people who read it."""
    return Decimal(amount_minor).scaleb(-minor_digits(currency))


def check_size(amount_minor: int, currency: str | None = None) -> int:
    """``amount_minor`` itself, or :class:`AmountError` when it is above :data:`MAX_MINOR`."""
    if amount_minor > MAX_MINOR:
        raise AmountError("too_large", currency)
    return amount_minor


def parse_amount(text: str | None, currency: str) -> int:
    """Read an amount typed by a donor or an admin, in major units, into minor units.

    Accepts ``25``, ``25.50``, ``1,000``, ``1,000.50``, and the same in Arabic-Indic or
    Persian digits with either Western or Arabic marks (``١٬٠٠٠٫٥٠``). Refuses signs,
    exponents, spaces inside the number (``25 50``), grouping that is not in threes,
    digits of two scripts or of any other script, more decimals than the currency has,
    and amounts above :data:`MAX_MINOR`.
    """
    cleaned = (text or "").strip().strip(_EDGE_MARKS).strip()
    if not cleaned:
        raise AmountError("empty", currency)
    try:
        script = digit_script(cleaned)
    except DigitsError:
        raise AmountError("digits", currency) from None
    if script is None:
        raise AmountError("not_a_number", currency)
    cleaned = _western_marks(western_digits(cleaned), arabic_allowed=script != "western")
    match = _NUMBER.match(cleaned)
    if not match:
        raise AmountError("not_a_number", currency)
    whole, fraction = match.group("whole"), match.group("fraction") or ""
    if "," in whole and not _GROUPED.match(whole):
        raise AmountError("not_a_number", currency)
    digits = minor_digits(currency)
    if len(fraction) > digits:
        raise AmountError("decimals", currency)
    whole = whole.replace(",", "").lstrip("0") or "0"
    if len(whole) + digits > len(str(MAX_MINOR)):
        raise AmountError("too_large", currency)  # before int(), whatever the length
    return check_size(int(whole + fraction.ljust(digits, "0")), currency)


def _western_marks(text: str, *, arabic_allowed: bool) -> str:
    """The number with ``,`` for grouping and ``.`` for decimals, if it uses one set of marks.

    Western digits take Western marks only; Arabic-Indic or Persian digits take either
    set, but not a mix of the two within one number.
    """
    grouping, decimal = _ARABIC_MARKS
    arabic = {c for c in text if c in grouping or c == decimal}
    if not arabic:
        return text
    western = {c for c in text if c in _WESTERN_MARKS}
    if not arabic_allowed or western or len(arabic & set(grouping)) > 1:
        return "!"  # matches nothing: refused as not a number
    for mark in grouping:
        text = text.replace(mark, ",")
    return text.replace(decimal, ".")


def format_plain(amount_minor: int, currency: str) -> str:
    """``1234.50``: an unambiguous form for forms, CSV and JSON, never for display."""
    digits = minor_digits(currency)
    value = to_major(amount_minor, currency)
    return f"{value:.{digits}f}"
