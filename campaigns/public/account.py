"""A campaign's public account: where its total comes from, month by month, from the ledger.

Every paid gift adds its amount to the month it was confirmed in (or received, offline), and
whatever left it again is shown going out in the month it left: each refund in the month it
was made (the ledger's refund records), a dispute (held open, or lost) in the month it was
opened. Any refunded amount that no record dates (none should be) stays in the gift's month,
so that the lines always add up to exactly what the ledger counts in the campaign's total.
The sums are made by the database, grouped by month and kind, in one query: the page costs
the same for ten gifts as for a million.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from campaigns.catalog import visibility
from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    Donation,
    DonationSource,
    DonationStatus,
    RefundRecord,
    Update,
)
from campaigns.models.update import UpdateCategory
from campaigns.payments.ledger import PAID

ONLINE = "online"
OFFLINE = "offline"
OPENING = "opening"


@dataclass
class Movement:
    """Money in and out for one month (or for the opening balance)."""

    #: Online (card, test gateway) and offline (cash, bank transfer) gifts, as given.
    online_minor: int = 0
    offline_minor: int = 0
    #: Raised elsewhere before the campaign came here.
    opening_minor: int = 0
    #: Given back to donors (or, for an opening balance, corrected).
    refunded_minor: int = 0
    #: Out of the total while a dispute is open; it comes back if the dispute is won.
    disputes_held_minor: int = 0
    #: Taken back by the donor's bank: the dispute was lost.
    disputes_lost_minor: int = 0
    gifts: int = 0

    @property
    def in_minor(self) -> int:
        return self.online_minor + self.offline_minor + self.opening_minor

    @property
    def disputed_minor(self) -> int:
        return self.disputes_held_minor + self.disputes_lost_minor

    @property
    def out_minor(self) -> int:
        return self.refunded_minor + self.disputed_minor

    @property
    def net_minor(self) -> int:
        return self.in_minor - self.out_minor

    def add(self, other: Movement) -> None:
        for name in (
            "online_minor",
            "offline_minor",
            "opening_minor",
            "refunded_minor",
            "disputes_held_minor",
            "disputes_lost_minor",
            "gifts",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class Account:
    currency: str
    #: The opening balance, apart from the months (it was raised before them).
    opening: Movement = field(default_factory=Movement)
    #: First day of each month that saw money come in or go out, oldest first.
    months: list[tuple[date, Movement]] = field(default_factory=list)
    #: The whole account: its ``net_minor`` is the campaign's total.
    total: Movement = field(default_factory=Movement)
    reports: Sequence[Update] = ()

    @property
    def closing_minor(self) -> int:
        return self.total.net_minor


def _month_of(moment) -> sa.ColumnElement:
    """The month of a timestamp, in UTC: a timestamp on PostgreSQL (``date_trunc`` is its
    cheapest way), ``YYYY-MM`` text on SQLite (which stores UTC text already)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.date_trunc("month", sa.func.timezone("UTC", moment))
    return sa.func.strftime("%Y-%m", moment)


def _month_key(value) -> str:
    return value if isinstance(value, str) else value.strftime("%Y-%m")


def _monthly_sums(campaign: Campaign):
    """One row per (month, kind): the sums that make up the account."""
    kind = sa.case(
        (Donation.source == DonationSource.OPENING_BALANCE, OPENING),
        (Donation.source == DonationSource.OFFLINE, OFFLINE),
        else_=ONLINE,
    ).label("kind")
    paid = (Donation.campaign_id == campaign.id, Donation.status.in_(sorted(PAID)))
    given_at = sa.func.coalesce(Donation.succeeded_at, Donation.created_at)
    none = sa.literal(0, sa.BigInteger)

    def part(month, amount=none, refunded=none, held=none, lost=none, gifts=none):
        return sa.select(
            _month_of(month).label("month"),
            kind,
            amount.label("amount"),
            refunded.label("refunded"),
            held.label("held"),
            lost.label("lost"),
            gifts.label("gifts"),
        )

    recorded = (
        sa.select(sa.func.coalesce(sa.func.sum(RefundRecord.amount_minor), 0))
        .where(RefundRecord.donation_id == Donation.id)
        .scalar_subquery()
    )
    left = Donation.amount_minor - Donation.refunded_minor
    disputed_at = sa.func.coalesce(Donation.disputed_at, given_at)
    movements = sa.union_all(
        part(given_at, amount=Donation.amount_minor, gifts=sa.literal(1, sa.BigInteger)).where(
            *paid
        ),
        part(RefundRecord.refunded_at, refunded=RefundRecord.amount_minor)
        .select_from(Donation)
        .join(RefundRecord, RefundRecord.donation_id == Donation.id)
        .where(*paid),
        # Refunded before refunds were recorded one by one, and recorded by nothing since.
        part(given_at, refunded=Donation.refunded_minor - recorded).where(
            *paid, Donation.refunded_minor > 0
        ),
        part(
            disputed_at,
            held=sa.case((Donation.status == DonationStatus.DISPUTED, left), else_=0),
            # Refunded in full by a lost dispute rather than by refunds: what refunds left.
            lost=sa.case((Donation.status == DonationStatus.REFUNDED, left), else_=0),
        ).where(
            *paid,
            Donation.status.in_([DonationStatus.DISPUTED, DonationStatus.REFUNDED]),
            left > 0,
        ),
    ).subquery()
    return db.session.execute(
        sa.select(
            movements.c.month,
            movements.c.kind,
            sa.func.sum(movements.c.amount),
            sa.func.sum(movements.c.refunded),
            sa.func.sum(movements.c.held),
            sa.func.sum(movements.c.lost),
            sa.func.sum(movements.c.gifts),
        )
        .group_by(movements.c.month, movements.c.kind)
        .order_by(movements.c.month, movements.c.kind)
    ).all()


def spending_reports(campaign: Campaign) -> Sequence[Update]:
    """The campaign's published spending reports, newest first."""
    return db.session.scalars(
        visibility.published_updates().where(
            Update.campaign_id == campaign.id,
            Update.category == UpdateCategory.SPENDING_REPORT,
        )
    ).all()


def campaign_account(campaign: Campaign) -> Account:
    """The campaign's account, month by month, with its spending reports."""
    account = Account(currency=campaign.currency)
    months: dict[str, Movement] = {}
    for month, kind, amount, refunded, held, lost, count in _monthly_sums(campaign):
        movement = Movement(
            refunded_minor=int(refunded or 0),
            disputes_held_minor=int(held or 0),
            disputes_lost_minor=int(lost or 0),
            gifts=int(count or 0),
        )
        if kind == OPENING:
            movement.opening_minor = int(amount or 0)
            account.opening.add(movement)
        else:
            setattr(movement, f"{kind}_minor", int(amount or 0))
            months.setdefault(_month_key(month), Movement()).add(movement)
        account.total.add(movement)
    account.months = [
        (date(int(key[:4]), int(key[5:7]), 1), movement) for key, movement in sorted(months.items())
    ]
    account.reports = spending_reports(campaign)
    return account
