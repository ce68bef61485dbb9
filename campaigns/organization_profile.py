"""An organization's identity as donors check it: registration, contact details and links.

The rules for these fields live here, shared by the console (which checks them) and the
public pages (which show them): country names come from Babel in the reader's language,
and every web address must be ``https``, so no link on a donor's page downgrades them to
plain HTTP or runs a script.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: Social networks an organization may link to: (column, name shown to visitors).
SOCIAL_NETWORKS = (
    ("facebook_url", _l("Facebook")),
    ("instagram_url", _l("Instagram")),
    ("x_url", _l("X (Twitter)")),
    ("youtube_url", _l("YouTube")),
    ("telegram_url", _l("Telegram")),
)
#: Every column holding a web address.
URL_FIELDS = ("website", *(column for column, _label in SOCIAL_NETWORKS))
#: Columns of the profile, as the console form names them.
PROFILE_FIELDS = (
    "legal_name_en", "legal_name_ar", "registration_country", "registration_authority_en",
    "registration_authority_ar", "registration_number", "address_en", "address_ar",
    "contact_email", "phone", *URL_FIELDS,
)  # fmt: skip
#: Texts kept in both languages: an Arabic one needs its English one, shown in its place
#: on English pages.
_PAIRS = ("legal_name", "registration_authority", "address")
#: Territory codes in Babel that are not countries (regions, "unknown", groupings).
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB", "XK"})
_PHONE = re.compile(r"\+?[0-9][0-9 ().\-]{4,38}")
_HOST = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9\-]+)+")


def _locale() -> Locale:
    return Locale.parse(str(get_locale() or "en"))


def country_choices() -> list[tuple[str, str]]:
    """Every country as (ISO code, name in the reader's language), sorted by name."""
    territories = _locale().territories
    countries = [
        (code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    ]
    return sorted(countries, key=lambda pair: pair[1])


def country_name(code: str | None) -> str:
    """The country's name in the reader's language; the code itself if Babel lacks it."""
    if not code:
        return ""
    return _locale().territories.get(code.upper(), code.upper())


def is_country(code: str) -> bool:
    return code.upper() in dict(country_choices())


def url_error(value: str) -> str | None:
    """Why ``value`` is not an acceptable web address, or None when it is."""
    if len(value) > 500 or any(c.isspace() for c in value):
        return _("Enter a web address without spaces, such as https://example.org.")
    parts = urlsplit(value)
    if parts.scheme.lower() != "https":
        return _("Only secure addresses starting with https:// are accepted.")
    if parts.username or parts.password or not _HOST.fullmatch(parts.hostname or ""):
        return _("Enter a web address without spaces, such as https://example.org.")
    return None


def phone_error(value: str) -> str | None:
    """Why ``value`` is not a phone number as donors would dial it, or None."""
    digits = sum(c.isdigit() for c in value)
    if not _PHONE.fullmatch(value) or digits < 6 or digits > 20:
        return _("Enter a phone number with its country code, such as +963 11 123 4567.")
    return None


def profile_errors(values: dict) -> dict[str, str]:
    """Problems with the profile fields of ``values`` (stripped, None when empty), by
    field; ``registration_country`` is upper-cased in place."""
    errors: dict[str, str] = {}
    for name in _PAIRS:
        if values.get(f"{name}_ar") and not values.get(f"{name}_en"):
            errors[f"{name}_en"] = _(
                "Give the English text too: English pages show it where Arabic is missing."
            )
    if country := values.get("registration_country"):
        values["registration_country"] = country = country.upper()
        if not is_country(country):
            errors["registration_country"] = _("Choose a country from the list.")
    if (phone := values.get("phone")) and (problem := phone_error(phone)):
        errors["phone"] = problem
    for name in URL_FIELDS:
        if (url := values.get(name)) and (problem := url_error(url)):
            errors[name] = problem
    return errors


def tel_href(phone: str) -> str:
    """A ``tel:`` link keeping only the leading plus and the digits."""
    plus = "+" if phone.strip().startswith("+") else ""
    return "tel:" + plus + "".join(c for c in phone if c.isdigit())


def display_host(url: str) -> str:
    """A website as visitors read it: ``example.org/path``, without scheme or ``www.``."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.")
    path = parts.path.rstrip("/")
    return host + path


@dataclass(frozen=True)
class SocialLink:
    label: str
    url: str


def social_links(organization) -> list[SocialLink]:
    """The organization's social network pages that are filled in, in a fixed order."""
    return [
        SocialLink(str(label), getattr(organization, column))
        for column, label in SOCIAL_NETWORKS
        if getattr(organization, column, None)
    ]


def has_profile(organization) -> bool:
    """Whether any of the identity fields is filled in (else the block is left out)."""
    return any(getattr(organization, name, None) for name in PROFILE_FIELDS)


def template_helpers() -> dict:
    return {
        "country_name": country_name,
        "tel_href": tel_href,
        "display_host": display_host,
        "social_links": social_links,
        "has_profile": has_profile,
    }
