"""The public lists: featured and open campaigns, the filtered campaign list, and what an
organization's page shows.

Which campaigns, updates and donors a visitor may see at all is decided in
:mod:`campaigns.catalog.visibility`; every query here starts from it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, nulls_last, or_, select
from sqlalchemy.orm import selectinload

from campaigns import timeutil
from campaigns.catalog import visibility
from campaigns.catalog.acceptance import Timing, ended_clause, has_ended, open_clause
from campaigns.extensions import db
from campaigns.models import Campaign, Organization, Sector, Update

PAGE_SIZE = 12


#: The status filter of the campaign list: every value a visitor can choose.
STATUS_FILTERS = (Timing.ACTIVE.value, Timing.ENDED.value)


# --- lists ---------------------------------------------------------------------------


def featured_campaigns(today: date | None = None, limit: int = 3) -> Sequence[Campaign]:
    """Campaigns the platform puts forward, still open for gifts."""
    today = today or timeutil.today()
    query = (
        visibility.public_campaigns()
        .where(Campaign.featured.is_(True), open_clause(today))
        .order_by(nulls_last(Campaign.ends_on.asc()), Campaign.id)
        .limit(limit)
    )
    return db.session.scalars(query).all()


def active_campaigns(
    today: date | None = None, exclude: Sequence[int] = (), limit: int = 12
) -> Sequence[Campaign]:
    """Open and upcoming campaigns, those ending soonest first."""
    today = today or timeutil.today()
    query = visibility.public_campaigns().where(open_clause(today))
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
    """One page of public campaigns, in the order a donor looks for them.

    Open campaigns come first, then ended ones; within each, featured before the rest and
    real campaigns before examples; ended fundraising campaigns come before completed
    projects (an organization's record of its work, which can be many); newest first.
    """
    today = today or timeutil.today()
    query = visibility.public_campaigns()
    if filters.sector:
        query = query.where(Campaign.sector == Sector(filters.sector))
    if filters.organization:
        query = query.join(Campaign.organization).where(Organization.slug == filters.organization)
    if filters.status == Timing.ACTIVE:
        query = query.where(open_clause(today))
    elif filters.status == Timing.ENDED:
        query = query.where(ended_clause(today))
    query = query.order_by(
        case((ended_clause(today), 1), else_=0),
        Campaign.featured.desc(),
        Campaign.is_example.asc(),
        case((_project_clause(), 1), else_=0),
        Campaign.starts_on.desc(),
        Campaign.id.desc(),
    ).options(selectinload(Campaign.organization), selectinload(Campaign.tiers))
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def _project_clause():
    """SQL for :attr:`Campaign.is_completed_project`."""
    return or_(
        Campaign.completed_project.is_(True),
        Campaign.implemented_from.is_not(None),
        Campaign.beneficiaries_reached.is_not(None),
    )


def filter_organizations() -> Sequence[Organization]:
    """Organizations that have at least one public campaign, for the filter's choices."""
    has_public = (
        select(Campaign.id)
        .where(
            Campaign.organization_id == Organization.id,
            Campaign.state.in_(visibility.PUBLIC_STATES),
        )
        .exists()
    )
    return db.session.scalars(
        select(Organization).where(has_public).order_by(Organization.name_en)
    ).all()


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

    @property
    def project_count(self) -> int:
        return sum(len(projects) for _sector, projects in self.projects)


def organization_overview(
    organization: Organization, today: date | None = None
) -> OrganizationOverview:
    """Everything the organization page shows, each list already in reading order."""
    today = today or timeutil.today()
    campaigns = db.session.scalars(
        visibility.public_campaigns()
        .where(Campaign.organization_id == organization.id)
        .order_by(nulls_last(Campaign.implemented_from.desc()), Campaign.starts_on.desc())
    ).all()
    active, past = [], []
    by_sector: dict[Sector, list[Campaign]] = {}
    for campaign in campaigns:
        if not has_ended(campaign, today):
            active.append(campaign)
        elif campaign.is_completed_project:
            by_sector.setdefault(campaign.sector, []).append(campaign)
        else:
            past.append(campaign)
    projects = [(sector, by_sector[sector]) for sector in Sector if sector in by_sector]
    return OrganizationOverview(
        organization, active, projects, past, visibility.organization_updates(organization)
    )
