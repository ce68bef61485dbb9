"""Who may see a campaign, its updates and its donors.

Every page, the donate flow and the API ask these functions, so a draft can never leak
through one door while another hides it.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignState,
    Donation,
    DonationSource,
    DonationStatus,
    Organization,
    Update,
)
from campaigns.timeutil import as_utc, utcnow

#: States a visitor may see. Drafts and archived campaigns are invisible to the public.
PUBLIC_STATES = (CampaignState.PUBLISHED, CampaignState.CLOSED)
RECENT_DONORS = 10
LATEST_UPDATES = 5


def is_public(campaign: Campaign) -> bool:
    return campaign.state in PUBLIC_STATES


def public_campaigns() -> Select:
    """Every campaign a visitor may see, with its organization loaded."""
    return (
        select(Campaign)
        .where(Campaign.state.in_(PUBLIC_STATES))
        .options(selectinload(Campaign.organization))
    )


def public_campaign(slug: str) -> Campaign | None:
    """The campaign behind a public URL, or None for an unknown, draft or archived slug."""
    return db.session.scalar(public_campaigns().where(Campaign.slug == slug))


def public_campaign_or_404(slug: str) -> Campaign:
    """For views: drafts and archived campaigns do not exist for visitors and donors."""
    campaign = public_campaign(slug)
    if campaign is None:
        abort(404)
    return campaign


# --- updates ---------------------------------------------------------------------------


def published_updates(now: datetime | None = None) -> Select:
    now = now or datetime.now(UTC)
    return (
        select(Update)
        .where(Update.published_at.is_not(None), Update.published_at <= now)
        .order_by(Update.published_at.desc(), Update.id.desc())
    )


def is_public_update(update: Update, now: datetime | None = None) -> bool:
    """Published, not scheduled for later, and not about a campaign the public cannot see."""
    now = now or utcnow()
    if update.published_at is None:
        return False
    if as_utc(update.published_at) > now:
        return False
    return update.campaign is None or is_public(update.campaign)


class UpdateStatus(enum.StrEnum):
    """An update as its writers see it: a draft, scheduled for later, or out."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"


def update_status(update: Update, now: datetime | None = None) -> UpdateStatus:
    """Scheduled while ``published_at`` is still to come: neither shown nor mailed yet."""
    if update.published_at is None:
        return UpdateStatus.DRAFT
    if as_utc(update.published_at) > (now or utcnow()):
        return UpdateStatus.SCHEDULED
    return UpdateStatus.PUBLISHED


def public_update(slug: str) -> Update | None:
    """A published update; drafts and updates scheduled for later are not public yet."""
    update = db.session.scalar(published_updates().where(Update.slug == slug))
    if update is None or not is_public_update(update):
        return None
    return update


def campaign_updates(campaign: Campaign, limit: int = LATEST_UPDATES) -> Sequence[Update]:
    return db.session.scalars(
        published_updates().where(Update.campaign_id == campaign.id).limit(limit)
    ).all()


def organization_updates(
    organization: Organization, limit: int = LATEST_UPDATES
) -> Sequence[Update]:
    """Updates about the organization as a whole (campaign news stays on the campaign)."""
    return db.session.scalars(
        published_updates()
        .where(Update.organization_id == organization.id, Update.campaign_id.is_(None))
        .limit(limit)
    ).all()


# --- donors ----------------------------------------------------------------------------


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


def _name_withheld(donation: Donation) -> bool:
    return donation.anonymous or donation.name_hidden or not (donation.donor_name or "").strip()


def recent_donors(campaign: Campaign, limit: int = RECENT_DONORS) -> list[PublicDonor]:
    """The latest confirmed gifts, the opening balance excluded (it is not a person).

    The donor's name is dropped here, before it can reach a template, when they asked to
    stay anonymous, gave no name or staff hid it; so is a message staff hid.
    """
    rows = db.session.scalars(
        select(Donation)
        .where(
            Donation.campaign_id == campaign.id,
            Donation.status == DonationStatus.SUCCEEDED,
            Donation.source != DonationSource.OPENING_BALANCE,
            # Always set on a confirmed gift; said here so that the latest are read
            # straight from the end of ``ix_donations_campaign_recent``, however many.
            Donation.succeeded_at.is_not(None),
        )
        .order_by(Donation.succeeded_at.desc(), Donation.id.desc())
        .limit(limit)
    ).all()
    return [
        PublicDonor(
            name=None if _name_withheld(row) else row.donor_name,
            amount_minor=row.amount_minor,
            currency=row.currency,
            at=row.succeeded_at,
            message=None if row.message_hidden else (row.message or "").strip() or None,
        )
        for row in rows
    ]
