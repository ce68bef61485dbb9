"""A campaign's public account: where its total comes from, month by month, from the ledger.

Every paid gift adds its amount to the month it was confirmed in (or received, offline), and
whatever left it again (refunds, and disputes held open or lost) is shown going out in the
same month, so that the lines add up to exactly what the ledger counts in the campaign's
total. The sums are made by the database, grouped by month and kind, in one query: the page
costs the same for ten gifts as for a million.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from campaigns.catalog import visibility
from campaigns.extensions import db
from campaigns.models import Campaign, Donation, DonationSource, DonationStatus, Update
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
    #: First day of each month that saw a gift, oldest first.
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
    )
    left = Donation.amount_minor - Donation.refunded_minor
    gifts = (
        sa.select(
            _month_of(sa.func.coalesce(Donation.succeeded_at, Donation.created_at)).label("month"),
            kind.label("kind"),
            Donation.amount_minor.label("amount"),
            Donation.refunded_minor.label("refunded"),
            sa.case((Donation.status == DonationStatus.DISPUTED, left), else_=0).label("held"),
            # Refunded in full by a lost dispute rather than by refunds: what refunds left.
            sa.case((Donation.status == DonationStatus.REFUNDED, left), else_=0).label("lost"),
        )
        .where(Donation.campaign_id == campaign.id, Donation.status.in_(sorted(PAID)))
        .subquery()
    )
    return db.session.execute(
        sa.select(
            gifts.c.month,
            gifts.c.kind,
            sa.func.sum(gifts.c.amount),
            sa.func.sum(gifts.c.refunded),
            sa.func.sum(gifts.c.held),
            sa.func.sum(gifts.c.lost),
            sa.func.count(),
        )
        .group_by(gifts.c.month, gifts.c.kind)
        .order_by(gifts.c.month, gifts.c.kind)
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
            gifts=int(count),
        )
        if kind == OPENING:
            movement.opening_minor = int(amount)
            account.opening.add(movement)
        else:
            setattr(movement, f"{kind}_minor", int(amount))
            months.setdefault(_month_key(month), Movement()).add(movement)
        account.total.add(movement)
    account.months = [
        (date(int(key[:4]), int(key[5:7]), 1), movement) for key, movement in sorted(months.items())
    ]
    account.reports = spending_reports(campaign)
    return account
