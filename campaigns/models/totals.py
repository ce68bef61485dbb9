"""Figures the ledger keeps as it moves money, so that no page sums every donation.

* :class:`CampaignTotalSlot`: a campaign's raised total and donor count, spread over a few
  rows (slots). Each ledger transaction adds its change to one slot chosen at random, so
  gifts to one campaign do not queue on a single row lock; a reader sums the slots (and
  the campaign's own base columns, the figures it had before slots existed).
* :class:`CampaignDailyTotal`: per campaign, UTC day (of the gift's success) and currency,
  what the dashboard shows: gifts, their net amount, refunds, disputed money. Slotted the
  same way.

Only :mod:`campaigns.payments.ledger` writes them, in the transaction that changes the
donation; ``reconcile`` recomputes both from the donations.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Date, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from campaigns.extensions import Model
from campaigns.models.base import Int64

#: How many rows a campaign's figures are spread over (a slot is picked per transaction).
SLOTS = 8


class CampaignTotalSlot(Model):
    __tablename__ = "campaign_total_slots"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    slot: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    #: A share of the campaign's total; one slot alone may be negative (a refund).
    raised_minor: Mapped[int] = mapped_column(Int64, default=0, server_default="0")
    donor_count: Mapped[int] = mapped_column(Int64, default=0, server_default="0")


class CampaignDailyTotal(Model):
    __tablename__ = "campaign_daily_totals"

    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"), primary_key=True)
    #: The UTC day the gift succeeded on (the day it is drawn on in the dashboard's chart).
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    currency: Mapped[str] = mapped_column(String(3), primary_key=True)
    slot: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    #: What these gifts add to the campaign's total (opening balances included).
    raised_minor: Mapped[int] = mapped_column(Int64, default=0, server_default="0")
    donor_count: Mapped[int] = mapped_column(Int64, default=0, server_default="0")
    #: Gifts as the dashboard counts them: counted, not disputed, not an opening balance.
    gifts: Mapped[int] = mapped_column(Int64, default=0, server_default="0")
    gifts_minor: Mapped[int] = mapped_column(Int64, default=0, server_default="0")
    #: Money given back (refunds, and disputes lost) of gifts that were paid.
    refunded_minor: Mapped[int] = mapped_column(Int64, default=0, server_default="0")
    #: Money held by an open dispute.
    disputed_minor: Mapped[int] = mapped_column(Int64, default=0, server_default="0")
