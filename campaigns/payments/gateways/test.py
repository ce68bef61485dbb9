"""The keyless test gateway: payments for development and demos, where no money moves."""

from __future__ import annotations

import json
import secrets
import time

from flask import current_app, url_for

from campaigns.models import Donation, DonationSource, Frequency
from campaigns.payments.gateways.base import Checkout, ReturnUrls, donation_metadata
from campaigns.payments.gateways.stripe import STRIPE_API_VERSION, stripe_amount


class TestGateway:
    """Keyless payments for development and demos: no money moves.

    The donor pays on a local page (``payments.test_checkout``); its Pay and Decline buttons
    and the admin's refunds feed the ledger with Stripe-shaped events whose provider is
    ``test``, through the same code as Stripe's webhooks.
    """

    source = DonationSource.TEST

    def start_checkout(self, donation: Donation, urls: ReturnUrls, title: str) -> Checkout:
        return Checkout(
            session_id=f"cs_test_{secrets.token_hex(12)}",
            url=url_for("payments.test_checkout", reference=donation.reference),
        )

    def refund(self, donation: Donation, amount_minor: int, requested_total: int) -> str:
        from campaigns.payments import ledger

        refund_id = f"re_test_{secrets.token_hex(12)}"
        event = test_event(
            "charge.refunded",
            charge_object(donation, amount_refunded=requested_total),
        )
        ledger.record_event("test", event, json.dumps(event))
        return refund_id

    def cancel_subscription(self, donation: Donation) -> None:
        """Stopped at once: the event Stripe would send goes through the ledger now."""
        from campaigns.payments import ledger

        event = test_event("customer.subscription.deleted", subscription_object(donation))
        ledger.record_event("test", event, json.dumps(event))

    def change_subscription_amount(self, donation: Donation, amount_minor: int) -> None:
        """Nothing to tell: test renewals charge the amount stored with the gift."""

    def renew(self, donation: Donation, invoice_id: str, amount_minor: int) -> str:
        """One monthly renewal of a test subscription, paid, as Stripe's ``invoice.paid``."""
        from campaigns.payments import ledger

        event = test_event("invoice.paid", invoice_object(donation, invoice_id, amount_minor))
        return ledger.record_event("test", event, json.dumps(event))


def test_event(event_type: str, obj: dict) -> dict:
    """A Stripe-shaped event, as the test gateway sends it."""
    return {
        "id": f"evt_test_{secrets.token_hex(12)}",
        "object": "event",
        "api_version": STRIPE_API_VERSION,
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 0,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
        "data": {"object": obj},
    }


def session_object(donation: Donation, *, paid: bool) -> dict:
    """The Checkout Session the test gateway reports for a gift."""
    monthly = donation.frequency == Frequency.MONTHLY
    return {
        "id": donation.checkout_session_id or f"cs_test_{secrets.token_hex(12)}",
        "object": "checkout.session",
        "amount_total": stripe_amount(donation.amount_minor, donation.currency),
        "currency": donation.currency.lower(),
        "client_reference_id": str(donation.id),
        "customer": donation.customer_id or f"cus_test_{secrets.token_hex(7)}",
        "customer_email": donation.donor_email,
        "metadata": donation_metadata(donation),
        "mode": "subscription" if monthly else "payment",
        "payment_intent": None if monthly else f"pi_test_{donation.reference}",
        "subscription": f"sub_test_{donation.reference}" if monthly else None,
        "payment_status": "paid" if paid else "unpaid",
        "status": "complete" if paid else "open",
        "livemode": False,
    }


def subscription_object(donation: Donation) -> dict:
    """The subscription of a monthly test gift, as it is when cancelled."""
    now = int(time.time())
    return {
        "id": donation.subscription_id or f"sub_test_{donation.reference}",
        "object": "subscription",
        "customer": donation.customer_id,
        "metadata": donation_metadata(donation),
        "status": "canceled",
        "canceled_at": now,
        "ended_at": now,
        "livemode": False,
    }


def invoice_object(donation: Donation, invoice_id: str, amount_minor: int) -> dict:
    """A paid renewal invoice of a monthly test gift."""
    amount = stripe_amount(amount_minor, donation.currency)
    return {
        "id": invoice_id,
        "object": "invoice",
        "amount_due": amount,
        "amount_paid": amount,
        "billing_reason": "subscription_cycle",
        "currency": donation.currency.lower(),
        "customer": donation.customer_id,
        "subscription": donation.subscription_id,
        "subscription_details": {"metadata": donation_metadata(donation)},
        "payment_intent": None,
        "charge": None,
        "paid": True,
        "status": "paid",
        "livemode": False,
    }


def charge_object(donation: Donation, *, amount_refunded: int) -> dict:
    """The charge of a test gift, as a ``charge.refunded`` event carries it."""
    return {
        "id": donation.charge_id or f"ch_test_{donation.reference}",
        "object": "charge",
        "amount": stripe_amount(donation.amount_minor, donation.currency),
        "amount_captured": stripe_amount(donation.amount_minor, donation.currency),
        "amount_refunded": stripe_amount(amount_refunded, donation.currency),
        "currency": donation.currency.lower(),
        "customer": donation.customer_id,
        "metadata": donation_metadata(donation),
        "paid": True,
        "payment_intent": donation.payment_intent_id,
        "refunded": amount_refunded >= donation.amount_minor,
        "status": "succeeded",
        "livemode": False,
    }


def test_gateway_allowed() -> bool:
    """The test gateway never runs in production, even by mistake."""
    from campaigns.config import allows_test_gateway

    return allows_test_gateway(current_app.config)
