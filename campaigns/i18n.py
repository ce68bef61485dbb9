"""Locale choice and locale-aware formatting of money, numbers and dates.

The locale comes from the URL prefix (``/ar/...`` or ``/en/...``), then the visitor's
saved choice (a cookie set whenever a prefixed page is visited), then ``Accept-Language``,
then English. The prefix is moved into ``SCRIPT_NAME`` by :class:`LocalePrefixMiddleware`,
so every ``url_for`` on an Arabic page keeps the visitor in Arabic without any route
knowing about languages.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote, urlsplit, urlunsplit

from babel import dates as babel_dates
from babel import numbers as babel_numbers
from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale, ngettext, refresh, to_user_timezone
from flask_babel import gettext as _
from markupsafe import Markup

from campaigns.money import to_major
from campaigns.numerals import arabic_indic_digits

LANGUAGES = ("en", "ar")
RTL_LANGUAGES = frozenset({"ar"})
LOCALE_COOKIE = "lang"
_ENVIRON_LOCALE = "campaigns.url_locale"
_ENVIRON_BASE = "campaigns.base_script_name"
#: Characters left as they are when a decoded path is written back into a URL.
_PATH_SAFE = "/:@!$&'()*+,;=-._~"


class LocalePrefixMiddleware:
    """Strip a leading ``/ar`` or ``/en`` from the path and remember it."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or "/"
        script_name = environ.get("SCRIPT_NAME", "")
        environ[_ENVIRON_BASE] = script_name
        for code in LANGUAGES:
            prefix = "/" + code
            if path == prefix or path.startswith(prefix + "/"):
                environ[_ENVIRON_LOCALE] = code
                environ["SCRIPT_NAME"] = script_name + prefix
                environ["PATH_INFO"] = path[len(prefix) :] or "/"
                break
        return self.wsgi_app(environ, start_response)


#: Endpoints serving the same file in every language. Their URLs carry no language prefix,
#: so a visitor who switches language does not download the stylesheet and photos again.
SHARED_ENDPOINTS = frozenset({"static", "media.file"})


def share_files_between_languages(app: Flask) -> None:
    """Make ``url_for`` build the URLs of :data:`SHARED_ENDPOINTS` without the prefix."""
    build = app.url_for

    def url_for(endpoint: str, **values) -> str:
        url = build(endpoint, **values)
        if endpoint in SHARED_ENDPOINTS and has_request_context() and url_locale():
            return _without_prefix(url)
        return url

    # flask.url_for goes through current_app.url_for; Flask documents replacing it.
    app.url_for = url_for  # type: ignore[method-assign]
    app.jinja_env.globals["url_for"] = url_for


def _without_prefix(url: str) -> str:
    base = request.environ.get(_ENVIRON_BASE, "")
    prefixed = f"{base}/{url_locale()}/"
    parts = urlsplit(url)
    if not parts.path.startswith(prefixed):
        return url
    return urlunsplit(parts._replace(path=base + "/" + parts.path[len(prefixed) :]))


def url_locale() -> str | None:
    """The locale named by the URL prefix, if any."""
    return request.environ.get(_ENVIRON_LOCALE)


def select_locale() -> str:
    """Flask-Babel's locale selector; English outside a request (a command, a job), where
    mail and receipts choose their language with ``force_locale``."""
    if not has_request_context():
        return "en"
    chosen = url_locale()
    if chosen:
        return chosen
    saved = request.cookies.get(LOCALE_COOKIE)
    if saved in LANGUAGES:
        return saved
    return request.accept_languages.best_match(LANGUAGES) or "en"


def current_language() -> str:
    """``"en"`` or ``"ar"``; the two-letter code of the page being rendered."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


def text_direction() -> str:
    return "rtl" if current_language() in RTL_LANGUAGES else "ltr"


def switch_language_url(code: str) -> str:
    """The current page in another language: same path, same query."""
    base = request.environ.get(_ENVIRON_BASE, "")
    url = f"{base}/{code}{quote(request.path, safe=_PATH_SAFE)}"
    if request.query_string:
        url += "?" + request.query_string.decode("latin-1")
    return url


def remember_locale(response):
    """Save an explicit choice of language so unprefixed URLs honour it next time."""
    chosen = url_locale()
    # A response any cache may keep and hand to everyone must not carry a cookie.
    if (
        chosen
        and request.cookies.get(LOCALE_COOKIE) != chosen
        and not response.cache_control.public
    ):
        response.set_cookie(
            LOCALE_COOKIE,
            chosen,
            max_age=365 * 24 * 3600,
            samesite="Lax",
            secure=current_app.config["SESSION_COOKIE_SECURE"],
            httponly=True,
        )
    if not chosen:
        response.vary.add("Cookie")
        response.vary.add("Accept-Language")
    # Flask-Babel caches the locale in ``g``, which lives as long as the application
    # context; where one context serves several requests (the test client inside an app
    # context), the next request must choose its language afresh.
    refresh()
    return response


def _numbering_system() -> str:
    """``"arab"`` on Arabic pages when ``ARABIC_DIGITS`` asks for it, else ``"latn"``."""
    if current_language() == "ar" and current_app.config.get("ARABIC_DIGITS") == "arab":
        return "arab"
    return "latn"


def _digits(text: str) -> str:
    """Write the digits of an already formatted text in the page's numbering system.

    Babel switches the separators for the ``arab`` numbering system (``٬`` and ``٫``)
    but leaves the digits themselves, and the percent sign, in their Western forms.
    """
    if _numbering_system() == "arab":
        return arabic_indic_digits(text)
    return text


def _locale_code() -> str:
    return str(get_locale() or "en")


def _space_currency(text: str, symbol: str) -> str:
    """Put a no-break space between a digit and a currency symbol made of letters.

    CLDR's currency spacing rule, which Babel does not apply: ``KWD 1,234.567`` rather
    than ``KWD1,234.567``; ``$1.00`` and ``1.00 US$`` are left as they are.
    """
    at = text.find(symbol)
    if at < 0 or not symbol:
        return text
    end = at + len(symbol)
    if end < len(text) and text[end].isdigit() and _is_letter(symbol[-1]):
        text = text[:end] + "\N{NO-BREAK SPACE}" + text[end:]
    if at > 0 and text[at - 1].isdigit() and _is_letter(symbol[0]):
        text = text[:at] + "\N{NO-BREAK SPACE}" + text[at:]
    return text


def _is_letter(char: str) -> bool:
    return unicodedata.category(char).startswith("L")


def _is_latin(char: str) -> bool:
    return char.isascii() and char.isalpha()


def money_text(amount_minor: int, currency: str) -> str:
    """An amount of money written for the reader, as plain text (for attributes).

    ``$1,000.00`` in English, ``‏1,000.00 US$`` in Arabic (CLDR's pattern, with its
    right-to-left mark); the number of decimals is the currency's own (JPY none, KWD three).
    """
    locale = _locale_code()
    text = babel_numbers.format_currency(
        to_major(amount_minor, currency),
        currency,
        locale=locale,
        numbering_system=_numbering_system(),
    )
    symbol = babel_numbers.get_currency_symbol(currency, locale=locale)
    text = _space_currency(text, symbol)
    if text_direction() == "rtl" and any(_is_latin(c) for c in symbol):
        # "US$" ends with a neutral sign that right-to-left text would pull away from its
        # letters ("$US"); a left-to-right mark after the symbol keeps it in one piece.
        text = text.replace(symbol, symbol + "\N{LEFT-TO-RIGHT MARK}", 1)
    return _digits(text)


def money(amount_minor: int, currency: str) -> Markup:
    """:func:`money_text` isolated with ``<bdi>`` so bidi never reorders it in a sentence."""
    return Markup("<bdi>%s</bdi>") % money_text(amount_minor, currency)


def number_text(value: int | Decimal) -> str:
    """A count or figure with the reader's grouping and digits: ``12,345`` / ``١٢٬٣٤٥``."""
    return _digits(
        babel_numbers.format_decimal(
            value, locale=_locale_code(), numbering_system=_numbering_system()
        )
    )


def number(value: int | Decimal) -> Markup:
    """:func:`number_text` isolated with ``<bdi>``."""
    return Markup("<bdi>%s</bdi>") % number_text(value)


def percent_text(value: int) -> str:
    """A whole percentage (``45`` -> ``45%``), in the reader's digits and sign placement."""
    return _digits(
        babel_numbers.format_percent(
            Decimal(value) / 100, locale=_locale_code(), numbering_system=_numbering_system()
        )
    )


def bdi(value) -> Markup:
    """Isolate a value that may be written in another script (a name, an e-mail, a code).

    Inside an Arabic sentence, ``<bdi>`` keeps a Latin name or an address from pulling the
    punctuation around it into the wrong order, and the other way round.
    """
    return Markup("<bdi>%s</bdi>") % value


#: The locale dates are written in, per language: Arabic readers here are Syrian, and
#: Syria names the months تشرين الثاني, not نوفمبر (Egypt's and the Gulf's names).
DATE_LOCALES = {"ar": "ar_SY"}


def date_locale() -> str:
    """The locale every date on the page (and in mail) is formatted with."""
    return DATE_LOCALES.get(current_language(), _locale_code())


def date_text(value: date | datetime | None, fmt: str = "medium") -> str:
    """A date in the reader's language: ``Jun 3, 2018`` / ``3 حزيران 2018``.

    The one place dates are formatted. The Arabic "medium" format in CLDR is all digits
    (``03/06/2018``); the month is written out instead, as the English medium format does.
    A moment is shown on the day it was in the site's time zone.
    """
    if value is None:
        return ""
    if fmt == "medium" and current_language() == "ar":
        fmt = "long"
    if isinstance(value, datetime):
        value = to_user_timezone(value)
    return _digits(babel_dates.format_date(value, fmt, locale=date_locale()))


def month_year_text(value: date | None) -> str:
    """``June 2018`` / ``حزيران 2018``."""
    if value is None:
        return ""
    return date_text(value, "MMMM y")


def year_text(value: date) -> str:
    return date_text(value, "y")


def days_left_text(starts_on: date, ends_on: date | None, today: date) -> str:
    """ "Starts in N days", "N days left", "Last day", "Open-ended" or "Ended".

    The count goes through ``ngettext`` so that Arabic gets its six plural forms.
    """
    if today < starts_on:
        n = (starts_on - today).days
        return ngettext("Starts in %(days)s day", "Starts in %(days)s days", n, days=number_text(n))
    if ends_on is None:
        return _("Open-ended")
    if today > ends_on:
        return _("Ended")
    n = (ends_on - today).days
    if n == 0:
        return _("Last day")
    return ngettext("%(days)s day left", "%(days)s days left", n, days=number_text(n))


def language_name(code: str) -> str:
    """A language's name in that language, for the switcher."""
    return {"en": "English", "ar": "العربية"}[code]


def language_label(code: str) -> str:
    """A language's name in the reader's language, for labels such as "Title · Arabic"."""
    return {"en": _("English"), "ar": _("Arabic")}[code]


def jinja_helpers() -> dict:
    """Functions offered to every template."""
    return {
        "money": money,
        "money_text": money_text,
        "number": number,
        "number_text": number_text,
        "percent_text": percent_text,
        "bdi": bdi,
        "date_text": date_text,
        "month_year_text": month_year_text,
        "year_text": year_text,
        "current_language": current_language,
        "text_direction": text_direction,
        "switch_language_url": switch_language_url,
        "language_name": language_name,
        "language_label": language_label,
        "LANGUAGES": LANGUAGES,
        "loc": localized,
    }


def localized(obj, field: str):
    """``obj.<field>`` in the page's language (see :class:`campaigns.models.base.LocalText`)."""
    return obj.localized(field, current_language())
