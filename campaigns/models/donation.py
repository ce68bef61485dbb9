"""Donations and the payment events that move them between states.

The rules for changing a donation's state, and with it the campaign's totals, live in
``campaigns.payments.ledger``; nothing else writes ``status`` or the totals.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from campaigns.extensions import Model
from campaigns.models.base import Int64, TimestampMixin, enum_type, utcnow

if TYPE_CHECKING:
    from campaigns.models.campaign import Campaign


class DonationStatus(enum.StrEnum):
    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    EXPIRED = "expired"
    REFUNDED = "refunded"
    PARTIALLY_REFUNDED = "partially_refunded"
    DISPUTED = "disputed"


#: Statuses whose money is in the campaign's total (the ledger's rule, stated once).
COUNTED_STATUSES = frozenset({DonationStatus.SUCCEEDED, DonationStatus.PARTIALLY_REFUNDED})


class Frequency(enum.StrEnum):
    ONCE = "once"
    MONTHLY = "monthly"


class DonationSource(enum.StrEnum):
    """Where the money came through."""

    STRIPE = "stripe"
    TEST = "test"
    OFFLINE = "offline"
    #: What a campaign had raised elsewhere before it moved here.
    OPENING_BALANCE = "opening_balance"


class OfflineMethod(enum.StrEnum):
    CASH = "cash"
    BANK_TRANSFER = "bank_transfer"


class Donation(TimestampMixin, Model):
    __tablename__ = "donations"
    __table_args__ = (
        CheckConstraint("amount_minor > 0", name="amount_positive"),
        CheckConstraint(
            "refunded_minor >= 0 AND refunded_minor <= amount_minor", name="refund_in_range"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Random, unguessable; the donor's thank-you page is addressed by it.
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    #: Indexed first in ``ix_donations_campaign_gift_time`` (below).
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    #: In minor units of ``currency``, which is always the campaign's.
    amount_minor: Mapped[int] = mapped_column(Int64)
    currency: Mapped[str] = mapped_column(String(3))
    #: What has been given back so far (cumulative, as Stripe reports it).
    refunded_minor: Mapped[int] = mapped_column(Int64, default=0, server_default="0")
    #: What has been given back or asked of the gateway to give back (cumulative). Each
    #: refund request raises it, and is keyed on the value it raises it to, so no two
    #: requests share an idempotency key however stale ``refunded_minor`` is.
    refund_requested_minor: Mapped[int] = mapped_column(Int64, default=0, server_default="0")
    #: Indexed first in ``ix_donations_status_gift_time`` (below).
    status: Mapped[DonationStatus] = mapped_column(
        enum_type(DonationStatus), default=DonationStatus.PENDING, server_default="pending"
    )
    frequency: Mapped[Frequency] = mapped_column(
        enum_type(Frequency, 10), default=Frequency.ONCE, server_default="once"
    )
    source: Mapped[DonationSource] = mapped_column(enum_type(DonationSource))
    #: Set when the gift is held by an open dispute; the amount is out of the total meanwhile.
    disputed: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")

    donor_name: Mapped[str | None] = mapped_column(String(200))
    donor_email: Mapped[str | None] = mapped_column(String(254), index=True)
    #: The donor asked not to be named in public.
    anonymous: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    message: Mapped[str | None] = mapped_column(String(500))
    #: Staff took the message off the public page (the donor asked, or it was unsuitable).
    message_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: Staff took the name off the public page: the gift shows as anonymous.
    name_hidden: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    #: The interface language at the time of the gift, for receipts.
    locale: Mapped[str] = mapped_column(String(5), default="en", server_default="en")

    #: Offline gifts: how and when the money arrived, and the bank or receipt reference.
    offline_method: Mapped[OfflineMethod | None] = mapped_column(enum_type(OfflineMethod))
    offline_reference: Mapped[str | None] = mapped_column(String(200))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    #: Gateway identifiers, filled in as events arrive (indexed where set, below).
    checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    payment_intent_id: Mapped[str | None] = mapped_column(String(255))
    charge_id: Mapped[str | None] = mapped_column(String(255))
    customer_id: Mapped[str | None] = mapped_column(String(255))
    subscription_id: Mapped[str | None] = mapped_column(String(255))
    #: For a monthly renewal: the invoice that paid it (one donation per invoice).
    invoice_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    #: For a monthly renewal: the donation that started the subscription.
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("donations.id"))
    #: The subscription was cancelled; no further renewals are expected.
    subscription_ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: For the gift that started a subscription: what each renewal charges once the donor
    #: changed it (None: the gift's own amount).
    monthly_amount_minor: Mapped[int | None] = mapped_column(Int64)
    #: The donor or staff asked the gateway to stop the subscription; the gateway's
    #: ``customer.subscription.deleted`` event then sets ``subscription_ended_at``.
    stop_requested_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    #: When the money was confirmed (or, offline, received).
    succeeded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
    #: When a dispute about the payment was first heard of (the money left then; it comes
    #: back if the dispute is won).
    disputed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    campaign: Mapped[Campaign] = relationship(back_populates="donations")
    events: Mapped[list[PaymentEvent]] = relationship(
        back_populates="donation", order_by="PaymentEvent.received_at"
    )
    parent: Mapped[Donation | None] = relationship(remote_side="Donation.id")

    @property
    def refund_claimed_minor(self) -> int:
        """What is refunded or already asked back: the refunds still possible start here."""
        return max(self.refunded_minor, self.refund_requested_minor or 0)

    def __repr__(self) -> str:
        return f"<Donation {self.id} {self.status} {self.amount_minor} {self.currency}>"


#: When a gift happened, as the console lists and filters gifts: confirmed (or received,
#: offline), else when it was started.
_gift_time = func.coalesce(Donation.succeeded_at, Donation.created_at)

# Each list over many donations reads an index in its own order, so a page costs the same
# whether a campaign has ten gifts or a million: the console's list of donations (all,
# one campaign's, one state's; newest first, by the gift's time and id) and a campaign's
# recent donors (its confirmed gifts, latest first).
Index("ix_donations_gift_time", _gift_time, Donation.id)
Index("ix_donations_campaign_gift_time", Donation.campaign_id, _gift_time, Donation.id)
Index("ix_donations_status_gift_time", Donation.status, _gift_time, Donation.id)
# The console's search for a name, email or reference anywhere in them: trigrams on
# PostgreSQL (the ``pg_trgm`` extension), so a search does not read every donation.
_TRIGRAMS = "gin_trgm_ops"
Index(
    "ix_donations_search",
    func.lower(Donation.donor_name).label("name"),
    func.lower(Donation.donor_email).label("email"),
    func.lower(Donation.reference).label("reference"),
    postgresql_using="gin",
    postgresql_ops={"name": _TRIGRAMS, "email": _TRIGRAMS, "reference": _TRIGRAMS},
)
Index(
    "ix_donations_campaign_recent",
    Donation.campaign_id,
    Donation.status,
    Donation.succeeded_at,
    Donation.id,
)


def where_set(name: str, column) -> Index:
    """An index of the rows where ``column`` is set, the only ones looked up by it. A row
    that leaves it empty, as most gifts leave most gateway identifiers, writes no entry."""
    return Index(
        name, column, postgresql_where=column.is_not(None), sqlite_where=column.is_not(None)
    )


# Looked up by an event that names them; a one-time gift never has a subscription or a
# parent, and its charge arrives last.
for _column in (
    Donation.payment_intent_id,
    Donation.charge_id,
    Donation.subscription_id,
    Donation.parent_id,
):
    where_set(f"ix_donations_{_column.key}", _column)


class RefundRecord(Model):
    """One refund of a gift: how much, when, and the refunded total it brought the gift to.

    Written by the ledger beside the refund itself (``refunded_minor`` stays the total), so
    that the public account can show each refund in the month it was made.
    """

    __tablename__ = "refund_records"
    __table_args__ = (
        UniqueConstraint(
            "donation_id", "refunded_total_minor", name="uq_refund_records_donation_total"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(ForeignKey("donations.id"), index=True)
    amount_minor: Mapped[int] = mapped_column(Int64)
    refunded_total_minor: Mapped[int] = mapped_column(Int64)
    refunded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class PaymentEvent(Model):
    """A webhook event (or test-gateway event), stored once before it is applied."""

    __tablename__ = "payment_events"
    __table_args__ = (UniqueConstraint("provider", "event_id", name="uq_payment_events_event"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    #: The provider's own event id (``evt_...``): a second delivery is refused by the database.
    event_id: Mapped[str] = mapped_column(String(255))
    type: Mapped[str] = mapped_column(String(100))
    donation_id: Mapped[int | None] = mapped_column(ForeignKey("donations.id"), index=True)
    #: The event as received, JSON.
    payload: Mapped[str] = mapped_column(Text)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: What applying it did, in a few words ("succeeded", "ignored: unknown donation").
    outcome: Mapped[str | None] = mapped_column(String(200))

    #: While the event waits for its donation: the payment identifiers it names, so that the
    #: event that links one of them to a donation finds it by an index (cleared once applied).
    waiting_session_id: Mapped[str | None] = mapped_column(String(255))
    waiting_payment_intent_id: Mapped[str | None] = mapped_column(String(255))
    waiting_charge_id: Mapped[str | None] = mapped_column(String(255))
    waiting_subscription_id: Mapped[str | None] = mapped_column(String(255))

    donation: Mapped[Donation | None] = relationship(back_populates="events")


# Only waiting events hold an identifier there, so only they are in these indexes: an event
# applied at once (nearly all of them) writes no entry in any of the four.
for _column in (
    PaymentEvent.waiting_session_id,
    PaymentEvent.waiting_payment_intent_id,
    PaymentEvent.waiting_charge_id,
    PaymentEvent.waiting_subscription_id,
):
    where_set(f"ix_payment_events_{_column.key}", _column)


class Installation(Model):
    """This database's identity at payment providers: the prefix of its idempotency keys.

    Written once, with a random id, by the migration that creates the table, so two
    databases that share a Stripe account (staging and production) never send the same
    key for their own donation 1. ``INSTALLATION_ID`` overrides it, for a restored copy.
    """

    __tablename__ = "installation"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
