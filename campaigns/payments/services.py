"""Donation use cases that involve a gateway: starting a payment and giving money back.

The ledger (``campaigns.payments.ledger``) owns every change of state and of the totals;
these functions talk to the gateway and hand the ledger what it needs.
"""

from __future__ import annotations

import json
import logging

from flask_babel import gettext as _

from campaigns.models import Donation, DonationSource
from campaigns.payments import ledger
from campaigns.payments.gateways import (
    Checkout,
    GatewayError,
    ReturnUrls,
    current_gateway,
    gateway_for,
    session_object,
    test_event,
    test_gateway_allowed,
)
from campaigns.urls import external_url

log = logging.getLogger(__name__)


def return_urls(donation: Donation) -> ReturnUrls:
    return ReturnUrls(
        success=external_url("payments.thanks", reference=donation.reference),
        cancel=external_url("payments.cancelled", reference=donation.reference),
    )


def checkout_title(donation: Donation) -> str:
    """The line the donor sees on the gateway's page."""
    title = donation.campaign.localized("title", donation.locale)
    if donation.frequency.value == "monthly":
        return _("Monthly gift to %(campaign)s", campaign=str(title))
    return _("Gift to %(campaign)s", campaign=str(title))


def start_checkout(donation: Donation) -> Checkout:
    """Create the gateway's payment page for a pending (and already committed) donation.

    On any gateway failure the donation is marked failed and :class:`GatewayError` is
    raised for the view to show a friendly page; the caller commits either way.
    """
    try:
        gateway = gateway_for(donation.source)
        checkout = gateway.start_checkout(donation, return_urls(donation), checkout_title(donation))
    except GatewayError as exc:
        log.warning("Checkout for donation %s failed: %s", donation.id, exc)
        ledger.mark_failed(donation)
        raise
    donation.checkout_session_id = checkout.session_id
    return checkout


def new_gift_source() -> DonationSource:
    """The source of a new gift: the gateway that is configured (raises if none is)."""
    return current_gateway().source


def refund_donation(
    donation: Donation, amount_minor: int, actor=None, seen_claimed: int | None = None
) -> str:
    """Give back ``amount_minor`` (more) of a gift, for the admin console.

    * Stripe: asks Stripe for a refund (with an idempotency key unique to this request); the
      total falls when Stripe's ``charge.refunded`` event arrives, never before, so it cannot
      fall twice.
    * Test gateway: the same, except the event is sent at once, so the total falls now.
    * Offline gifts and opening balances: recorded in the ledger directly.

    ``seen_claimed`` is what had been refunded or asked back when the admin confirmed; if
    that has changed since, nothing is done. Raises :class:`ledger.LedgerError` for an
    impossible refund and :class:`GatewayError` when the gateway refuses (the caller rolls
    back, so the request is not counted); returns the gateway's refund id (or "offline").
    """
    if donation.source not in ledger.EVENT_PROVIDERS:
        ledger.refund_directly(donation, amount_minor, seen_claimed)
        log.info(
            "Offline refund of %s on donation %s by %s",
            amount_minor,
            donation.id,
            getattr(actor, "id", None),
        )
        return "offline"
    gateway = gateway_for(donation.source)
    requested_total = ledger.request_refund(donation, amount_minor, seen_claimed)
    refund_id = gateway.refund(donation, amount_minor, requested_total)
    log.info(
        "Refund %s of %s requested on donation %s by %s",
        refund_id,
        amount_minor,
        donation.id,
        getattr(actor, "id", None),
    )
    return refund_id


def settle_test_checkout(donation: Donation, *, paid: bool) -> str:
    """The test gateway's Pay or Decline, sent as the event Stripe would send."""
    if not test_gateway_allowed():
        raise GatewayError("test_in_production")
    kind = "checkout.session.completed" if paid else "checkout.session.async_payment_failed"
    event = test_event(kind, session_object(donation, paid=paid))
    return ledger.record_event("test", event, json.dumps(event))
