"""What every payment gateway offers, and what they share: errors, return URLs, metadata.

Gateways answer two questions (where to send the donor to pay, and how to give money back);
none changes a donation's state itself. The ledger does, from the events they send.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from flask import current_app

from campaigns.extensions import db
from campaigns.models import Donation, DonationSource, Installation


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

    def refund(self, donation: Donation, amount_minor: int, requested_total: int) -> str:
        """Give back ``amount_minor`` more; ``requested_total`` is the cumulative amount asked
        back once this request is counted (unique per request, see ``idempotency_key``)."""
        ...

    def cancel_subscription(self, donation: Donation) -> None:
        """Stop a monthly gift; the ledger hears of it through the gateway's event."""
        ...

    def change_subscription_amount(self, donation: Donation, amount_minor: int) -> None:
        """Charge ``amount_minor`` from the next renewal of a monthly gift on."""
        ...


def donation_metadata(donation: Donation) -> dict[str, str]:
    """What every Stripe object made for a gift carries, so that events find their donation."""
    return {
        "donation_id": str(donation.id),
        "donation_reference": donation.reference,
        "campaign": donation.campaign.slug,
    }


def installation_id() -> str:
    """This installation's name at the payment provider: ``INSTALLATION_ID`` when it is set,
    else the random id its database was created with (read once per app)."""
    configured = current_app.config.get("INSTALLATION_ID")
    if configured:
        return configured
    cache = current_app.extensions.setdefault("installation_id", {})
    key = str(db.engine.url)
    if key not in cache:
        stored = db.session.scalar(
            sa.select(Installation.id).order_by(Installation.created_at).limit(1)
        )
        if not stored:
            raise GatewayError("no_installation_id", "run `flask db upgrade`")
        cache[key] = stored
    return cache[key]


def idempotency_key(donation: Donation, *parts: object) -> str:
    """The key of a provider call made for a donation: ``<installation>:donation:<id>[:...]``.

    The installation's id keeps two databases that share a Stripe account (a restored copy,
    staging and production) from sending the same key for their own donation of that id.
    """
    return ":".join([installation_id(), "donation", str(donation.id), *map(str, parts)])
