"""Donation use cases that involve a gateway: starting a payment and giving money back.

The ledger (``campaigns.payments.ledger``) owns every change of state and of the totals;
these functions talk to the gateway and hand the ledger what it needs.
"""

from __future__ import annotations

import json
import logging
from datetime import date

from flask_babel import gettext as _

from campaigns.models import Campaign, CampaignState, Donation, DonationSource
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


def gift_refusal(campaign: Campaign, today: date | None = None) -> str | None:
    """Why this campaign cannot take a gift today, in words for the donor; None if it can."""
    today = today or date.today()
    if campaign.state == CampaignState.DRAFT:
        return _("This campaign is not published, so it cannot receive gifts.")
    if campaign.state in (CampaignState.CLOSED, CampaignState.ARCHIVED):
        return _("This campaign is closed and no longer receives gifts. Thank you for your care.")
    if today < campaign.starts_on:
        return _("This campaign has not started yet; gifts open on %(day)s.", day=_day(campaign))
    if campaign.ends_on is not None and today > campaign.ends_on:
        return _("This campaign has ended and no longer receives gifts. Thank you for your care.")
    return None


def _day(campaign: Campaign) -> str:
    from campaigns.i18n import date_text

    return date_text(campaign.starts_on)


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


def refund_donation(donation: Donation, amount_minor: int, actor=None) -> str:
    """Give back ``amount_minor`` (more) of a gift, for the admin console.

    * Stripe: asks Stripe for a refund (with an idempotency key); the total falls when
      Stripe's ``charge.refunded`` event arrives, never before, so it cannot fall twice.
    * Test gateway: the same, except the event is sent at once, so the total falls now.
    * Offline gifts and opening balances: recorded in the ledger directly.

    Raises :class:`ledger.LedgerError` for an impossible refund and :class:`GatewayError`
    when the gateway refuses; returns the gateway's refund id (or "offline").
    """
    ledger.check_refund(donation, amount_minor)
    if donation.source not in ledger.EVENT_PROVIDERS:
        ledger.refund_directly(donation, amount_minor)
        log.info(
            "Offline refund of %s on donation %s by %s",
            amount_minor,
            donation.id,
            getattr(actor, "id", None),
        )
        return "offline"
    refund_id = gateway_for(donation.source).refund(donation, amount_minor)
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
