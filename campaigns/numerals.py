"""The digits people type and read on this site: Western (0-9), Arabic-Indic (٠-٩) and
Persian, or Extended Arabic-Indic (۰-۹).

One home for the rule, so that amounts, dates and years read the same digits. Any other
digit Unicode knows (Devanagari २५, full-width ２５, mathematical 𝟐𝟓, superscripts) is not
accepted: ``int()`` would quietly read them, and a donor would not recognise the number.
"""

from __future__ import annotations

import unicodedata

WESTERN = "0123456789"
ARABIC_INDIC = "٠١٢٣٤٥٦٧٨٩"
PERSIAN = "۰۱۲۳۴۵۶۷۸۹"
#: Each accepted script and its name, for error messages and tests.
SCRIPTS = {"western": WESTERN, "arabic-indic": ARABIC_INDIC, "persian": PERSIAN}

_TO_WESTERN = str.maketrans(ARABIC_INDIC + PERSIAN, WESTERN * 2)
_TO_ARABIC_INDIC = str.maketrans(WESTERN + "%", ARABIC_INDIC + "٪")
_SCRIPT_OF = {digit: name for name, digits in SCRIPTS.items() for digit in digits}


class DigitsError(ValueError):
    """The text mixes digit scripts, or uses digits this site does not read."""


def western_digits(text: str) -> str:
    """``text`` with Arabic-Indic and Persian digits written 0-9; nothing else changes."""
    return text.translate(_TO_WESTERN)


def arabic_indic_digits(text: str) -> str:
    """``text`` with 0-9 (and the percent sign) written in Arabic-Indic digits, for display."""
    return text.translate(_TO_ARABIC_INDIC)


def is_digit_like(char: str) -> bool:
    """Any character Unicode counts as a digit or number (``२``, ``２``, ``²``, ``Ⅻ``)."""
    return char.isnumeric() or unicodedata.category(char) == "Nd"


def digit_script(text: str) -> str | None:
    """The one script the digits of ``text`` are written in, or None if it has no digit.

    Raises :class:`DigitsError` for digits of two scripts (``2٥``) or of another script.
    """
    found: set[str] = set()
    for char in text:
        script = _SCRIPT_OF.get(char)
        if script is not None:
            found.add(script)
        elif is_digit_like(char):
            raise DigitsError(f"digit {char!r} is not read here")
    if len(found) > 1:
        raise DigitsError("digits of more than one script")
    return found.pop() if found else None
