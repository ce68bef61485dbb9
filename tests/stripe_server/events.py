"""Stripe-shaped webhook events for tests, built from Stripe's own example objects.

Identifiers derive from the donation's reference (``pi_<reference>``, ``ch_<reference>``),
so the events about one gift agree with each other as Stripe's would.
"""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
import time
from functools import cache
from pathlib import Path

API_VERSION = "2023-08-16"
_serial = itertools.count(1)


@cache
def _fixtures() -> dict:
    return json.loads((Path(__file__).parent / "fixtures.json").read_text())


def fixture(name: str) -> dict:
    """A fresh copy of one of Stripe's example objects (``checkout.session``, ``charge`` ...)."""
    return copy.deepcopy(_fixtures()[name])


def event(event_type: str, obj: dict, *, event_id: str | None = None) -> dict:
    body = fixture("event")
    body.update(
        id=event_id or f"evt_test_{next(_serial):06d}{int(time.time() * 1000) % 10**8:08d}",
        api_version=API_VERSION,
        created=int(time.time()),
        type=event_type,
        data={"object": obj},
        pending_webhooks=1,
    )
    return body


def metadata(donation) -> dict:
    return {
        "donation_id": str(donation.id),
        "donation_reference": donation.reference,
        "campaign": donation.campaign.slug,
    }


def session_id(donation) -> str:
    return donation.checkout_session_id or f"cs_test_{donation.reference}"


def session_event(
    event_type: str, donation, *, payment_status: str = "paid", mode: str | None = None
) -> dict:
    """A ``checkout.session.*`` event for the donation's Checkout Session."""
    mode = mode or ("subscription" if donation.frequency.value == "monthly" else "payment")
    obj = fixture("checkout.session")
    ref = donation.reference
    status = {"checkout.session.expired": "expired"}.get(event_type, "complete")
    obj.update(
        id=session_id(donation),
        amount_subtotal=donation.amount_minor,
        amount_total=donation.amount_minor,
        currency=donation.currency.lower(),
        client_reference_id=str(donation.id),
        customer=f"cus_{ref}",
        customer_email=donation.donor_email,
        metadata=metadata(donation),
        mode=mode,
        payment_intent=f"pi_{ref}" if mode == "payment" else None,
        subscription=f"sub_{ref}" if mode == "subscription" else None,
        submit_type="donate" if mode == "payment" else None,
        payment_status=payment_status if status != "expired" else "unpaid",
        status=status,
        url=None,
    )
    return event(event_type, obj)


def charge(donation, *, amount_refunded: int = 0, with_metadata: bool = True) -> dict:
    obj = fixture("charge")
    ref = donation.reference
    obj.update(
        id=f"ch_{ref}",
        amount=donation.amount_minor,
        amount_captured=donation.amount_minor,
        amount_refunded=amount_refunded,
        refunded=amount_refunded >= donation.amount_minor,
        currency=donation.currency.lower(),
        customer=f"cus_{ref}",
        payment_intent=f"pi_{ref}",
        # A charge made by a PaymentIntent carries the intent's metadata.
        metadata=metadata(donation) if with_metadata else {},
        paid=True,
        status="succeeded",
    )
    return obj


def charge_refunded(donation, *, amount_refunded: int, with_metadata: bool = True) -> dict:
    """``charge.refunded``: ``amount_refunded`` is cumulative, as Stripe reports it."""
    return event(
        "charge.refunded",
        charge(donation, amount_refunded=amount_refunded, with_metadata=with_metadata),
    )


def dispute(donation, status: str) -> dict:
    obj = fixture("dispute")
    ref = donation.reference
    obj.update(
        id=f"dp_{ref}",
        amount=donation.amount_minor,
        currency=donation.currency.lower(),
        charge=f"ch_{ref}",
        payment_intent=f"pi_{ref}",
        status=status,
        is_charge_refundable=False,
    )
    return obj


def dispute_created(donation, *, status: str = "needs_response") -> dict:
    return event("charge.dispute.created", dispute(donation, status))


def dispute_closed(donation, *, status: str = "won") -> dict:
    return event("charge.dispute.closed", dispute(donation, status))


def dispute_updated(donation, *, status: str = "under_review") -> dict:
    return event("charge.dispute.updated", dispute(donation, status))


def dispute_funds_withdrawn(donation, *, status: str = "needs_response") -> dict:
    return event("charge.dispute.funds_withdrawn", dispute(donation, status))


def invoice_paid(
    parent,
    invoice_id: str,
    *,
    billing_reason: str = "subscription_cycle",
    amount: int | None = None,
    metadata: bool = True,
) -> dict:
    """``invoice.paid`` for a monthly gift's subscription."""
    obj = fixture("invoice")
    ref = parent.reference
    amount = parent.amount_minor if amount is None else amount
    subscription_metadata = globals()["metadata"](parent) if metadata else {}
    line = obj["lines"]["data"][0]
    line.update(
        amount=amount,
        currency=parent.currency.lower(),
        metadata=subscription_metadata,
        subscription=f"sub_{ref}",
        type="subscription",
    )
    obj.update(
        id=invoice_id,
        amount_due=amount,
        amount_paid=amount,
        amount_remaining=0,
        billing_reason=billing_reason,
        charge=f"ch_{invoice_id}",
        payment_intent=f"pi_{invoice_id}",
        currency=parent.currency.lower(),
        customer=f"cus_{ref}",
        paid=True,
        status="paid",
        subscription=f"sub_{ref}",
        subscription_details={"metadata": subscription_metadata or None},
        total=amount,
        subtotal=amount,
    )
    return event("invoice.paid", obj)


def subscription_deleted(parent) -> dict:
    obj = fixture("subscription")
    obj.update(
        id=f"sub_{parent.reference}",
        customer=f"cus_{parent.reference}",
        metadata=metadata(parent),
        status="canceled",
        canceled_at=int(time.time()),
        ended_at=int(time.time()),
    )
    return event("customer.subscription.deleted", obj)


def signature_header(payload: bytes | str, secret: str, timestamp: int | None = None) -> str:
    """``Stripe-Signature`` exactly as Stripe computes it: HMAC-SHA256 of ``"{t}.{body}"``."""
    if isinstance(payload, bytes):
        payload = payload.decode("utf-8")
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.{payload}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


WEBHOOK_SECRET = "whsec_test_secret"


def deliver(client, event: dict | str | bytes, *, secret: str = WEBHOOK_SECRET, timestamp=None):
    """POST an event to the webhook endpoint, signed as Stripe signs it."""
    body = event if isinstance(event, str | bytes) else json.dumps(event)
    return client.post(
        "/webhooks/stripe",
        data=body,
        headers={
            "Stripe-Signature": signature_header(body, secret, timestamp),
            "Content-Type": "application/json",
        },
    )
