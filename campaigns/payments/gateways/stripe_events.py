"""Reading Stripe's events: what one webhook payload says, in the ledger's terms.

The keyless test gateway sends the same shapes, so this reader serves both providers. It
only reads; the ledger decides what the facts it finds do to a donation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from campaigns.money import read_stripe_amount

#: Event types the ledger acts on; any other type is stored and acknowledged.
HANDLED_EVENTS = frozenset(
    {
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
        "checkout.session.async_payment_failed",
        "checkout.session.expired",
        "charge.refunded",
        "charge.dispute.created",
        "charge.dispute.updated",
        "charge.dispute.funds_withdrawn",
        "charge.dispute.closed",
        "invoice.paid",
        "customer.subscription.deleted",
    }
)

#: Dispute facts, ordered: a later one overrides an earlier one whatever the arrival order.
DISPUTE_NONE, DISPUTE_OPEN, DISPUTE_WON, DISPUTE_LOST = range(4)

#: Largest amount or time read from an event: beyond 64 bits no column can hold it.
LARGEST_NUMBER = 2**63 - 1
#: Latest event time believed (the year 9999): ``created`` beyond it is not a time.
LATEST_CREATED = 253_402_300_799


class MalformedEvent(ValueError):
    """A signed event that cannot be read: wrong shape, a missing field, an absurd number.

    It can never be applied, so it is stored and acknowledged, never retried.
    """


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
    #: Checkout Sessions: Stripe's ``payment_status`` (paid, unpaid, no_payment_required).
    payment_status: str | None = None
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
    if not isinstance(value, str) or not value:
        return None
    if len(value) > 255:
        raise MalformedEvent("an identifier is longer than Stripe's")
    return value


def _donation_id(value: Any) -> int | None:
    """A donation id as the site writes it into metadata: ASCII digits of a plausible id."""
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) < 10:
        return int(value)
    return None


def _int(value: Any) -> int | None:
    """A whole number, or None; one too large for any column makes the event malformed."""
    if not isinstance(value, int) or isinstance(value, bool):
        return None
    if abs(value) > LARGEST_NUMBER:
        raise MalformedEvent(f"number out of range: {value}")
    return value


def _object(value: Any) -> dict:
    """A nested object, or an empty one when the field is absent; any other type is malformed."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedEvent("a nested field is not an object")
    return value


def _amount(obj: dict, key: str) -> int | None:
    """An amount of the object, converted from Stripe's units to the currency's minor units."""
    return read_stripe_amount(_int(obj.get(key)), _text(obj.get("currency")))


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _metadata_hint(reading: Reading, *metadatas: Any) -> None:
    for metadata in metadatas:
        if not isinstance(metadata, dict):
            continue
        if reading.donation_id is None:
            reading.donation_id = _donation_id(metadata.get("donation_id"))
        ref = metadata.get("donation_reference")
        if reading.donation_reference is None and isinstance(ref, str) and ref:
            reading.donation_reference = ref


def read_event(event: Any) -> Reading | None:
    """Interpret a Stripe-shaped event; None for a type the ledger does not act on.

    Raises :class:`MalformedEvent` for an event that is not shaped as Stripe's are.
    """
    if not isinstance(event, dict):
        raise MalformedEvent("the event is not a JSON object")
    if not isinstance(event.get("id"), str) or not event["id"]:
        raise MalformedEvent("the event has no id")
    kind = event.get("type")
    if not isinstance(kind, str) or not kind:
        raise MalformedEvent("the event has no type")
    if kind not in HANDLED_EVENTS:
        return None
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict):
        raise MalformedEvent("data.object is not an object")
    created = _int(event.get("created"))
    if created is None or not 0 < created <= LATEST_CREATED:
        raise MalformedEvent("created is not a time")
    try:
        return _read(kind, obj, datetime.fromtimestamp(created, UTC))
    except (AttributeError, TypeError, ValueError) as exc:
        if isinstance(exc, MalformedEvent):
            raise
        raise MalformedEvent(f"unreadable {kind}: {exc}") from exc


def _read(kind: str, obj: dict, created: datetime) -> Reading:
    reading = Reading(type=kind, event_created=created)
    if kind.startswith("checkout.session."):
        reading.session_id = _ref(obj.get("id"))
        reading.payment_intent = _ref(obj.get("payment_intent"))
        reading.subscription = _ref(obj.get("subscription"))
        reading.customer = _ref(obj.get("customer"))
        reading.amount = _amount(obj, "amount_total")
        reading.currency = _text(obj.get("currency")).upper() or None
        reading.payment_status = _text(obj.get("payment_status")) or None
        _metadata_hint(reading, obj.get("metadata"))
        if reading.donation_id is None:
            reading.donation_id = _donation_id(obj.get("client_reference_id"))
        if kind == "checkout.session.completed":
            # "no_payment_required" is no payment: the ledger sees it as a contradiction.
            reading.paid = reading.payment_status == "paid"
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
        reading.refunded = _amount(obj, "amount_refunded") or 0
    elif kind.startswith("charge.dispute."):
        reading.charge = _ref(obj.get("charge"))
        reading.payment_intent = _ref(obj.get("payment_intent"))
        reading.paid = True
        reading.dispute = _dispute_fact(kind, _text(obj.get("status")))
    elif kind == "invoice.paid":
        reading.invoice = _ref(obj.get("id"))
        reading.customer = _ref(obj.get("customer"))
        reading.payment_intent = _ref(obj.get("payment_intent"))
        reading.charge = _ref(obj.get("charge"))
        parent = _object(_object(obj.get("parent")).get("subscription_details"))
        reading.subscription = _ref(obj.get("subscription")) or _ref(parent.get("subscription"))
        reading.amount = _amount(obj, "amount_paid")
        reading.currency = _text(obj.get("currency")).upper() or None
        reading.renewal = obj.get("billing_reason") != "subscription_create"
        details = _object(obj.get("subscription_details"))
        lines = _object(obj.get("lines")).get("data") or []
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


def _dispute_fact(kind: str, status: str) -> int:
    """What a dispute event says about the money.

    An inquiry (``warning_...``, including ``warning_closed``) never takes the money out; a
    dispute takes it out from its opening (or the withdrawal of the funds) until it is won.
    """
    if status.startswith("warning_"):
        return DISPUTE_NONE
    if kind == "charge.dispute.closed" or status in ("won", "lost"):
        return DISPUTE_LOST if status == "lost" else DISPUTE_WON
    return DISPUTE_OPEN
