"""What the public pages show: which campaigns are public, their progress and timing,
recent donors, published updates and completed projects.

Every query that decides what a visitor may see lives here, so a draft can never leak
through one page while another hides it.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from urllib.parse import quote, urlencode

from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, nulls_last, or_, select
from sqlalchemy.orm import selectinload

from campaigns.extensions import db
from campaigns.i18n import days_left_text
from campaigns.models import (
    Campaign,
    CampaignState,
    Donation,
    DonationSource,
    DonationStatus,
    Organization,
    Sector,
    Update,
)

#: States a visitor may see. Drafts and archived campaigns are invisible to the public.
PUBLIC_STATES = (CampaignState.PUBLISHED, CampaignState.CLOSED)
PAGE_SIZE = 12
RECENT_DONORS = 10
LATEST_UPDATES = 5


class Timing(enum.StrEnum):
    """Where a public campaign stands in time."""

    UPCOMING = "upcoming"
    ACTIVE = "active"
    ENDED = "ended"


#: The status filter of the campaign list: every value a visitor can choose.
STATUS_FILTERS = (Timing.ACTIVE.value, Timing.ENDED.value)


# --- progress and timing -------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far a campaign is towards its goal.

    ``percent`` is the true figure (135 when the goal was passed), ``bar_percent`` the
    width of the bar, which never exceeds 100.
    """

    raised_minor: int
    goal_minor: int | None
    currency: str
    percent: int | None

    @property
    def bar_percent(self) -> int:
        return min(self.percent or 0, 100)

    @property
    def has_goal(self) -> bool:
        return self.goal_minor is not None


def progress(campaign: Campaign) -> Progress:
    """Integer percentage, rounded down so that 99.9% never reads as reached."""
    goal = campaign.goal_minor
    percent = (campaign.raised_minor * 100) // goal if goal else None
    return Progress(campaign.raised_minor, goal, campaign.currency, percent)


def timing(campaign: Campaign, today: date | None = None) -> Timing:
    today = today or date.today()
    if campaign.state == CampaignState.CLOSED or (
        campaign.ends_on is not None and today > campaign.ends_on
    ):
        return Timing.ENDED
    if today < campaign.starts_on:
        return Timing.UPCOMING
    return Timing.ACTIVE


def timing_text(campaign: Campaign, today: date | None = None) -> str:
    """ "12 days left", "Starts in 3 days" or "Ended"; a closed campaign has ended, whatever
    its dates say."""
    today = today or date.today()
    if campaign.state == CampaignState.CLOSED:
        return _("Ended")
    return days_left_text(campaign.starts_on, campaign.ends_on, today)


# --- which campaigns are public ------------------------------------------------------


def _public() -> Select:
    return (
        select(Campaign)
        .where(Campaign.state.in_(PUBLIC_STATES))
        .options(selectinload(Campaign.organization))
    )


def _not_ended(today: date):
    return and_(
        Campaign.state == CampaignState.PUBLISHED,
        or_(Campaign.ends_on.is_(None), Campaign.ends_on >= today),
    )


def _ended(today: date):
    return or_(
        Campaign.state == CampaignState.CLOSED,
        and_(Campaign.ends_on.is_not(None), Campaign.ends_on < today),
    )


def public_campaign(slug: str) -> Campaign | None:
    """The campaign behind a public URL, or None for an unknown, draft or archived slug."""
    return db.session.scalar(_public().where(Campaign.slug == slug))


def featured_campaigns(today: date | None = None, limit: int = 3) -> Sequence[Campaign]:
    """Campaigns the platform puts forward, still open for gifts."""
    today = today or date.today()
    query = (
        _public()
        .where(Campaign.featured.is_(True), _not_ended(today))
        .order_by(nulls_last(Campaign.ends_on.asc()), Campaign.id)
        .limit(limit)
    )
    return db.session.scalars(query).all()


def active_campaigns(
    today: date | None = None, exclude: Sequence[int] = (), limit: int = 12
) -> Sequence[Campaign]:
    """Open and upcoming campaigns, those ending soonest first."""
    today = today or date.today()
    query = _public().where(_not_ended(today))
    if exclude:
        query = query.where(Campaign.id.not_in(list(exclude)))
    query = query.order_by(nulls_last(Campaign.ends_on.asc()), Campaign.id).limit(limit)
    return db.session.scalars(query).all()


@dataclass(frozen=True)
class CampaignFilters:
    """The campaign list's filters as chosen by the visitor; unknown values mean "all"."""

    sector: str | None = None
    organization: str | None = None
    status: str | None = None

    @classmethod
    def from_args(cls, args) -> CampaignFilters:
        sector = args.get("sector") or None
        status = args.get("status") or None
        organization = (args.get("organization") or "").strip() or None
        return cls(
            sector=sector if sector in {s.value for s in Sector} else None,
            organization=organization,
            status=status if status in STATUS_FILTERS else None,
        )

    def query_args(self) -> dict[str, str]:
        """The filters as URL parameters, for pagination links."""
        return {k: v for k, v in vars(self).items() if v}


def campaign_list(
    filters: CampaignFilters, page: int, per_page: int = PAGE_SIZE, today: date | None = None
):
    """One page of public campaigns: open ones first (ending soonest), then ended ones."""
    today = today or date.today()
    query = _public()
    if filters.sector:
        query = query.where(Campaign.sector == Sector(filters.sector))
    if filters.organization:
        query = query.join(Campaign.organization).where(Organization.slug == filters.organization)
    if filters.status == Timing.ACTIVE:
        query = query.where(_not_ended(today))
    elif filters.status == Timing.ENDED:
        query = query.where(_ended(today))
    query = query.order_by(
        case((_ended(today), 1), else_=0),
        Campaign.starts_on.desc(),
        Campaign.id.desc(),
    ).options(selectinload(Campaign.organization), selectinload(Campaign.tiers))
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def filter_organizations() -> Sequence[Organization]:
    """Organizations that have at least one public campaign, for the filter's choices."""
    has_public = (
        select(Campaign.id)
        .where(Campaign.organization_id == Organization.id, Campaign.state.in_(PUBLIC_STATES))
        .exists()
    )
    return db.session.scalars(
        select(Organization).where(has_public).order_by(Organization.name_en)
    ).all()


# --- donors and updates ----------------------------------------------------------------


@dataclass(frozen=True)
class PublicDonor:
    """A gift as the public sees it: the name is already gone when the donor asked."""

    name: str | None
    amount_minor: int
    currency: str
    at: datetime | None
    message: str | None = None

    @property
    def anonymous(self) -> bool:
        return self.name is None


def recent_donors(campaign: Campaign, limit: int = RECENT_DONORS) -> list[PublicDonor]:
    """The latest confirmed gifts, the opening balance excluded (it is not a person).

    The donor's name is dropped here, before it can reach a template, when they asked to
    stay anonymous or gave no name.
    """
    rows = db.session.scalars(
        select(Donation)
        .where(
            Donation.campaign_id == campaign.id,
            Donation.status == DonationStatus.SUCCEEDED,
            Donation.source != DonationSource.OPENING_BALANCE,
        )
        .order_by(nulls_last(Donation.succeeded_at.desc()), Donation.id.desc())
        .limit(limit)
    ).all()
    return [
        PublicDonor(
            name=None if row.anonymous or not (row.donor_name or "").strip() else row.donor_name,
            amount_minor=row.amount_minor,
            currency=row.currency,
            at=row.succeeded_at,
            message=(row.message or "").strip() or None,
        )
        for row in rows
    ]


def _published_updates(now: datetime | None = None) -> Select:
    now = now or datetime.now(UTC)
    return (
        select(Update)
        .where(Update.published_at.is_not(None), Update.published_at <= now)
        .order_by(Update.published_at.desc(), Update.id.desc())
    )


def campaign_updates(campaign: Campaign, limit: int = LATEST_UPDATES) -> Sequence[Update]:
    return db.session.scalars(
        _published_updates().where(Update.campaign_id == campaign.id).limit(limit)
    ).all()


def organization_updates(
    organization: Organization, limit: int = LATEST_UPDATES
) -> Sequence[Update]:
    """Updates about the organization as a whole (campaign news stays on the campaign)."""
    return db.session.scalars(
        _published_updates()
        .where(Update.organization_id == organization.id, Update.campaign_id.is_(None))
        .limit(limit)
    ).all()


def public_update(slug: str) -> Update | None:
    """A published update; drafts and updates scheduled for later are not public yet."""
    update = db.session.scalar(_published_updates().where(Update.slug == slug))
    if update is None:
        return None
    if update.campaign is not None and update.campaign.state not in PUBLIC_STATES:
        return None
    return update


# --- organizations -------------------------------------------------------------------


def organization_by_slug(slug: str) -> Organization | None:
    return db.session.scalar(select(Organization).where(Organization.slug == slug))


@dataclass(frozen=True)
class OrganizationOverview:
    organization: Organization
    active: Sequence[Campaign]
    #: Completed projects by sector, sectors in the order the enum lists them.
    projects: list[tuple[Sector, list[Campaign]]]
    #: Ended fundraising campaigns that are not recorded as completed projects.
    past: Sequence[Campaign]
    updates: Sequence[Update]


def organization_overview(
    organization: Organization, today: date | None = None
) -> OrganizationOverview:
    """Everything the organization page shows, each list already in reading order."""
    today = today or date.today()
    campaigns = db.session.scalars(
        _public()
        .where(Campaign.organization_id == organization.id)
        .order_by(nulls_last(Campaign.implemented_from.desc()), Campaign.starts_on.desc())
    ).all()
    active, past, by_sector = [], [], {}
    for campaign in campaigns:
        if timing(campaign, today) != Timing.ENDED:
            active.append(campaign)
        elif campaign.is_completed_project:
            by_sector.setdefault(campaign.sector, []).append(campaign)
        else:
            past.append(campaign)
    projects = [(sector, by_sector[sector]) for sector in Sector if sector in by_sector]
    return OrganizationOverview(
        organization, active, projects, past, organization_updates(organization)
    )


# --- sharing ---------------------------------------------------------------------------


def share_links(title: str, url: str) -> list[tuple[str, str]]:
    """Plain links that open each service's own share page: no script, no tracking pixel."""
    text = f"{title} {url}"
    return [
        (
            _("Email"),
            "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote),
        ),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": text}, quote_via=quote)),
        (
            "Facebook",
            "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url}),
        ),
        ("X", "https://x.com/intent/post?" + urlencode({"text": title, "url": url})),
    ]
