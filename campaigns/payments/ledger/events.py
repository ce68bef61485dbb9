"""Payment events: stored once, then applied by replaying every fact known about the donation.

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
import hashlib
import json
import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from campaigns.extensions import db
from campaigns.models import Donation, DonationStatus, Frequency, PaymentEvent
from campaigns.models.base import utcnow
from campaigns.payments.gateways.stripe_events import (
    DISPUTE_LOST,
    DISPUTE_NONE,
    DISPUTE_OPEN,
    MalformedEvent,
    Reading,
    read_event,
)
from campaigns.payments.ledger.entries import new_reference, place_refunds
from campaigns.payments.ledger.totals import EVENT_PROVIDERS, PAID, ledger_entry, move

log = logging.getLogger(__name__)

#: Outcome prefix of an event whose payment is not linked to a donation yet.
WAITING = "waiting"
DUPLICATE = "duplicate"
#: Outcome prefix of a signed event that cannot be read; stored, acknowledged, never applied.
MALFORMED = "malformed"
#: Outcome prefix of an event that disagrees with its donation; stored, never applied.
CONTRADICTED = "contradicted"


@ledger_entry
def record_event(provider: str, event: Any, payload: str) -> str:
    """Store an event once and apply it; returns what it did (``duplicate`` for a repeat).

    The row is inserted before anything else, with ``ON CONFLICT DO NOTHING``: a second
    delivery of the same event, even one racing this one in another worker (it waits for
    the first to commit), inserts nothing and changes nothing. On PostgreSQL the same
    statement first takes the locks of the payment the event is about (see
    :func:`_insert_once`). Any error after that propagates; the caller rolls back the whole
    transaction, so the event is not stored either and the provider will retry. An event
    that can never be applied (malformed, or contradicting its donation) is stored with an
    outcome that says why, so that the provider stops sending it.
    """
    values: dict[str, Any] = {
        "provider": provider,
        "event_id": _event_id(event, payload),
        "type": _event_type(event),
        "payload": payload,
        "received_at": utcnow(),
    }
    read = _read(event)
    dialect = db.session.get_bind().dialect.name
    params = dict(values)
    if dialect == "postgresql":  # the payment's locks, taken by the insert
        params["keys"] = read.lock_keys() if isinstance(read, Reading) else []
    row_id = db.session.execute(_insert_once(dialect), params).scalar_one_or_none()
    if row_id is None:
        log.info("Duplicate %s event %s ignored", provider, values["event_id"])
        return DUPLICATE
    # The row as just inserted, known to the session without reading it back.
    row = PaymentEvent(id=row_id, **values, donation_id=None, outcome=None)
    _mark_waiting(row, None)
    make_transient_to_detached(row)
    stale = db.session.identity_map.get(identity_key(PaymentEvent, row_id))
    if stale is not None:  # left by a transaction that was rolled back (its id is reused)
        db.session.expunge(stale)
    db.session.add(row)
    outcome = _apply_read(row, read)
    _write_applied(row)
    return outcome


#: The columns of an event that applying it writes.
_APPLIED = (
    "donation_id",
    "outcome",
    "waiting_session_id",
    "waiting_payment_intent_id",
    "waiting_charge_id",
    "waiting_subscription_id",
)


def _write_applied(row: PaymentEvent) -> None:
    """Write what applying the event found in one UPDATE built once per process, and tell
    the session the row is saved: the unit of work's flush of this one row cost about a
    tenth of the CPU of a whole webhook."""
    values = {name: getattr(row, name) for name in _APPLIED}
    with db.session.no_autoflush:  # the session would write the row first, the usual way
        db.session.execute(_update_applied(), {"row_id": row.id, **values})
    for name, value in values.items():
        set_committed_value(row, name, value)


@functools.cache
def _update_applied() -> sa.Update:
    table = cast(sa.Table, PaymentEvent.__table__)
    return (
        sa.update(table)
        .where(table.c.id == sa.bindparam("row_id"))
        .values({name: sa.bindparam(name, type_=table.c[name].type) for name in _APPLIED})
    )


# The statements of every event are built once per process (building a statement and its
# cache key costs more CPU than compiling it, which SQLAlchemy caches); each execution only
# binds its values.


@functools.cache
def _insert_once(dialect: str) -> sa.Insert:
    """``INSERT ... ON CONFLICT (provider, event_id) DO NOTHING RETURNING id``.

    On PostgreSQL, a ``WITH`` first takes a transaction lock per payment identifier bound
    as ``:keys``, in their order, in the same round trip (the insert's row waits for the
    count of the locks taken, so they are all held before it is written). Two events about
    the same payment (a completion that links a payment intent to its donation, and a
    dispute that looks the donation up by that payment intent) then run one after the
    other, so the second always sees what the first committed. SQLite serialises all
    writers already.
    """
    table = cast(sa.Table, PaymentEvent.__table__)
    columns = {name: sa.bindparam(name, type_=table.c[name].type) for name in _INSERTED}
    if dialect != "postgresql":
        return (
            sqlite.insert(table)
            .values(columns)
            .on_conflict_do_nothing(index_elements=["provider", "event_id"])
            .returning(table.c.id)
        )
    keys = (
        sa.func.unnest(sa.cast(sa.bindparam("keys"), postgresql.ARRAY(sa.Text)))
        .table_valued("k", with_ordinality="n")
        .render_derived(name="t")
    )
    # A volatile function is evaluated after the sort: the locks are taken in keys' order.
    locks = (
        sa.select(sa.func.pg_advisory_xact_lock(sa.func.hashtextextended(keys.c.k, 0)))
        .order_by(keys.c.n)
        .cte("locks")
    )
    taken = sa.select(sa.func.count()).select_from(locks).scalar_subquery()
    return (
        postgresql.insert(table)
        .from_select(list(_INSERTED), sa.select(*columns.values()).where(taken >= 0))
        .on_conflict_do_nothing(index_elements=["provider", "event_id"])
        .returning(table.c.id)
        .add_cte(locks)
    )


#: The columns the insert writes.
_INSERTED = ("provider", "event_id", "type", "payload", "received_at")


def _event_id(event: Any, payload: str) -> str:
    """The provider's event id; for an event without a usable one, a digest of its body (so
    that its repeats are still recognised)."""
    raw = event.get("id") if isinstance(event, dict) else None
    if isinstance(raw, str) and 0 < len(raw) <= 200:
        return raw
    return "unreadable:" + hashlib.sha256(payload.encode("utf-8", "replace")).hexdigest()


def _event_type(event: Any) -> str:
    raw = event.get("type") if isinstance(event, dict) else None
    return raw[:100] if isinstance(raw, str) else ""


def _read(event: Any) -> Reading | MalformedEvent | None:
    """What an event says (None: not about a payment), or why it cannot be read."""
    try:
        return read_event(event)
    except MalformedEvent as exc:
        return exc


def _apply(row: PaymentEvent, event: Any, depth: int = 0) -> str:
    return _apply_read(row, _read(event), depth)


def _apply_read(row: PaymentEvent, reading: Reading | MalformedEvent | None, depth: int = 0) -> str:
    if isinstance(reading, MalformedEvent):
        exc = reading
        row.outcome = f"{MALFORMED}: {exc}"[:200]
        log.error(
            "%s event %s is malformed; stored and acknowledged, not applied: %s",
            row.provider,
            row.event_id,
            exc,
        )
        return row.outcome
    if reading is None:
        row.outcome = "ignored: not a payment event"
        return row.outcome
    # The event's insert took the locks of its payment (a replayed event runs under those
    # of the event that linked its payment: taking more, out of order, could deadlock).
    db.session.flush()
    donation = _resolve(row.provider, reading)
    _mark_waiting(row, reading if donation is None else None)
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
        row.outcome = donation[:200]
        level = logging.ERROR if donation.startswith(CONTRADICTED) else logging.WARNING
        log.log(level, "%s event %s not applied: %s", row.provider, row.event_id, donation)
        return row.outcome
    reason = _contradiction(donation, reading)
    if reason:
        row.donation_id = donation.id
        row.outcome = f"{CONTRADICTED}: {reason}"[:200]
        log.error(
            "%s event %s contradicts donation %s and was not applied: %s",
            row.provider,
            row.event_id,
            donation.id,
            reason,
        )
        return row.outcome
    outcome, waiting = _settle(donation, reading, row, replay=depth < 5)
    # Written once, with the outcome, in the transaction's last flush.
    row.donation_id = donation.id
    row.outcome = outcome
    for waiting_row in waiting:
        _apply(waiting_row, json.loads(waiting_row.payload), depth + 1)
    return outcome


def _mark_waiting(row: PaymentEvent, reading: Reading | None) -> None:
    """Note (or, with None, clear) the payment identifiers a waiting event waits for."""
    row.waiting_session_id = reading.session_id if reading else None
    row.waiting_payment_intent_id = reading.payment_intent if reading else None
    row.waiting_charge_id = reading.charge if reading else None
    row.waiting_subscription_id = reading.subscription if reading else None


def _locked(query: sa.Select, value: str | int) -> Donation | None:
    """The first donation a query (``_by_statement``) finds, read fresh and locked."""
    return db.session.execute(query, {"value": value}).scalar_one_or_none()


@functools.cache
def _by_statement(column_name: str, parents_only: bool = False) -> sa.Select:
    """The donation whose ``column_name`` is ``:value``, read fresh and locked."""
    column = getattr(Donation, column_name)
    query = sa.select(Donation).where(column == sa.bindparam("value", type_=column.type))
    if parents_only:
        query = query.where(Donation.parent_id.is_(None))
    return (
        query.order_by(Donation.id)
        .limit(1)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def _by(column, value: str | int | None) -> Donation | None:
    if not value:
        return None
    return _locked(_by_statement(column.key), value)


def _consistent(donation: Donation, reading: Reading) -> bool:
    """The donation an event names must not contradict what we already know of it."""
    if reading.donation_reference and reading.donation_reference != donation.reference:
        return False
    pairs: tuple[tuple[str | None, str | None], ...] = (
        (donation.checkout_session_id, reading.session_id),
        (donation.payment_intent_id, reading.payment_intent),
        (donation.subscription_id, reading.subscription),
    )
    if reading.type == "charge.refunded" or reading.type.startswith("charge.dispute."):
        pairs += ((donation.charge_id, reading.charge),)
    return all(not (known and given and known != given) for known, given in pairs)


def _contradiction(donation: Donation, reading: Reading) -> str | None:
    """Why a Checkout Session event cannot be about this gift, or None if it agrees.

    The ledger counts the gift's own amount, so it must be what Stripe says was charged, in
    the gift's currency, and actually paid for.
    """
    if not reading.type.startswith("checkout.session."):
        return None
    if reading.currency != donation.currency:
        return f"currency {reading.currency} is not the gift's {donation.currency}"
    # Both in minor units: Stripe's amount was converted when the event was read.
    if reading.amount != donation.amount_minor:
        return f"amount_total {reading.amount} is not the gift's {donation.amount_minor}"
    if reading.payment_status == "no_payment_required":
        return "payment_status no_payment_required for a gift that must be paid"
    return None


def _resolve(provider: str, reading: Reading) -> Donation | str | None:
    """The donation an event is about, locked; None if not known yet; a reason to ignore it."""
    if reading.type == "invoice.paid":
        return _invoice_donation(provider, reading)
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
    return _locked(_by_statement("subscription_id", parents_only=True), subscription)


def _invoice_donation(provider: str, reading: Reading) -> Donation | str | None:
    """The donation a paid invoice is about: the gift that started its subscription (for the
    first invoice) or the renewal's own donation, created the first time it is paid.

    An invoice belongs only to a subscription this site started: the one its Checkout
    Session reported. Metadata naming a donation is not enough, since anybody's
    subscription can carry it; until the session links the subscription, the invoice waits.
    """
    existing = _by(Donation.invoice_id, reading.invoice) if reading.renewal else None
    if existing is not None:
        return existing
    parent = _subscription_parent(reading.subscription)
    if parent is None:
        named = _by(Donation.id, reading.donation_id)
        if named is not None and named.subscription_id:
            return f"{CONTRADICTED}: invoice of a subscription that the named gift did not start"
        return None
    if EVENT_PROVIDERS.get(parent.source) != provider:
        return "ignored: donation belongs to another gateway"
    if reading.currency != parent.currency:
        return f"{CONTRADICTED}: invoice in {reading.currency}, subscription in {parent.currency}"
    if not reading.renewal:
        return parent
    if not reading.invoice:
        return "ignored: invoice without an id"
    if not reading.amount or reading.amount <= 0:
        return "ignored: nothing was paid"
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


def _settle(
    donation: Donation, reading: Reading, row: PaymentEvent, *, replay: bool
) -> tuple[str, list[PaymentEvent]]:
    """Bring the (locked) donation up to its events, linking the event's identifiers to it.

    Returns the outcome and (with ``replay``) the waiting events that name an identifier
    newly linked, which can now be applied.
    """
    links: dict[str, Any] = {}
    linked: dict[str, str] = {}
    for attr, value in (
        ("checkout_session_id", reading.session_id),
        ("payment_intent_id", reading.payment_intent),
        ("charge_id", reading.charge),
        # Only the Checkout Session says which subscription a gift started (see above).
        ("subscription_id", reading.subscription if _from_checkout(reading) else None),
        ("customer_id", reading.customer),
    ):
        if value and getattr(donation, attr) is None:
            links[attr] = value
            if attr != "customer_id":
                linked[attr] = value
    if reading.subscription_ended and donation.subscription_ended_at is None:
        links["subscription_ended_at"] = reading.event_created or utcnow()
    invoice = reading.invoice if reading.type == "invoice.paid" and not reading.renewal else None
    if invoice and donation.invoice_id is None:
        taken = db.session.scalar(sa.select(Donation.id).where(Donation.invoice_id == invoice))
        if taken is None:
            links["invoice_id"] = invoice
    changed, waiting = _converge(donation, reading, row, links, linked if replay else {})
    if "subscription_ended_at" in links:
        _subscription_ended(donation)
    return (f"applied: {donation.status}" if changed else "no change"), waiting


def _subscription_ended(donation: Donation) -> None:
    """A monthly gift's subscription just ended, whoever ended it: the donor is told."""
    from campaigns.monthly.services import subscription_ended

    subscription_ended(donation)


def _converge(
    donation: Donation,
    reading: Reading,
    row: PaymentEvent,
    links: dict[str, Any],
    linked: dict[str, str],
) -> tuple[bool, list[PaymentEvent]]:
    """Set the (locked) donation's state from every event stored for it, this one included.

    The facts only grow (paid, failed, expired, the largest refund, the furthest dispute
    stage), and are joined with the current state, so the result does not depend on the
    order in which the events arrived. The same statement finds the events waiting for an
    identifier in ``linked``; they are returned, to be applied next.
    """
    params: dict[str, Any] = {"donation_id": donation.id, "row_id": row.id}
    if linked:
        params["provider"] = row.provider
        params.update(linked)
    with db.session.no_autoflush:
        stored = db.session.execute(_stored_statement(tuple(linked)), params).scalars().all()
    waiting = [r for r in stored if r.donation_id is None]
    readings = [r for r in map(_reread, (r.payload for r in stored if r.donation_id)) if r]
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
    if dispute in (DISPUTE_OPEN, DISPUTE_LOST) and donation.disputed_at is None:
        fields["disputed_at"] = _first_time(f for f in readings if f.dispute != DISPUTE_NONE)
    changed = move(
        donation, status, refunded_minor=refunded, disputed=dispute == DISPUTE_OPEN, **fields
    )
    if reading.refunded > 0 or (changed and donation.refunded_minor > 0):
        place_refunds(donation, _refund_steps(readings, donation.amount_minor))
    return changed, waiting


def _first_time(facts: Iterable[Reading]) -> datetime:
    """When the earliest of these facts happened, as the provider dated it (else now)."""
    times = [f.event_created for f in facts if f.event_created]
    return min(times) if times else utcnow()


def _refund_steps(readings: list[Reading], amount: int) -> list[tuple[int, datetime | None]]:
    """Each refunded total that the events report, with when it was first reported: a refund
    in March and another in May stay two refunds, whatever the order in which their events
    arrived."""
    steps: dict[int, datetime | None] = {}
    for fact in readings:
        total = min(fact.refunded, amount)
        if total <= 0:
            continue
        known = steps.get(total)
        when = fact.event_created
        steps[total] = min(known, when) if known and when else known or when
    return sorted(steps.items(), key=lambda step: step[0])


def _from_checkout(reading: Reading) -> bool:
    return reading.type.startswith("checkout.session.")


def _reread(payload: str) -> Reading | None:
    """A stored event read again; one that can no longer be read adds no fact."""
    try:
        return read_event(json.loads(payload))
    except (MalformedEvent, ValueError):
        return None


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


#: For each donation column an event can link, the column of waiting events that names it.
_WAITING_ON = {
    "checkout_session_id": PaymentEvent.waiting_session_id,
    "payment_intent_id": PaymentEvent.waiting_payment_intent_id,
    "charge_id": PaymentEvent.waiting_charge_id,
    "subscription_id": PaymentEvent.waiting_subscription_id,
}


@functools.cache
def _stored_statement(linked: tuple[str, ...]) -> sa.Select:
    """The events stored for ``:donation_id`` but ``:row_id`` (contradicting ones left out)
    and, for each donation column in ``linked``, the waiting events of ``:provider`` that
    name the identifier bound to that column's name."""
    query = sa.and_(
        PaymentEvent.donation_id == sa.bindparam("donation_id"),
        PaymentEvent.id != sa.bindparam("row_id"),
        sa.or_(
            PaymentEvent.outcome.is_(None),
            sa.not_(PaymentEvent.outcome.startswith(CONTRADICTED)),
        ),
    )
    if linked:
        query = sa.or_(query, _waiting_on(linked))
    return sa.select(PaymentEvent).where(query).order_by(PaymentEvent.id)


def _waiting_on(linked: tuple[str, ...]) -> sa.ColumnElement[bool]:
    """Waiting events of ``:provider`` that name one of the identifiers just linked."""
    return sa.and_(
        PaymentEvent.donation_id.is_(None),
        PaymentEvent.provider == sa.bindparam("provider"),
        PaymentEvent.outcome.startswith(WAITING),
        sa.or_(*(_WAITING_ON[attr] == sa.bindparam(attr) for attr in linked)),
    )


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
