"""Writing a kept figure behind the ledger's back, as a faulty deploy or a hand edit would."""

from __future__ import annotations

import sqlalchemy as sa

from campaigns.models import Campaign, CampaignTotalSlot


def set_total(db, campaign: Campaign, raised_minor: int, donor_count: int) -> None:
    """Make the campaign's kept total read ``raised_minor`` and ``donor_count``."""
    db.session.flush()
    db.session.execute(
        sa.update(CampaignTotalSlot)
        .where(CampaignTotalSlot.campaign_id == campaign.id)
        .values(raised_minor=0, donor_count=0)
    )
    db.session.execute(
        sa.update(Campaign)
        .where(Campaign.id == campaign.id)
        .values(raised_base_minor=raised_minor, donor_base_count=donor_count)
    )
    db.session.expire(campaign)
