"""Demo content: two organizations, their campaigns and completed projects, and news.

``flask --app wsgi demo-data`` calls :func:`load_demo_data`. The content itself lives in
``data/*.toml``, in English and Arabic side by side; this module only reads it. Everything is
matched on its slug, so a second run finds it all in place and changes nothing. Money goes
through the ledger like any other gift (the medical campaign's earlier total as an opening
balance, the demo gifts as offline gifts), so ``reconcile`` finds no drift on a fresh demo
database.

The facts (dates, places, counts, amounts) come from the organizations' own reports; the
prose is written for this platform. Nothing in a report is dropped or mended: a date that
cannot be right (a month 00, an end before the start) keeps only the years it falls in, at
the ``unclear`` precision, and figures that disagree with each other are shown as given with
a note. Campaigns that the reports do not contain are marked as examples (``is_example``).
"""

from __future__ import annotations

import enum
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import select

from campaigns.catalog import validate_campaign
from campaigns.demo.images import cover_image
from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignState,
    Chapter,
    DatePrecision,
    DonationTier,
    ImpactFigure,
    OfflineMethod,
    Organization,
    Sector,
    Update,
    UpdateCategory,
)

DATA_DIR = Path(__file__).parent / "data"

Spec = dict[str, Any]

#: The keys each kind of entry may have; anything else is a typo that would lose content.
ORGANIZATION_KEYS = {"slug", "founded_on", "name", "place", "vision", "mission", "values", "about"}
CAMPAIGN_KEYS = {
    "slug", "organization", "state", "featured", "example", "sector", "goal_minor", "starts_on",
    "starts_in_days", "ends_on", "ends_in_days", "opening_balance", "cover", "title", "summary",
    "places", "beneficiaries", "story", "gifts", "tier", "chapter", "impact",
}  # fmt: skip
PROJECT_KEYS = {
    "slug", "organization", "sector", "period", "precision", "reached", "title", "summary",
    "places", "beneficiaries",
}  # fmt: skip
UPDATE_KEYS = {
    "slug", "organization", "campaign", "category", "external_report", "source_name",
    "source_url", "published_days_ago", "published_time_utc", "title", "body",
}  # fmt: skip
CAMPAIGN_TEXTS = ("title", "summary", "story", "places", "beneficiaries")

E = TypeVar("E", bound=enum.Enum)


class DemoDataError(ValueError):
    """A demo data file says something the loader cannot read; the message names the entry."""


@dataclass
class DemoReport:
    """What one run added; all zeros on a second run."""

    organizations: int = 0
    campaigns: int = 0
    updates: int = 0
    gifts: int = 0
    skipped: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        if not (self.organizations or self.campaigns or self.updates or self.gifts):
            return "The demo content is already loaded; nothing changed."
        return (
            f"Added {self.organizations} organizations, {self.campaigns} campaigns, "
            f"{self.updates} updates and {self.gifts} gifts."
        )


def load_demo_data(today: date | None = None) -> DemoReport:
    """Add whatever demo content is missing, matched on slugs; flushes, the caller commits."""
    today = today or date.today()
    report = DemoReport()
    organizations = {
        spec["slug"]: _organization(spec, report)
        for spec in _entries("organizations.toml", "organization", ORGANIZATION_KEYS)
    }
    currency = read_data("campaigns.toml")["currency"]
    for spec in _entries("campaigns.toml", "campaign", CAMPAIGN_KEYS):
        _campaign(spec, currency, organizations, today, report)
    currency = read_data("projects.toml")["currency"]
    for spec in _entries("projects.toml", "project", PROJECT_KEYS):
        _project(spec, currency, organizations, report)
    for spec in _entries("updates.toml", "update", UPDATE_KEYS):
        _update(spec, organizations, today, report)
    db.session.flush()
    return report


def read_data(name: str) -> dict[str, Any]:
    """One data file, as TOML reads it."""
    with (DATA_DIR / name).open("rb") as file:
        return tomllib.load(file)


def _entries(name: str, kind: str, allowed: set[str]) -> list[Spec]:
    entries = read_data(name).get(kind, [])
    for spec in entries:
        unknown = set(spec) - allowed
        if unknown:
            raise DemoDataError(
                f"{name}: {kind} {spec.get('slug')!r} has unknown keys {sorted(unknown)}."
            )
    return entries


def _enum(kind: type[E], value: str, where: str) -> E:
    """``"health"`` -> ``Sector.HEALTH``; an unknown value names the entry and the choices."""
    try:
        return kind(value)
    except ValueError:
        choices = ", ".join(member.value for member in kind)
        raise DemoDataError(f"{where}: {value!r} is not one of {choices}.") from None


def _set_texts(obj, spec: Spec, names: tuple[str, ...]) -> None:
    """Copy each ``name.en`` / ``name.ar`` pair of the entry onto ``name_en`` / ``name_ar``."""
    for name in names:
        text = spec.get(name)
        if text is None:
            continue
        if set(text) != {"en", "ar"}:
            raise DemoDataError(f"{spec.get('slug')!r}: {name} needs exactly .en and .ar.")
        setattr(obj, f"{name}_en", text["en"])
        setattr(obj, f"{name}_ar", text["ar"])


def _find(model, slug: str):
    return db.session.scalar(select(model).where(model.slug == slug))


def _day(spec: Spec, prefix: str, today: date) -> date | None:
    """A fixed date (``starts_on``) or one counted from the loading day (``starts_in_days``)."""
    if f"{prefix}_on" in spec:
        return spec[f"{prefix}_on"]
    if f"{prefix}_in_days" in spec:
        return today + timedelta(days=spec[f"{prefix}_in_days"])
    return None


def _organization(spec: Spec, report: DemoReport) -> Organization:
    existing = _find(Organization, spec["slug"])
    if existing is not None:
        return existing
    organization = Organization(slug=spec["slug"], founded_on=spec.get("founded_on"))
    _set_texts(organization, spec, ("name", "place", "vision", "mission", "values", "about"))
    db.session.add(organization)
    db.session.flush()
    report.organizations += 1
    return organization


def _campaign(
    spec: Spec,
    currency: str,
    organizations: dict[str, Organization],
    today: date,
    report: DemoReport,
) -> None:
    if _find(Campaign, spec["slug"]) is not None:
        return
    starts_on = _day(spec, "starts", today)
    if starts_on is None:
        raise DemoDataError(f"{spec['slug']!r}: a campaign needs starts_on or starts_in_days.")
    campaign = Campaign(
        slug=spec["slug"],
        organization=organizations[spec["organization"]],
        state=_enum(CampaignState, spec["state"], spec["slug"]),
        featured=spec.get("featured", False),
        is_example=spec.get("example", False),
        sector=_enum(Sector, spec["sector"], spec["slug"]),
        currency=currency,
        goal_minor=spec["goal_minor"],
        starts_on=starts_on,
        ends_on=_day(spec, "ends", today),
    )
    _set_texts(campaign, spec, CAMPAIGN_TEXTS)
    for position, entry in enumerate(spec.get("tier", ())):
        tier = DonationTier(amount_minor=entry["amount_minor"], position=position)
        _set_texts(tier, entry, ("description",))
        campaign.tiers.append(tier)
    for position, entry in enumerate(spec.get("chapter", ())):
        chapter = Chapter(
            happened_on=entry["happened_on"],
            precision=_enum(DatePrecision, entry["precision"], spec["slug"]),
            position=position,
        )
        _set_texts(chapter, entry, ("title", "body"))
        campaign.chapters.append(chapter)
    for position, entry in enumerate(spec.get("impact", ())):
        figure = ImpactFigure(value=entry["value"], position=position)
        _set_texts(figure, entry, ("label", "detail", "note"))
        campaign.impact_figures.append(figure)
    validate_campaign(campaign)
    if spec.get("cover"):
        campaign.cover_image = cover_image(
            spec["slug"], spec["cover"]["dark"], spec["cover"]["light"]
        )
    db.session.add(campaign)
    db.session.flush()
    report.campaigns += 1
    _record_money(campaign, spec, today, report)


def _project(
    spec: Spec, currency: str, organizations: dict[str, Organization], report: DemoReport
) -> None:
    """A completed project, recorded as a closed campaign without a goal.

    A campaign needs a start date; for a project whose period the report does not give,
    the organization's founding is used, and the public pages show no period for it.
    ``precision`` (default ``day``) says how much of the period is known.
    """
    if _find(Campaign, spec["slug"]) is not None:
        return
    organization = organizations[spec["organization"]]
    implemented_from, implemented_to = spec.get("period") or (None, None)
    campaign = Campaign(
        slug=spec["slug"],
        organization=organization,
        state=CampaignState.CLOSED,
        featured=False,
        sector=_enum(Sector, spec["sector"], spec["slug"]),
        currency=currency,
        goal_minor=None,
        starts_on=implemented_from or organization.founded_on,
        ends_on=implemented_to,
        implemented_from=implemented_from,
        implemented_to=implemented_to,
        implemented_precision=_enum(DatePrecision, spec.get("precision", "day"), spec["slug"]),
        beneficiaries_reached=spec.get("reached"),
        completed_project=True,
    )
    _set_texts(campaign, spec, CAMPAIGN_TEXTS)
    validate_campaign(campaign)
    db.session.add(campaign)
    db.session.flush()
    report.campaigns += 1


def _record_money(campaign: Campaign, spec: Spec, today: date, report: DemoReport) -> None:
    """Totals come from ledger entries only, never from writing ``raised_minor``."""
    from campaigns.payments.ledger import record_offline_gift, record_opening_balance

    if opening := spec.get("opening_balance"):
        record_opening_balance(campaign, opening["amount_minor"], note=opening["note"])
        report.gifts += 1
    for number, gift in enumerate(spec.get("gifts", ()), 1):
        received = max(today - timedelta(days=gift["days_ago"]), campaign.starts_on)
        record_offline_gift(
            campaign,
            gift["amount_minor"],
            donor_name=gift["donor"],
            anonymous=gift.get("anonymous", False),
            method=OfflineMethod.BANK_TRANSFER,
            reference=f"DEMO-{campaign.id}-{number}",
            received_on=received,
        )
        report.gifts += 1


def _update(
    spec: Spec, organizations: dict[str, Organization], today: date, report: DemoReport
) -> None:
    if _find(Update, spec["slug"]) is not None:
        return
    campaign = _find(Campaign, spec["campaign"]) if spec.get("campaign") else None
    published_on = today - timedelta(days=spec["published_days_ago"])
    update = Update(
        slug=spec["slug"],
        organization=organizations[spec["organization"]],
        campaign=campaign,
        category=_enum(UpdateCategory, spec["category"], spec["slug"]),
        external_report=spec.get("external_report", False),
        source_name=spec.get("source_name"),
        source_url=spec.get("source_url"),
        published_at=datetime.combine(published_on, spec["published_time_utc"], UTC),
    )
    _set_texts(update, spec, ("title", "body"))
    db.session.add(update)
    db.session.flush()
    report.updates += 1
