"""What every payment gateway offers, and what they share: errors, return URLs, metadata.

Gateways answer two questions (where to send the donor to pay, and how to give money back);
none changes a donation's state itself. The ledger does, from the events they send.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from campaigns.models import Donation, DonationSource


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


def donation_metadata(donation: Donation) -> dict[str, str]:
    """What every Stripe object made for a gift carries, so that events find their donation."""
    return {
        "donation_id": str(donation.id),
        "donation_reference": donation.reference,
        "campaign": donation.campaign.slug,
    }
