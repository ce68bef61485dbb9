"""Stripe's webhook: verify the signature, store the event once, apply it, say what happened.

The view only hands over the body and the signature header and answers with what this
returns. What Stripe does with the answer decides the rules: a 2xx ends its deliveries, any
other status makes it retry for three days. So an event that can never be applied
(malformed, contradicting its gift) is stored and answered 200, and only a processing error
(the transaction is rolled back, nothing is stored) answers 500.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

import stripe
from flask import current_app

from campaigns.payments import ledger

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebhookAnswer:
    """The HTTP status and JSON body to answer Stripe with."""

    status: int
    body: dict = field(default_factory=dict)


def receive_stripe_event(payload: bytes, signature: str | None) -> WebhookAnswer:
    """Verify a delivery and record its event; never raises for what Stripe sent.

    A processing error propagates to the caller, which rolls back and answers 500.
    """
    secret = current_app.config.get("STRIPE_WEBHOOK_SECRET")
    if not secret:
        log.error("Stripe webhook received but STRIPE_WEBHOOK_SECRET is not set")
        return WebhookAnswer(503, {"error": "webhook endpoint not configured"})
    try:
        text = payload.decode("utf-8")
        stripe.WebhookSignature.verify_header(
            text, signature, secret, tolerance=stripe.Webhook.DEFAULT_TOLERANCE
        )
        event = json.loads(text)
    except (ValueError, stripe.SignatureVerificationError) as exc:
        log.warning("Stripe webhook refused: %s", exc)
        return WebhookAnswer(400, {"error": "invalid signature or payload"})
    outcome = ledger.record_event("stripe", event, text)
    return WebhookAnswer(200, {"received": True, "outcome": outcome})
