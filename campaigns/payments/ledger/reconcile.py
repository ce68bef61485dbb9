"""Reconciliation: recompute every campaign's totals from its donations, and repair drift."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from campaigns.extensions import db
from campaigns.models import Campaign, Donation, DonationSource
from campaigns.payments.ledger.totals import COUNTED


@dataclass(frozen=True)
class Drift:
    """A campaign whose cached totals disagree with its donations."""

    campaign_id: int
    slug: str
    stored_raised: int
    expected_raised: int
    stored_donors: int
    expected_donors: int
    currency: str


def _expected_totals(campaign_ids: list[int] | None = None):
    counted = Donation.status.in_(sorted(COUNTED))
    donor = sa.and_(
        counted,
        Donation.source != DonationSource.OPENING_BALANCE,
        Donation.parent_id.is_(None),
    )
    raised = sa.func.coalesce(
        sa.func.sum(sa.case((counted, Donation.amount_minor - Donation.refunded_minor), else_=0)),
        0,
    )
    donors = sa.func.coalesce(sa.func.sum(sa.case((donor, 1), else_=0)), 0)
    query = (
        sa.select(
            Campaign.id,
            Campaign.slug,
            Campaign.currency,
            Campaign.raised_minor,
            Campaign.donor_count,
            raised,
            donors,
        )
        .outerjoin(Donation, Donation.campaign_id == Campaign.id)
        .group_by(Campaign.id, Campaign.slug, Campaign.currency)
        .order_by(Campaign.id)
    )
    if campaign_ids is not None:
        query = query.where(Campaign.id.in_(campaign_ids))
    return db.session.execute(query).all()


def reconcile(fix: bool = False) -> list[Drift]:
    """Recompute every campaign's totals from its donations; with ``fix``, repair drift.

    Each repair locks the campaign's row and recomputes under the lock, so a webhook that
    commits meanwhile is neither lost nor counted twice.
    """
    drifts = []
    for cid, slug, currency, stored_raised, stored_donors, raised, donors in _expected_totals():
        if stored_raised == raised and stored_donors == donors:
            continue
        drifts.append(
            Drift(cid, slug, stored_raised, int(raised), stored_donors, int(donors), currency)
        )
    if fix:
        for drift in drifts:
            db.session.execute(
                sa.select(Campaign.id).where(Campaign.id == drift.campaign_id).with_for_update()
            )
            (_, _, _, _, _, raised, donors) = _expected_totals([drift.campaign_id])[0]
            db.session.execute(
                sa.update(Campaign)
                .where(Campaign.id == drift.campaign_id)
                .values(raised_minor=int(raised), donor_count=int(donors))
                .execution_options(synchronize_session=False)
            )
        db.session.expire_all()
    return drifts
