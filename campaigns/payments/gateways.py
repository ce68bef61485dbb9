"""Payment gateways: Stripe Checkout, and a keyless test gateway for development.

Both answer the same two questions (where to send the donor to pay, and how to give money
back); neither changes a donation's state itself. Stripe tells the ledger what happened
through its webhooks; the test gateway sends Stripe-shaped events down the same path.
"""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import dataclass
from typing import Protocol

import stripe
from flask import current_app, url_for

from campaigns.models import Donation, DonationSource, Frequency

#: The Stripe API version this code is written against, sent with every request.
STRIPE_API_VERSION = "2023-08-16"
#: Seconds to connect to Stripe, and to wait for its answer.
STRIPE_TIMEOUT = (5, 25)


class GatewayError(RuntimeError):
    """The gateway could not do what was asked; ``kind`` says roughly why, for the logs."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind
        self.detail = detail


class GatewayUnavailable(GatewayError):
    """No gateway can take payments with this configuration."""


@dataclass(frozen=True)
class ReturnUrls:
    """Where the gateway sends the donor back, built by the server."""

    success: str
    cancel: str


@dataclass(frozen=True)
class Checkout:
    """A started payment: its id at the gateway and the page the donor pays on."""

    session_id: str
    url: str


class Gateway(Protocol):
    source: DonationSource

    def start_checkout(self, donation: Donation, urls: ReturnUrls, title: str) -> Checkout: ...

    def refund(self, donation: Donation, amount_minor: int) -> str: ...


def stripe_amount(amount_minor: int, currency: str) -> int:
    """The amount as Stripe takes it: minor units, which for the three-decimal currencies must
    be a multiple of 10 (the donate form refuses other amounts, so this only checks)."""
    from campaigns.money import STRIPE_THREE_DECIMAL

    if currency in STRIPE_THREE_DECIMAL and amount_minor % 10:
        raise GatewayError("invalid_amount", f"{amount_minor} {currency} is not a multiple of 10")
    return amount_minor


def donation_metadata(donation: Donation) -> dict[str, str]:
    """What every Stripe object made for a gift carries, so that events find their donation."""
    return {
        "donation_id": str(donation.id),
        "donation_reference": donation.reference,
        "campaign": donation.campaign.slug,
    }


class StripeGateway:
    """Stripe Checkout through the official library, with the API version pinned."""

    source = DonationSource.STRIPE

    def __init__(self, client: stripe.StripeClient) -> None:
        self.client = client

    @classmethod
    def from_config(cls, config) -> StripeGateway:
        base = config.get("STRIPE_API_BASE")
        client = stripe.StripeClient(
            config["STRIPE_SECRET_KEY"],
            stripe_version=STRIPE_API_VERSION,
            base_addresses={"api": base.rstrip("/")} if base else None,
            max_network_retries=config.get("STRIPE_MAX_NETWORK_RETRIES", 2),
            # A donor is waiting on the other end: give up well before a proxy's timeout
            # (the library's own default is 80 seconds).
            http_client=stripe.RequestsClient(timeout=STRIPE_TIMEOUT),
        )
        return cls(client)

    def checkout_params(self, donation: Donation, urls: ReturnUrls, title: str) -> dict:
        """The Checkout Session for one gift (one-time, or monthly as a subscription)."""
        metadata = donation_metadata(donation)
        price_data: dict = {
            "currency": donation.currency.lower(),
            "unit_amount": stripe_amount(donation.amount_minor, donation.currency),
            "product_data": {"name": title[:250]},
        }
        params: dict = {
            "client_reference_id": str(donation.id),
            "metadata": metadata,
            "line_items": [{"price_data": price_data, "quantity": 1}],
            "success_url": urls.success,
            "cancel_url": urls.cancel,
            "locale": "auto",
        }
        if donation.donor_email:
            params["customer_email"] = donation.donor_email
        if donation.frequency == Frequency.MONTHLY:
            price_data["recurring"] = {"interval": "month"}
            params["mode"] = "subscription"
            params["subscription_data"] = {"metadata": metadata}
        else:
            params["mode"] = "payment"
            params["submit_type"] = "donate"
            params["payment_intent_data"] = {"metadata": metadata, "description": title[:250]}
        return params

    def start_checkout(self, donation: Donation, urls: ReturnUrls, title: str) -> Checkout:
        params = self.checkout_params(donation, urls, title)
        try:
            session = self.client.v1.checkout.sessions.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"donation:{donation.id}"},
            )
        except stripe.StripeError as exc:
            raise _gateway_error(exc) from exc
        if not session.url:
            raise GatewayError("no_url", session.id)
        return Checkout(session_id=session.id, url=session.url)

    def refund(self, donation: Donation, amount_minor: int) -> str:
        """Ask Stripe to give back ``amount_minor`` more of the gift.

        The idempotency key names the cumulative amount reached by this refund, so a repeated
        click refunds once, while a second, later refund of the same size is a new request.
        """
        target = donation.refunded_minor + amount_minor
        params: dict = {
            "amount": stripe_amount(amount_minor, donation.currency),
            "metadata": donation_metadata(donation),
            "reason": "requested_by_customer",
        }
        if donation.payment_intent_id:
            params["payment_intent"] = donation.payment_intent_id
        elif donation.charge_id:
            params["charge"] = donation.charge_id
        else:
            raise GatewayError("no_payment", "the gift has no Stripe payment to refund")
        try:
            refund = self.client.v1.refunds.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": f"donation:{donation.id}:refund:{target}"},
            )
        except stripe.StripeError as exc:
            raise _gateway_error(exc) from exc
        return refund.id


def _gateway_error(exc: stripe.StripeError) -> GatewayError:
    if isinstance(exc, stripe.APIConnectionError):
        kind = "network"
    elif isinstance(exc, stripe.AuthenticationError | stripe.PermissionError):
        kind = "bad_key"
    elif isinstance(exc, stripe.CardError):
        kind = "declined"
    elif isinstance(exc, stripe.RateLimitError):
        kind = "rate_limited"
    elif isinstance(exc, stripe.InvalidRequestError | stripe.IdempotencyError):
        kind = "invalid_request"
    else:
        kind = "stripe_error"
    return GatewayError(kind, f"{type(exc).__name__}: {exc.user_message or exc}")


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

    def refund(self, donation: Donation, amount_minor: int) -> str:
        from campaigns.payments import ledger

        refund_id = f"re_test_{secrets.token_hex(12)}"
        event = test_event(
            "charge.refunded",
            charge_object(donation, amount_refunded=donation.refunded_minor + amount_minor),
        )
        ledger.record_event("test", event, json.dumps(event))
        return refund_id


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
        "amount_total": donation.amount_minor,
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


def charge_object(donation: Donation, *, amount_refunded: int) -> dict:
    """The charge of a test gift, as a ``charge.refunded`` event carries it."""
    return {
        "id": donation.charge_id or f"ch_test_{donation.reference}",
        "object": "charge",
        "amount": donation.amount_minor,
        "amount_captured": donation.amount_minor,
        "amount_refunded": amount_refunded,
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


def gateway_for(source: DonationSource) -> Gateway:
    """The gateway that handles donations of this source."""
    if source == DonationSource.STRIPE:
        if not current_app.config.get("STRIPE_SECRET_KEY"):
            raise GatewayUnavailable("no_key", "STRIPE_SECRET_KEY is not set")
        return _stripe_gateway()
    if source == DonationSource.TEST:
        if not test_gateway_allowed():
            raise GatewayUnavailable("test_in_production")
        return TestGateway()
    raise GatewayUnavailable("no_gateway", str(source))


def current_gateway() -> Gateway:
    """Stripe when a key is configured, else the test gateway (never in production)."""
    if current_app.config.get("STRIPE_SECRET_KEY"):
        return _stripe_gateway()
    return gateway_for(DonationSource.TEST)


def _stripe_gateway() -> StripeGateway:
    """One Stripe client per app and configuration (it keeps its HTTP connections)."""
    config = current_app.config
    key = (config["STRIPE_SECRET_KEY"], config.get("STRIPE_API_BASE"))
    cache = current_app.extensions.setdefault("stripe_gateways", {})
    if key not in cache:
        cache[key] = StripeGateway.from_config(config)
    return cache[key]
