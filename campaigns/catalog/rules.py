"""Rules for what admins (and the demo loader) may store as campaign content.

The database enforces the hard limits with CHECK and UNIQUE constraints; these functions
say the same things earlier, field by field, in words an admin understands. Forms and the
writes in :mod:`campaigns.catalog.writes` call them so that each rule is written once.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime
from urllib.parse import urlsplit

from flask_babel import gettext as _
from sqlalchemy import func, inspect, select

from campaigns.catalog import visibility
from campaigns.extensions import db
from campaigns.models import Campaign, DatePrecision, Donation, Update
from campaigns.money import is_currency, parse_amount
from campaigns.numerals import western_digits

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$", re.ASCII)
_DAY_FIRST = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$", re.ASCII)


class ContentError(ValueError):
    """Content that must not be saved; ``errors`` maps each field to what is wrong with it."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def parse_date(text: str) -> date:
    """Read ``2021-12-10``, ``2021/12/10`` or ``10/12/2021`` (day first, as the seeds write).

    Raises ``ValueError`` with a message naming the problem, e.g. for ``2021/00/19``.
    """
    cleaned = western_digits((text or "").strip())
    if match := _ISO_DATE.match(cleaned):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DAY_FIRST.match(cleaned):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValueError(_("Write the date as YYYY-MM-DD, for example 2021-12-10."))
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(
            _("%(text)s is not a date that exists (month 1-12, day within the month).", text=text)
        ) from None


def slugify(text: str) -> str:
    """A URL-safe slug from a title; Arabic-only titles give an empty slug (ask for one)."""
    normalized = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", normalized.lower()).strip("-")
    return slug[:80].rstrip("-")


def slug_taken(model, slug: str, exclude_id: int | None = None) -> bool:
    query = select(func.count()).select_from(model).where(model.slug == slug)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    with db.session.no_autoflush:
        return bool(db.session.scalar(query))


def unique_slug(model, base: str, exclude_id: int | None = None) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is free."""
    base = base or "item"
    candidate, n = base, 1
    while slug_taken(model, candidate, exclude_id):
        n += 1
        candidate = f"{base[:75]}-{n}"
    return candidate


def claim_slug(model, slug: str, organization_id: int, exclude_id: int | None = None) -> str:
    """The address a writer asked for, or a free variant of it when the page holding it
    belongs to another organization and is hidden from the public.

    An error saying "taken" there would confirm that another organization keeps a draft
    (or an unpublished update) at that address; the variant is saved without a word, as an
    address made from a title is. Public pages and the writer's own keep their error.
    """
    if slug and _held_by_a_hidden_page_elsewhere(model, slug, organization_id, exclude_id):
        return unique_slug(model, slug, exclude_id)
    return slug


def _held_by_a_hidden_page_elsewhere(model, slug, organization_id, exclude_id) -> bool:
    query = select(model).where(model.slug == slug)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    with db.session.no_autoflush:
        holder = db.session.scalar(query)
    if holder is None or getattr(holder, "organization_id", organization_id) == organization_id:
        return False
    if isinstance(holder, Campaign):
        return not visibility.is_public(holder)
    if isinstance(holder, Update):
        return not visibility.is_public_update(holder)
    return False


def slug_errors(model, slug: str, exclude_id: int | None = None) -> str | None:
    if not slug or not _SLUG.match(slug) or len(slug) > 80:
        return _("Use lower-case letters, digits and single hyphens (for example water-for-hajin).")
    if slug_taken(model, slug, exclude_id):
        return _("Another page already uses this address; choose a different one.")
    return None


def campaign_errors(campaign: Campaign) -> dict[str, str]:
    """Every problem with a campaign as it stands, by field; empty when it may be saved."""
    errors: dict[str, str] = {}
    if message := slug_errors(Campaign, campaign.slug, campaign.id):
        errors["slug"] = message
    if not (campaign.title_en or "").strip():
        errors["title_en"] = _("An English title is required.")
    if not is_currency(campaign.currency or ""):
        errors["currency"] = _("Use a three-letter ISO 4217 currency code, such as USD or EUR.")
    elif campaign.id is not None and _currency_changed_after_gifts(campaign):
        errors["currency"] = _("The currency cannot change once the campaign has donations.")
    if campaign.goal_minor is not None and campaign.goal_minor <= 0:
        errors["goal_minor"] = _("The goal must be greater than zero.")
    elif campaign.goal_minor is None and not campaign.is_completed_project:
        errors["goal_minor"] = _("A campaign needs a goal.")
    if campaign.starts_on is None:
        errors["starts_on"] = _("A start date is required.")
    elif campaign.ends_on is not None and campaign.ends_on < campaign.starts_on:
        errors["ends_on"] = _("The end date is before the start date.")
    if (
        campaign.implemented_from
        and campaign.implemented_to
        and campaign.implemented_to < campaign.implemented_from
    ):
        errors["implemented_to"] = _("The end of the work is before its start.")
    if campaign.implemented_precision is DatePrecision.UNCLEAR and not campaign.implemented_from:
        errors["implemented_precision"] = _(
            "“Dates unclear” needs the period of the work: give the date it was carried "
            "out from, in the year the report names."
        )
    for name in ("min_amount_minor", "max_amount_minor"):
        value = getattr(campaign, name)
        if value is not None and value <= 0:
            errors[name] = _("The amount must be greater than zero.")
    if (
        campaign.min_amount_minor
        and campaign.max_amount_minor
        and campaign.max_amount_minor < campaign.min_amount_minor
    ):
        errors["max_amount_minor"] = _("The largest gift is smaller than the smallest.")
    if campaign.beneficiaries_reached is not None and campaign.beneficiaries_reached < 0:
        errors["beneficiaries_reached"] = _("The number of people reached cannot be negative.")
    if message := tier_errors([tier.amount_minor for tier in campaign.tiers]):
        errors["tiers"] = message
    return errors


#: Lengths of an update's source columns.
SOURCE_NAME_MAX = 200
SOURCE_URL_MAX = 500
_HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")


def source_url_error(url: str) -> str | None:
    """Why ``url`` cannot be linked as the original of an external report, or None."""
    message = _("Write the full address of the original, starting with https:// or http://.")
    if len(url) > SOURCE_URL_MAX:
        return _("The address is longer than %(max)s characters.", max=SOURCE_URL_MAX)
    if any(c.isspace() for c in url):
        return message
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return message
    if parts.scheme.lower() not in ("http", "https") or parts.username or parts.password:
        return message
    return None if _HOST.match(host) else message


def update_source_errors(
    external: bool, source_name: str | None, source_url: str | None
) -> dict[str, str]:
    """Problems with what an update says of its source, by field; empty when it may be saved.

    Only an external report names a source; a link needs a name to be shown on.
    """
    errors: dict[str, str] = {}
    if source_name and len(source_name) > SOURCE_NAME_MAX:
        errors["source_name"] = _(
            "The name of the source is longer than %(max)s characters.", max=SOURCE_NAME_MAX
        )
    if source_url and (message := source_url_error(source_url)):
        errors["source_url"] = message
    elif source_url and not source_name:
        errors["source_name"] = _("Name the source: the link to the original is shown on its name.")
    if (source_name or source_url) and not external:
        errors["external_report"] = _(
            "A source is named only for a report written outside the organization: tick this, "
            "or leave the source empty."
        )
    return errors


def tier_errors(amounts: list[int | None]) -> str | None:
    """Tier amounts must be above zero and distinct."""
    if any(amount is None or amount <= 0 for amount in amounts):
        return _("Every tier amount must be greater than zero.")
    if len(set(amounts)) != len(amounts):
        return _("Two tiers have the same amount.")
    return None


def validate_campaign(campaign: Campaign) -> None:
    """Raise ContentError when the campaign must not be saved as it stands."""
    if errors := campaign_errors(campaign):
        raise ContentError(errors)


def _currency_changed_after_gifts(campaign: Campaign) -> bool:
    """True when this unsaved edit changes the currency of a campaign that has donations."""
    history = inspect(campaign).attrs["currency"].history
    if not history.deleted or history.deleted[0] == campaign.currency:
        return False
    with db.session.no_autoflush:
        count = db.session.scalar(
            select(func.count()).select_from(Donation).where(Donation.campaign_id == campaign.id)
        )
    return bool(count)


def parse_optional_amount(text: str | None, currency: str) -> int | None:
    """Minor units from what an admin typed, or None for an empty field."""
    if not (text or "").strip():
        return None
    return parse_amount(text, currency)


_YEAR = re.compile(r"^\d{4}$", re.ASCII)
_YEAR_MONTH = re.compile(r"^(\d{4})[-/.](\d{1,2})$", re.ASCII)
_MONTH_YEAR = re.compile(r"^(\d{1,2})[-/.](\d{4})$", re.ASCII)


def parse_chapter_date(text: str | None) -> tuple[date, DatePrecision]:
    """A year, a month or a day, and how precise it is: ``2013``, ``2013-06``, ``2013-06-15``."""
    text = (text or "").strip()
    cleaned = western_digits(text)
    if _YEAR.match(cleaned):
        year = int(cleaned)
        if year < 1:
            raise ValueError(_("Write a year such as 2013."))
        return date(year, 1, 1), DatePrecision.YEAR
    match = _YEAR_MONTH.match(cleaned) or _MONTH_YEAR.match(cleaned)
    if match:
        first, second = match.groups()
        year, month = (int(first), int(second)) if len(first) == 4 else (int(second), int(first))
        if not 1 <= month <= 12 or year < 1:
            raise ValueError(_("%(text)s is not a month that exists (month 1-12).", text=text))
        return date(year, month, 1), DatePrecision.MONTH
    return parse_date(cleaned), DatePrecision.DAY


_DATETIME = re.compile(r"^(?P<date>\S+)(?:[ T](?P<hour>\d{1,2}):(?P<minute>\d{2}))?$", re.ASCII)


def parse_moment(text: str) -> datetime:
    """``2024-03-27 14:30`` (UTC), or a date alone for midnight."""
    match = _DATETIME.match(western_digits((text or "").strip()))
    if not match:
        raise ValueError(_("Write the time as YYYY-MM-DD HH:MM, for example 2024-03-27 14:30."))
    day = parse_date(match.group("date"))
    hour, minute = int(match.group("hour") or 0), int(match.group("minute") or 0)
    if hour > 23 or minute > 59:
        raise ValueError(_("Write the time as YYYY-MM-DD HH:MM, for example 2024-03-27 14:30."))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
