"""Figures for the dashboard, and the gifts-over-time chart drawn on the server as SVG.

The chart is plain SVG geometry computed here and written out by a template, so it shows
with JavaScript off and costs the browser nothing.

Every figure is read from what the ledger keeps as it moves money (the campaigns' totals
and their daily figures, :mod:`campaigns.models.totals`), never summed over the donations:
the dashboard costs the same with ten gifts or a million.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from campaigns.admin.access import Ability, scope
from campaigns.extensions import db
from campaigns.models import Campaign, CampaignDailyTotal, Donation

CHART_DAYS = 30


@dataclass(frozen=True)
class CampaignFigures:
    campaign: Campaign
    gifts: int
    average_minor: int | None

    @property
    def percent(self) -> int | None:
        goal = self.campaign.goal_minor
        if not goal:
            return None
        return self.campaign.raised_minor * 100 // goal


def figures(campaigns: list[Campaign]) -> list[CampaignFigures]:
    """Raised, goal and donors come from the campaign; the count of gifts and the average
    gift from the ledger's daily figures, without opening balances (which are not gifts)."""
    if not campaigns:
        return []
    rows = db.session.execute(
        select(
            CampaignDailyTotal.campaign_id,
            func.sum(CampaignDailyTotal.gifts),
            func.sum(CampaignDailyTotal.gifts_minor),
        )
        .where(CampaignDailyTotal.campaign_id.in_([c.id for c in campaigns]))
        .group_by(CampaignDailyTotal.campaign_id)
    )
    totals = {campaign_id: (int(count), int(total)) for campaign_id, count, total in rows}
    result = []
    for campaign in campaigns:
        count, total = totals.get(campaign.id, (0, 0))
        average = (2 * total + count) // (2 * count) if count > 0 else None
        result.append(CampaignFigures(campaign, count, average))
    return result


@dataclass(frozen=True)
class Bar:
    day: date
    amount_minor: int
    gifts: int
    x: float
    y: float
    width: float
    height: float


@dataclass(frozen=True)
class Chart:
    currency: str
    bars: list[Bar]
    max_minor: int
    total_minor: int
    width: int
    height: int
    baseline: float

    @property
    def empty(self) -> bool:
        return self.total_minor == 0


def gifts_over_time(campaign: Campaign, today: date | None = None, days: int = CHART_DAYS) -> Chart:
    """Money given per day over the last ``days`` days, as bars ready to draw."""
    today = today or datetime.now(UTC).date()
    first = today - timedelta(days=days - 1)
    rows = db.session.execute(
        select(
            CampaignDailyTotal.day,
            func.sum(CampaignDailyTotal.gifts_minor),
            func.sum(CampaignDailyTotal.gifts),
        )
        .where(CampaignDailyTotal.campaign_id == campaign.id, CampaignDailyTotal.day >= first)
        .group_by(CampaignDailyTotal.day)
    )
    per_day = {day: (int(amount), int(count)) for day, amount, count in rows if day <= today}
    width, height, top, bottom = 600, 160, 8, 20
    baseline = height - bottom
    slot = width / days
    peak = max((v[0] for v in per_day.values()), default=0)
    bars = []
    for n in range(days):
        day = first + timedelta(days=n)
        amount, count = per_day.get(day, (0, 0))
        bar_height = (baseline - top) * amount / peak if peak else 0
        bars.append(
            Bar(
                day=day,
                amount_minor=amount,
                gifts=count,
                x=round(n * slot + slot * 0.15, 2),
                y=round(baseline - bar_height, 2),
                width=round(slot * 0.7, 2),
                height=round(bar_height, 2),
            )
        )
    return Chart(
        currency=campaign.currency,
        bars=bars,
        max_minor=peak,
        total_minor=sum(v[0] for v in per_day.values()),
        width=width,
        height=height,
        baseline=baseline,
    )


def latest_donations(limit: int = 10) -> list[Donation]:
    """The most recent donations the user may see (managers and platform admins only)."""
    query = (
        select(Donation)
        .join(Campaign, Donation.campaign_id == Campaign.id)
        # Newest first by the primary key: an index walked backwards, however many there are.
        .order_by(Donation.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(scope(query, Campaign.organization_id, Ability.MONEY)))
