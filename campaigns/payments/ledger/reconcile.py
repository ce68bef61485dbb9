"""Reconciliation: recompute every kept figure from the donations, and repair drift.

Two kinds of figures are kept by the ledger (see :mod:`campaigns.models.totals`): each
campaign's total and donor count, and its daily figures. Each check is one statement that
reads the donations and the kept figures together, so it sees one moment of the database:
gifts committed while it runs are in both or in neither, and never read as drift. A repair
adds the difference (``expected - stored``, computed under the campaign's row lock) to the
kept figures, which commutes with the gifts counted meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignDailyTotal,
    CampaignTotalSlot,
    Donation,
    DonationSource,
    DonationStatus,
)
from campaigns.payments.ledger.totals import COUNTED, FIGURE_COLUMNS, PAID, add_to

#: The slot that repairs are added to.
REPAIR_SLOT = 0


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


@dataclass(frozen=True)
class DailyDrift:
    """A campaign's day whose kept figures disagree with the donations of that day."""

    campaign_id: int
    slug: str
    day: date
    currency: str
    #: Each figure (``FIGURE_COLUMNS``) as kept, and as the donations say.
    stored: dict[str, int]
    expected: dict[str, int]

    @property
    def differences(self) -> dict[str, tuple[int, int]]:
        """The figures that differ: name -> (stored, expected)."""
        return {
            name: (self.stored[name], self.expected[name])
            for name in FIGURE_COLUMNS
            if self.stored[name] != self.expected[name]
        }


class utc_day(FunctionElement):
    """The UTC calendar day of a stored timestamp."""

    type = sa.Date()
    inherit_cache = True


@compiles(utc_day)
def _utc_day_default(element, compiler, **kw):
    return f"CAST(timezone('UTC', {compiler.process(element.clauses, **kw)}) AS DATE)"


@compiles(utc_day, "sqlite")
def _utc_day_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


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


def _donation_figures() -> list[sa.ColumnElement[int]]:
    """Each daily figure of a paid donation, as SQL (``totals.figures`` says it in Python)."""
    net = Donation.amount_minor - Donation.refunded_minor
    counted = Donation.status.in_(sorted(COUNTED))
    gift = sa.and_(
        counted, Donation.disputed.is_(False), Donation.source != DonationSource.OPENING_BALANCE
    )
    donor = sa.and_(
        counted, Donation.source != DonationSource.OPENING_BALANCE, Donation.parent_id.is_(None)
    )
    return [
        sa.case((counted, net), else_=0),
        sa.case((donor, 1), else_=0),
        sa.case((gift, 1), else_=0),
        sa.case((gift, net), else_=0),
        sa.case(
            (Donation.status == DonationStatus.REFUNDED, Donation.amount_minor),
            else_=Donation.refunded_minor,
        ),
        sa.case((Donation.status == DonationStatus.DISPUTED, net), else_=0),
    ]


def _daily_drift(campaign_ids: list[int] | None = None) -> list[DailyDrift]:
    """Every campaign day whose kept figures differ from its donations, in one statement."""
    zero = [sa.literal(0, sa.BigInteger) for _ in FIGURE_COLUMNS]
    day = utc_day(sa.func.coalesce(Donation.succeeded_at, Donation.created_at))
    expected = sa.select(
        Donation.campaign_id.label("campaign_id"),
        day.label("day"),
        Donation.currency.label("currency"),
        *(v.label(f"e_{n}") for n, v in zip(FIGURE_COLUMNS, _donation_figures(), strict=True)),
        *(v.label(f"s_{n}") for n, v in zip(FIGURE_COLUMNS, zero, strict=True)),
    ).where(Donation.status.in_(sorted(PAID)))
    kept = sa.select(
        CampaignDailyTotal.campaign_id,
        CampaignDailyTotal.day,
        CampaignDailyTotal.currency,
        *zero,
        *(sa.inspect(CampaignDailyTotal).c[n] for n in FIGURE_COLUMNS),
    )
    if campaign_ids is not None:
        expected = expected.where(Donation.campaign_id.in_(campaign_ids))
        kept = kept.where(CampaignDailyTotal.campaign_id.in_(campaign_ids))
    both = sa.union_all(expected, kept).subquery()
    sums = {f"{p}_{n}": sa.func.sum(both.c[f"{p}_{n}"]) for p in ("e", "s") for n in FIGURE_COLUMNS}
    query = (
        sa.select(both.c.campaign_id, both.c.day, both.c.currency, *sums.values())
        .group_by(both.c.campaign_id, both.c.day, both.c.currency)
        .having(sa.or_(*(sums[f"e_{n}"] != sums[f"s_{n}"] for n in FIGURE_COLUMNS)))
        .order_by(both.c.campaign_id, both.c.day, both.c.currency)
    )
    rows = db.session.execute(query).all()
    slugs = dict(
        db.session.execute(
            sa.select(Campaign.id, Campaign.slug).where(Campaign.id.in_({r[0] for r in rows}))
        ).all()
    )
    count = len(FIGURE_COLUMNS)
    return [
        DailyDrift(
            campaign_id=row[0],
            slug=slugs.get(row[0], ""),
            day=row[1] if isinstance(row[1], date) else date.fromisoformat(str(row[1])),
            currency=row[2],
            expected={
                n: int(v or 0) for n, v in zip(FIGURE_COLUMNS, row[3 : 3 + count], strict=True)
            },
            stored={n: int(v or 0) for n, v in zip(FIGURE_COLUMNS, row[3 + count :], strict=True)},
        )
        for row in rows
    ]


def reconcile(fix: bool = False) -> list[Drift | DailyDrift]:
    """Recompute every kept figure from the donations; with ``fix``, repair drift.

    Each repair locks the campaign's row (so two repairs of one campaign run one after the
    other) and recomputes under the lock before adding the difference.
    """
    drifts: list[Drift | DailyDrift] = []
    for cid, slug, currency, stored_raised, stored_donors, raised, donors in _expected_totals():
        if stored_raised == raised and stored_donors == donors:
            continue
        drifts.append(
            Drift(cid, slug, stored_raised, int(raised), stored_donors, int(donors), currency)
        )
    drifts.extend(_daily_drift())
    if fix:
        for campaign_id in sorted({d.campaign_id for d in drifts}):
            _repair(campaign_id)
        db.session.expire_all()
    return drifts


def _repair(campaign_id: int) -> None:
    db.session.execute(sa.select(Campaign.id).where(Campaign.id == campaign_id).with_for_update())
    (_, _, _, stored_raised, stored_donors, raised, donors) = _expected_totals([campaign_id])[0]
    if (stored_raised, stored_donors) != (raised, donors):
        add_to(
            CampaignTotalSlot,
            [
                {
                    "campaign_id": campaign_id,
                    "slot": REPAIR_SLOT,
                    "raised_minor": int(raised) - stored_raised,
                    "donor_count": int(donors) - stored_donors,
                }
            ],
            ("raised_minor", "donor_count"),
        )
    rows = [
        {"campaign_id": campaign_id, "day": d.day, "currency": d.currency, "slot": REPAIR_SLOT}
        | {n: d.expected[n] - d.stored[n] for n in FIGURE_COLUMNS}
        for d in _daily_drift([campaign_id])
    ]
    add_to(CampaignDailyTotal, rows, FIGURE_COLUMNS)
