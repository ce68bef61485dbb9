"""Payment gateways: Stripe Checkout, and a keyless test gateway for development.

Both answer the same two questions (where to send the donor to pay, and how to give money
back); neither changes a donation's state itself. Stripe tells the ledger what happened
through its webhooks; the test gateway sends Stripe-shaped events down the same path.
"""

from __future__ import annotations

from flask import current_app

from campaigns.models import DonationSource
from campaigns.payments.gateways.base import (
    Checkout,
    Gateway,
    GatewayError,
    GatewayUnavailable,
    ReturnUrls,
    donation_metadata,
)
from campaigns.payments.gateways.stripe import (
    STRIPE_API_VERSION,
    STRIPE_TIMEOUT,
    StripeGateway,
    stripe_amount,
)
from campaigns.payments.gateways.test import (
    TestGateway,
    charge_object,
    session_object,
    test_event,
    test_gateway_allowed,
)

__all__ = [
    "STRIPE_API_VERSION",
    "STRIPE_TIMEOUT",
    "Checkout",
    "Gateway",
    "GatewayError",
    "GatewayUnavailable",
    "ReturnUrls",
    "StripeGateway",
    "TestGateway",
    "charge_object",
    "current_gateway",
    "donation_metadata",
    "gateway_for",
    "session_object",
    "stripe_amount",
    "test_event",
    "test_gateway_allowed",
]


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
