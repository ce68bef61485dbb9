"""Reading Stripe's events: what one webhook payload says, in the ledger's terms.

The keyless test gateway sends the same shapes, so this reader serves both providers. It
only reads; the ledger decides what the facts it finds do to a donation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

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
        reading.amount = _int(obj.get("amount_total"))
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
        reading.refunded = _int(obj.get("amount_refunded")) or 0
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
        reading.amount = _int(obj.get("amount_paid"))
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
