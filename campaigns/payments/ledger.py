"""The donation ledger: the only code that changes a donation's status or a campaign's totals.

A campaign's ``raised_minor`` and ``donor_count`` are a cache of its donations. Every change of
a donation that moves money in or out of a total goes through :func:`_move`, which

* reads the donation under a row lock (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
  serialises writers on its own),
* writes the new state with a conditional ``UPDATE ... WHERE status = <old> AND ...``, so a
  transition that another worker already made is refused instead of repeated, and
* adds the difference to the campaign with ``UPDATE campaigns SET raised_minor = raised_minor
  + :delta`` in the same transaction, as the last statement of the ledger call (the
  campaign's row is shared by every gift to it, so it is locked for as short a time as
  possible).

What counts: a donation contributes ``amount_minor - refunded_minor`` to ``raised_minor`` while
it is ``succeeded`` or ``partially_refunded``; nothing while it is pending, failed, expired,
refunded or held by a dispute. It adds one to ``donor_count`` on the same condition, except an
opening balance (money raised elsewhere, by donors who are not known here) and a monthly
renewal (the donor was counted with the gift that started the subscription).

Payment events (Stripe's webhooks, and the keyless test gateway, which sends the same shapes)
are stored once under a unique ``(provider, event_id)`` before they are applied. A donation's
state is then computed from *all* the events stored for it, each read as a fact that only ever
grows (paid, failed, expired, refunded up to N, dispute opened / won / lost); the result is a
join of those facts with the current state. The order of arrival therefore does not matter:
a refund that arrives before the payment it refunds, a duplicate, or two events racing end in
the same state and the same totals. Events that name a payment not known yet (a dispute for a
charge whose completion has not arrived) are kept "waiting" and applied again when an event
links that payment to its donation.

Services here ``flush()``; the caller commits once.
"""

from __future__ import annotations

import functools
import json
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from typing import Any, ParamSpec, TypeVar

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    Donation,
    DonationSource,
    DonationStatus,
    Frequency,
    OfflineMethod,
    PaymentEvent,
)
from campaigns.models.base import utcnow
from campaigns.money import read_stripe_amount

log = logging.getLogger(__name__)

#: Statuses whose money is in the campaign's total.
COUNTED = frozenset({DonationStatus.SUCCEEDED, DonationStatus.PARTIALLY_REFUNDED})
#: Statuses reached only once the money has moved.
PAID = frozenset(
    {
        DonationStatus.SUCCEEDED,
        DonationStatus.PARTIALLY_REFUNDED,
        DonationStatus.REFUNDED,
        DonationStatus.DISPUTED,
    }
)
#: Sources whose donations are driven by payment events, and the provider of those events.
EVENT_PROVIDERS = {DonationSource.STRIPE: "stripe", DonationSource.TEST: "test"}

#: Event types the ledger acts on; any other type is stored and acknowledged.
HANDLED_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "checkout.session.expired",
        "charge.refunded",
        "charge.dispute.created",
        "charge.dispute.closed",
        "invoice.paid",
        "customer.subscription.deleted",
    }
)

#: Outcome prefix of an event whose payment is not linked to a donation yet.
WAITING = "waiting"
DUPLICATE = "duplicate"


_OWED_TOTALS = "ledger.owed_totals"
_DEPTH = "ledger.depth"
P = ParamSpec("P")
R = TypeVar("R")


class LedgerError(ValueError):
    """A request the ledger refuses (a negative amount, a refund larger than the gift ...)."""


class ConcurrentChange(RuntimeError):
    """Another transaction changed the donation between our read and our write.

    Under the row lock this cannot happen on PostgreSQL; on SQLite it means the event's
    transaction must be retried (the webhook answers 500 and Stripe sends it again).
    """


# --------------------------------------------------------------------------------------------
# What a donation contributes, and the one guarded transition


def contribution(
    status: DonationStatus, amount_minor: int, refunded_minor: int, *, donor: bool
) -> tuple[int, int]:
    """(raised, donors) that a donation in this state adds to its campaign."""
    if status in COUNTED:
        return amount_minor - refunded_minor, 1 if donor else 0
    return 0, 0


def counts_as_donor(donation: Donation) -> bool:
    """Opening balances and monthly renewals never add a donor (see the module docstring)."""
    return donation.source != DonationSource.OPENING_BALANCE and donation.parent_id is None


def _lock(donation: Donation) -> Donation:
    """Re-read the donation under a row lock, discarding what the session remembered."""
    db.session.flush()
    return db.session.execute(
        sa.select(Donation)
        .where(Donation.id == donation.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _move(
    donation: Donation,
    status: DonationStatus,
    refunded_minor: int | None = None,
    disputed: bool | None = None,
    **fields: Any,
) -> bool:
    """Change the (locked) donation's state and the campaign's totals together, once.

    Returns whether anything changed. ``fields`` are other columns written with the state
    (``succeeded_at``).
    """
    refunded = donation.refunded_minor if refunded_minor is None else refunded_minor
    disputed = donation.disputed if disputed is None else disputed
    if refunded < 0 or refunded > donation.amount_minor:
        raise LedgerError("refund out of range")
    old = (donation.status, donation.refunded_minor, donation.disputed)
    if old == (status, refunded, disputed) and not fields:
        return False
    donor = counts_as_donor(donation)
    before = contribution(old[0], donation.amount_minor, old[1], donor=donor)
    after = contribution(status, donation.amount_minor, refunded, donor=donor)
    values = {"status": status, "refunded_minor": refunded, "disputed": disputed, **fields}
    values["updated_at"] = utcnow()
    result = db.session.execute(
        sa.update(Donation)
        .where(
            Donation.id == donation.id,
            Donation.status == old[0],
            Donation.refunded_minor == old[1],
            Donation.disputed == old[2],
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise ConcurrentChange(f"donation {donation.id} changed under us")
    for key, value in values.items():
        set_committed_value(donation, key, value)
    raised_delta = after[0] - before[0]
    donor_delta = after[1] - before[1]
    if raised_delta or donor_delta:
        owed = db.session.info.setdefault(_OWED_TOTALS, {})
        raised, donors = owed.get(donation.campaign_id, (0, 0))
        owed[donation.campaign_id] = (raised + raised_delta, donors + donor_delta)
    return True


def _write_totals() -> None:
    """Add what this transaction's transitions owe to their campaigns' totals.

    Done once, as the last statement before the caller commits: the campaign's row is the
    one every gift to it must lock, so it is held for as short a time as possible.
    """
    owed = db.session.info.pop(_OWED_TOTALS, None) or {}
    db.session.flush()
    for campaign_id in sorted(owed):
        raised_delta, donor_delta = owed[campaign_id]
        if not (raised_delta or donor_delta):
            continue
        db.session.execute(
            sa.update(Campaign)
            .where(Campaign.id == campaign_id)
            .values(
                raised_minor=Campaign.raised_minor + raised_delta,
                donor_count=Campaign.donor_count + donor_delta,
            )
            .execution_options(synchronize_session=False)
        )
        campaign = db.session.get(Campaign, campaign_id)
        if campaign is not None:
            db.session.expire(campaign, ["raised_minor", "donor_count"])


def _ledger_entry(function: Callable[P, R]) -> Callable[P, R]:
    """Mark a public ledger function: on its way out, it writes the totals it moved.

    Nested calls write once, at the outermost; on an error nothing is written (the caller
    rolls the transaction back) and nothing is left owed for the session's next transaction.
    """

    @functools.wraps(function)
    def entry(*args: P.args, **kwargs: P.kwargs) -> R:
        depth = db.session.info.get(_DEPTH, 0)
        db.session.info[_DEPTH] = depth + 1
        try:
            result = function(*args, **kwargs)
        except BaseException:
            if depth == 0:
                db.session.info.pop(_OWED_TOTALS, None)
            raise
        finally:
            db.session.info[_DEPTH] = depth
        if depth == 0:
            _write_totals()
        return result

    return entry


# --------------------------------------------------------------------------------------------
# Creating donations


def new_reference() -> str:
    """The unguessable key of a donor's thank-you page."""
    return secrets.token_urlsafe(16)


def _check_amount(amount_minor: int) -> None:
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise LedgerError("amount must be a positive whole number of minor units")


def _day_start(day: date | None) -> datetime:
    if day is None:
        return utcnow()
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def open_donation(
    campaign: Campaign,
    amount_minor: int,
    *,
    source: DonationSource,
    frequency: Frequency = Frequency.ONCE,
    donor_name: str | None = None,
    donor_email: str | None = None,
    anonymous: bool = False,
    message: str | None = None,
    locale: str = "en",
) -> Donation:
    """A pending gift, before the donor is sent to pay; it counts for nothing yet."""
    _check_amount(amount_minor)
    if source not in EVENT_PROVIDERS:
        raise LedgerError("only gateway donations start pending")
    donation = Donation(
        campaign=campaign,
        reference=new_reference(),
        amount_minor=amount_minor,
        currency=campaign.currency,
        status=DonationStatus.PENDING,
        refunded_minor=0,
        disputed=False,
        frequency=frequency,
        source=source,
        donor_name=donor_name or None,
        donor_email=(donor_email or "").strip().lower() or None,
        anonymous=anonymous,
        message=message or None,
        locale=locale,
    )
    db.session.add(donation)
    db.session.flush()
    return donation


def _record_succeeded(donation: Donation) -> Donation:
    """Insert a donation as pending, then move it to succeeded through the ledger."""
    target_at = donation.succeeded_at
    donation.status = DonationStatus.PENDING
    donation.succeeded_at = None
    db.session.add(donation)
    donation = _lock(donation)
    _move(donation, DonationStatus.SUCCEEDED, succeeded_at=target_at or utcnow())
    return donation


@_ledger_entry
def record_opening_balance(
    campaign: Campaign,
    amount_minor: int,
    *,
    note: str | None = None,
    received_on: date | None = None,
) -> Donation:
    """What a campaign had raised elsewhere before it moved here, as one ledger entry.

    It adds to ``raised_minor`` but not to ``donor_count``: the people who gave it are not
    known here, and counting the entry as one donor would be wrong either way.
    """
    _check_amount(amount_minor)
    return _record_succeeded(
        Donation(
            campaign=campaign,
            reference=new_reference(),
            amount_minor=amount_minor,
            currency=campaign.currency,
            refunded_minor=0,
            disputed=False,
            source=DonationSource.OPENING_BALANCE,
            anonymous=True,
            offline_reference=note,
            succeeded_at=_day_start(received_on),
        )
    )


@_ledger_entry
def record_offline_gift(
    campaign: Campaign,
    amount_minor: int,
    *,
    donor_name: str,
    donor_email: str | None = None,
    anonymous: bool = False,
    method: OfflineMethod,
    reference: str | None,
    received_on: date,
    recorded_by=None,
    message: str | None = None,
) -> Donation:
    """A gift received in cash or by bank transfer, counted at once."""
    _check_amount(amount_minor)
    return _record_succeeded(
        Donation(
            campaign=campaign,
            reference=new_reference(),
            amount_minor=amount_minor,
            currency=campaign.currency,
            refunded_minor=0,
            disputed=False,
            source=DonationSource.OFFLINE,
            frequency=Frequency.ONCE,
            donor_name=donor_name or None,
            donor_email=(donor_email or "").strip().lower() or None,
            anonymous=anonymous,
            message=message or None,
            offline_method=OfflineMethod(method),
            offline_reference=reference or None,
            recorded_by_id=getattr(recorded_by, "id", None),
            succeeded_at=_day_start(received_on),
        )
    )


def refundable_minor(donation: Donation) -> int:
    """How much of the gift can still be given back."""
    if donation.status not in COUNTED:
        return 0
    return donation.amount_minor - donation.refunded_minor


def check_refund(donation: Donation, amount_minor: int) -> None:
    """Refuse a refund of nothing, of more than is left, or of a gift that is not counted."""
    _check_amount(amount_minor)
    if donation.status not in COUNTED:
        raise LedgerError("only a succeeded gift can be refunded")
    if amount_minor > refundable_minor(donation):
        raise LedgerError("refund larger than what is left of the gift")


@_ledger_entry
def refund_directly(donation: Donation, amount_minor: int) -> Donation:
    """Give back part or all of an offline gift (or correct an opening balance).

    Gateway donations are refunded through their gateway, and their totals fall when the
    gateway confirms it (see ``services.refund_donation``).
    """
    if donation.source in EVENT_PROVIDERS:
        raise LedgerError("gateway donations are refunded through their gateway")
    donation = _lock(donation)
    check_refund(donation, amount_minor)
    refunded = donation.refunded_minor + amount_minor
    status = (
        DonationStatus.REFUNDED
        if refunded >= donation.amount_minor
        else DonationStatus.PARTIALLY_REFUNDED
    )
    _move(donation, status, refunded_minor=refunded)
    return donation


@_ledger_entry
def mark_failed(donation: Donation) -> Donation:
    """The gateway refused to start the payment: the pending gift will never be paid."""
    donation = _lock(donation)
    if donation.status == DonationStatus.PENDING:
        _move(donation, DonationStatus.FAILED)
    return donation


# --------------------------------------------------------------------------------------------
# Reading payment events


#: Dispute facts, ordered: a later one overrides an earlier one whatever the arrival order.
DISPUTE_NONE, DISPUTE_OPEN, DISPUTE_WON, DISPUTE_LOST = range(4)


@dataclass
class Reading:
    """What one payment event says, in the ledger's terms."""

    type: str
    event_created: datetime | None = None
    #: The donation the event names itself (metadata / client_reference_id), if any.
    donation_id: int | None = None
    donation_reference: str | None = None
    session_id: str | None = None
    payment_intent: str | None = None
    charge: str | None = None
    subscription: str | None = None
    customer: str | None = None
    invoice: str | None = None
    #: invoice.paid for a monthly renewal (not the first invoice of a subscription).
    renewal: bool = False
    amount: int | None = None
    currency: str | None = None
    # Facts about the payment.
    paid: bool = False
    failed: bool = False
    expired: bool = False
    refunded: int = 0
    dispute: int = DISPUTE_NONE
    subscription_ended: bool = False
    identifiers: dict[str, str] = field(default_factory=dict)

    def lock_keys(self) -> list[str]:
        """Payment identifiers whose linking to a donation must not race."""
        values = (
            self.payment_intent,
            self.charge,
            self.subscription,
            self.invoice,
        )
        return sorted({v for v in values if v})


def _ref(value: Any) -> str | None:
    """A Stripe reference field: an id string, or an expanded object with an id."""
    if isinstance(value, dict):
        value = value.get("id")
    return value if isinstance(value, str) and value else None


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _metadata_hint(reading: Reading, *metadatas: Any) -> None:
    for metadata in metadatas:
        if not isinstance(metadata, dict):
            continue
        raw = metadata.get("donation_id")
        if reading.donation_id is None and isinstance(raw, str) and raw.isdigit():
            reading.donation_id = int(raw)
        ref = metadata.get("donation_reference")
        if reading.donation_reference is None and isinstance(ref, str) and ref:
            reading.donation_reference = ref


def read_event(event: dict) -> Reading | None:
    """Interpret a Stripe-shaped event; None for a type the ledger does not act on."""
    kind = event.get("type")
    if kind not in HANDLED_EVENTS:
        return None
    obj = (event.get("data") or {}).get("object") or {}
    created = _int(event.get("created"))
    reading = Reading(
        type=kind,
        event_created=datetime.fromtimestamp(created, UTC) if created else None,
    )
    if kind.startswith("checkout.session."):
        reading.session_id = _ref(obj.get("id"))
        reading.payment_intent = _ref(obj.get("payment_intent"))
        reading.subscription = _ref(obj.get("subscription"))
        reading.customer = _ref(obj.get("customer"))
        reading.amount = read_stripe_amount(obj.get("amount_total"), obj.get("currency"))
        reading.currency = (obj.get("currency") or "").upper() or None
        _metadata_hint(reading, obj.get("metadata"))
        ref = obj.get("client_reference_id")
        if reading.donation_id is None and isinstance(ref, str) and ref.isdigit():
            reading.donation_id = int(ref)
        if kind == "checkout.session.completed":
            reading.paid = obj.get("payment_status") in ("paid", "no_payment_required")
        elif kind == "checkout.session.async_payment_succeeded":
            reading.paid = True
        elif kind == "checkout.session.async_payment_failed":
            reading.failed = True
        else:
            reading.expired = True
    elif kind == "charge.refunded":
        reading.charge = _ref(obj.get("id"))
        reading.payment_intent = _ref(obj.get("payment_intent"))
        reading.customer = _ref(obj.get("customer"))
        reading.invoice = _ref(obj.get("invoice"))
        _metadata_hint(reading, obj.get("metadata"))
        # Stripe reports the cumulative amount given back on this charge.
        reading.paid = True
        reading.refunded = read_stripe_amount(obj.get("amount_refunded"), obj.get("currency")) or 0
    elif kind.startswith("charge.dispute."):
        reading.charge = _ref(obj.get("charge"))
        reading.payment_intent = _ref(obj.get("payment_intent"))
        status = obj.get("status") or ""
        reading.paid = True
        if kind == "charge.dispute.created":
            # An inquiry ("warning_...") does not take the money; a dispute does.
            reading.dispute = DISPUTE_NONE if status.startswith("warning_") else DISPUTE_OPEN
        else:
            reading.dispute = DISPUTE_LOST if status == "lost" else DISPUTE_WON
    elif kind == "invoice.paid":
        reading.invoice = _ref(obj.get("id"))
        reading.customer = _ref(obj.get("customer"))
        reading.payment_intent = _ref(obj.get("payment_intent"))
        reading.charge = _ref(obj.get("charge"))
        parent = (obj.get("parent") or {}).get("subscription_details") or {}
        reading.subscription = _ref(obj.get("subscription")) or _ref(parent.get("subscription"))
        reading.amount = read_stripe_amount(obj.get("amount_paid"), obj.get("currency"))
        reading.currency = (obj.get("currency") or "").upper() or None
        reading.renewal = obj.get("billing_reason") != "subscription_create"
        details = obj.get("subscription_details") or {}
        lines = ((obj.get("lines") or {}).get("data")) or []
        _metadata_hint(
            reading,
            details.get("metadata"),
            parent.get("metadata"),
            *[line.get("metadata") for line in lines if isinstance(line, dict)],
        )
        reading.paid = True
    elif kind == "customer.subscription.deleted":
        reading.subscription = _ref(obj.get("id"))
        reading.customer = _ref(obj.get("customer"))
        _metadata_hint(reading, obj.get("metadata"))
        reading.subscription_ended = True
    return reading


# --------------------------------------------------------------------------------------------
# Applying payment events


@_ledger_entry
def record_event(provider: str, event: dict, payload: str) -> str:
    """Store an event once and apply it; returns what it did (``duplicate`` for a repeat).

    The row is inserted in a SAVEPOINT before anything else: a second delivery of the same
    event, even one racing this one in another worker, fails on the unique constraint and
    changes nothing. Any error after that propagates; the caller rolls back the whole
    transaction, so the event is not stored either and the provider will retry.
    """
    row = PaymentEvent(
        provider=provider,
        event_id=str(event["id"]),
        type=str(event.get("type") or "")[:100],
        payload=payload,
        received_at=utcnow(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        log.info("Duplicate %s event %s ignored", provider, row.event_id)
        return DUPLICATE
    return _apply(row, event)


def _apply(row: PaymentEvent, event: dict, depth: int = 0) -> str:
    reading = read_event(event)
    if reading is None:
        row.outcome = "ignored: not a payment event"
        return row.outcome
    db.session.flush()
    if depth == 0:
        # A replayed event runs under the locks of the event that linked its payment; taking
        # more here, out of order, could deadlock with a worker that holds them.
        _serialize_on(reading.lock_keys())
    donation = _resolve(row.provider, reading)
    if donation is None:
        row.outcome = f"{WAITING}: no matching donation"
        log.warning(
            "%s event %s (%s) names no known donation; kept to apply later",
            row.provider,
            row.event_id,
            row.type,
        )
        return row.outcome
    if isinstance(donation, str):
        row.outcome = donation
        log.warning("%s event %s ignored: %s", row.provider, row.event_id, donation)
        return row.outcome
    row.donation_id = donation.id
    outcome, linked = _settle(donation, reading, row)
    row.outcome = outcome
    if linked and depth < 5:
        _replay_waiting(row.provider, linked, depth)
    return outcome


def _serialize_on(keys: Iterable[str]) -> None:
    """On PostgreSQL, take a transaction lock per payment identifier, in a fixed order.

    Two events about the same payment (a completion that links a payment intent to its
    donation, and a dispute that looks the donation up by that payment intent) then run one
    after the other, so the second always sees what the first committed. SQLite serialises
    all writers already.
    """
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for key in keys:
        db.session.execute(
            sa.text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"), {"key": key}
        )


def _locked(query: sa.Select) -> Donation | None:
    """The first donation a query finds, read fresh and locked for this transaction."""
    return db.session.execute(
        query.order_by(Donation.id)
        .limit(1)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()


def _by(column, value: str | int | None) -> Donation | None:
    if not value:
        return None
    return _locked(sa.select(Donation).where(column == value))


def _consistent(donation: Donation, reading: Reading) -> bool:
    """The donation an event names must not contradict what we already know of it."""
    if reading.donation_reference and reading.donation_reference != donation.reference:
        return False
    pairs = (
        (donation.checkout_session_id, reading.session_id),
        (donation.payment_intent_id, reading.payment_intent),
        (donation.subscription_id, reading.subscription),
    )
    if reading.type == "charge.refunded" or reading.type.startswith("charge.dispute."):
        pairs += ((donation.charge_id, reading.charge),)
    return all(not (known and given and known != given) for known, given in pairs)


def _resolve(provider: str, reading: Reading) -> Donation | str | None:
    """The donation an event is about, locked; None if not known yet; a reason to ignore it."""
    if reading.type == "invoice.paid" and reading.renewal:
        return _renewal(provider, reading)
    donation = (
        _by(Donation.id, reading.donation_id)
        or _by(Donation.checkout_session_id, reading.session_id)
        or _by(Donation.charge_id, reading.charge)
        or _by(Donation.payment_intent_id, reading.payment_intent)
        or _subscription_parent(reading.subscription)
    )
    if donation is None:
        return None
    if EVENT_PROVIDERS.get(donation.source) != provider:
        return "ignored: donation belongs to another gateway"
    if not _consistent(donation, reading):
        return "ignored: event contradicts the donation's payment"
    return donation


def _subscription_parent(subscription: str | None) -> Donation | None:
    if not subscription:
        return None
    return _locked(
        sa.select(Donation).where(
            Donation.subscription_id == subscription, Donation.parent_id.is_(None)
        )
    )


def _renewal(provider: str, reading: Reading) -> Donation | str | None:
    """The donation of one monthly renewal, created the first time its invoice is paid."""
    existing = _by(Donation.invoice_id, reading.invoice)
    if existing is not None:
        return existing
    parent = _subscription_parent(reading.subscription) or _by(Donation.id, reading.donation_id)
    if parent is None:
        return None
    if EVENT_PROVIDERS.get(parent.source) != provider:
        return "ignored: donation belongs to another gateway"
    if not reading.invoice:
        return "ignored: invoice without an id"
    if not reading.amount or reading.amount <= 0:
        return "ignored: nothing was paid"
    if reading.currency and reading.currency != parent.currency:
        return "ignored: invoice currency differs from the campaign's"
    child = Donation(
        campaign_id=parent.campaign_id,
        reference=new_reference(),
        amount_minor=reading.amount,
        currency=parent.currency,
        status=DonationStatus.PENDING,
        refunded_minor=0,
        disputed=False,
        frequency=Frequency.MONTHLY,
        source=parent.source,
        donor_name=parent.donor_name,
        donor_email=parent.donor_email,
        anonymous=parent.anonymous,
        locale=parent.locale,
        parent_id=parent.id,
        subscription_id=reading.subscription or parent.subscription_id,
        customer_id=reading.customer or parent.customer_id,
        invoice_id=reading.invoice,
    )
    db.session.add(child)
    db.session.flush()
    return child


def _settle(donation: Donation, reading: Reading, row: PaymentEvent) -> tuple[str, list[str]]:
    """Bring the (locked) donation up to its events, linking the event's identifiers to it.

    Returns the outcome and the identifiers newly linked (events waiting for them can now be
    applied).
    """
    links: dict[str, Any] = {}
    linked: list[str] = []
    for attr, value in (
        ("checkout_session_id", reading.session_id),
        ("payment_intent_id", reading.payment_intent),
        ("charge_id", reading.charge),
        ("subscription_id", reading.subscription),
        ("customer_id", reading.customer),
    ):
        if value and getattr(donation, attr) is None:
            links[attr] = value
            if attr != "customer_id":
                linked.append(value)
    if reading.subscription_ended and donation.subscription_ended_at is None:
        links["subscription_ended_at"] = reading.event_created or utcnow()
    invoice = reading.invoice if reading.type == "invoice.paid" and not reading.renewal else None
    if invoice and donation.invoice_id is None:
        taken = db.session.scalar(sa.select(Donation.id).where(Donation.invoice_id == invoice))
        if taken is None:
            links["invoice_id"] = invoice
    changed = _converge(donation, reading, row, links)
    return (f"applied: {donation.status}" if changed else "no change"), linked


def _converge(
    donation: Donation, reading: Reading, row: PaymentEvent, links: dict[str, Any]
) -> bool:
    """Set the (locked) donation's state from every event stored for it, this one included.

    The facts only grow (paid, failed, expired, the largest refund, the furthest dispute
    stage), and are joined with the current state, so the result does not depend on the
    order in which the events arrived.
    """
    with db.session.no_autoflush:
        payloads = db.session.execute(
            sa.select(PaymentEvent.payload).where(
                PaymentEvent.donation_id == donation.id, PaymentEvent.id != row.id
            )
        ).scalars()
        readings = [r for r in map(read_event, map(json.loads, payloads)) if r is not None]
    readings.append(reading)
    paid = donation.status in PAID
    failed = donation.status == DonationStatus.FAILED
    expired = donation.status == DonationStatus.EXPIRED
    refunded = donation.refunded_minor
    dispute = DISPUTE_OPEN if donation.disputed else DISPUTE_NONE
    paid_at: datetime | None = None
    for fact in readings:
        confirms = fact.type.startswith(("checkout.", "invoice."))
        when = fact.event_created
        if fact.paid and confirms and when and (paid_at is None or when < paid_at):
            paid_at = when
        paid = paid or fact.paid
        failed = failed or fact.failed
        expired = expired or fact.expired
        refunded = max(refunded, min(fact.refunded, donation.amount_minor))
        dispute = max(dispute, fact.dispute)
    status = _status(paid, failed, expired, refunded, dispute, donation.amount_minor)
    fields: dict[str, Any] = dict(links)
    if status in PAID and donation.succeeded_at is None:
        fields["succeeded_at"] = paid_at or utcnow()
    return _move(
        donation, status, refunded_minor=refunded, disputed=dispute == DISPUTE_OPEN, **fields
    )


def _status(
    paid: bool, failed: bool, expired: bool, refunded: int, dispute: int, amount: int
) -> DonationStatus:
    """The state that a set of facts about one payment amounts to."""
    if paid:
        if dispute == DISPUTE_LOST or refunded >= amount:
            return DonationStatus.REFUNDED
        if dispute == DISPUTE_OPEN:
            return DonationStatus.DISPUTED
        if refunded > 0:
            return DonationStatus.PARTIALLY_REFUNDED
        return DonationStatus.SUCCEEDED
    if failed:
        return DonationStatus.FAILED
    if expired:
        return DonationStatus.EXPIRED
    return DonationStatus.PENDING


def _replay_waiting(provider: str, identifiers: list[str], depth: int) -> None:
    """Apply again the waiting events that mention a payment just linked to a donation."""
    rows = (
        db.session.execute(
            sa.select(PaymentEvent)
            .where(
                PaymentEvent.donation_id.is_(None),
                PaymentEvent.provider == provider,
                PaymentEvent.outcome.startswith(WAITING),
                sa.or_(*(PaymentEvent.payload.contains(f'"{i}"') for i in identifiers)),
            )
            .order_by(PaymentEvent.id)
        )
        .scalars()
        .all()
    )
    for row in rows:
        _apply(row, json.loads(row.payload), depth + 1)


def pending_events(limit: int = 100) -> list[PaymentEvent]:
    """Events still waiting for their donation, oldest first (for operators)."""
    return list(
        db.session.execute(
            sa.select(PaymentEvent)
            .where(PaymentEvent.donation_id.is_(None), PaymentEvent.outcome.startswith(WAITING))
            .order_by(PaymentEvent.id)
            .limit(limit)
        ).scalars()
    )


# --------------------------------------------------------------------------------------------
# Reconciliation


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
