"""Donating: the donate form's target, the return pages, the test checkout and the webhook."""

from __future__ import annotations

import logging

import sqlalchemy as sa
from flask import abort, current_app, flash, jsonify, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext

from campaigns import news, unit_of_work
from campaigns.catalog.visibility import is_public, public_campaign_or_404
from campaigns.extensions import csrf, db
from campaigns.i18n import current_language
from campaigns.models import Campaign, Donation, DonationSource, DonationStatus
from campaigns.money import format_plain
from campaigns.payments import bp, gateways, ledger, limits, services, webhooks
from campaigns.payments.campaign_page import render_campaign_page
from campaigns.payments.forms import DonateForm
from campaigns.receipts.thanks import thank_you_context

log = logging.getLogger(__name__)


def _donation_or_404(reference: str) -> Donation:
    donation = db.session.scalar(sa.select(Donation).where(Donation.reference == reference))
    if donation is None:
        abort(404)
    return donation


def _campaign_page(campaign: Campaign, form: DonateForm, status: int, notice: str | None = None):
    """The campaign page with this form in it (its errors, or a prefilled gift)."""
    if notice:
        flash(notice, "info")
    return render_campaign_page(campaign, donate_form=form, status=status)


@bp.get("/campaigns/<slug>/donate")
def donate_form(slug: str):
    """The donate form on its own page (where the form goes back to after a refresh)."""
    campaign = public_campaign_or_404(slug)
    form = DonateForm.for_campaign(campaign)
    return render_template("payments/donate.html", campaign=campaign, donate_form=form)


def _stopped_page(campaign: Campaign, form: DonateForm, stopped: limits.Stopped):
    """A limit stopped the gift: the form as typed, when to try again, and ``Retry-After``."""
    if stopped.which == "email":
        notice = ngettext(
            "Several gifts were started with this email address in a short time. Nothing "
            "was charged. Please try again in %(num)d minute; what you typed is kept below.",
            "Several gifts were started with this email address in a short time. Nothing "
            "was charged. Please try again in %(num)d minutes; what you typed is kept below.",
            stopped.minutes,
        )
    else:
        notice = ngettext(
            "Too many attempts from this connection did not go through. Nothing was "
            "charged. Please try again in %(num)d minute; what you typed is kept below.",
            "Too many attempts from this connection did not go through. Nothing was "
            "charged. Please try again in %(num)d minutes; what you typed is kept below.",
            stopped.minutes,
        )
    body, status = _campaign_page(campaign, form, 429, notice=notice)
    return body, status, {"Retry-After": str(stopped.retry_after), "Cache-Control": "no-store"}


@bp.post("/campaigns/<slug>/donate")
def donate(slug: str):
    """Check the gift, open a pending donation, and send the donor to pay for it."""
    campaign = public_campaign_or_404(slug)
    form = DonateForm.for_campaign(campaign, formdata=request.form)
    address = limits.client_address()
    if stopped := limits.address_stopped(address):
        return _stopped_page(campaign, form, stopped)
    if not form.validate():
        limits.note_failure(address)
        return _campaign_page(campaign, form, 422)
    if stopped := limits.email_stopped(form.email.data or ""):
        return _stopped_page(campaign, form, stopped)
    return _open_and_pay(campaign, form, address)


def _open_and_pay(campaign: Campaign, form: DonateForm, address: str):
    """Open the pending donation for a checked form and send the donor to the gateway."""
    try:
        source = services.new_gift_source()
    except gateways.GatewayUnavailable as exc:
        log.error("No payment gateway: %s", exc)
        return render_template("payments/checkout_failed.html", campaign=campaign), 503
    donation = ledger.open_donation(
        campaign, source=source, locale=current_language(), **form.gift()
    )
    if form.news.data and donation.donor_email:
        news.subscribe(campaign, donation.donor_email, donation.locale)
    unit_of_work.commit_early(
        "the pending donation's id goes into the payment's metadata: a rollback must never "
        "hand it to another gift"
    )
    try:
        checkout = services.start_checkout(donation)
    except gateways.GatewayError:
        unit_of_work.commit_early("the donation marked failed outlives the 502 page")
        limits.note_failure(address)
        return render_template(
            "payments/checkout_failed.html", campaign=campaign, donation=donation
        ), 502
    limits.note_gift_started(address, donation.donor_email, donation)
    return redirect(checkout.url, 303)


@bp.get("/donations/<reference>/thanks")
def thanks(reference: str):
    """Where the gateway sends the donor after paying: thanks, and whether it is confirmed."""
    donation = _donation_or_404(reference)
    response = current_app.make_response(
        render_template("payments/thanks.html", **thank_you_context(donation))
    )
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/donations/<reference>/cancelled")
def cancelled(reference: str):
    """The donor left the payment page: back to the form, with their gift filled in.

    The link outlives the payment (browser history, a shared computer): the donor's name and
    email are filled in only while the gift still waits for its payment, the page is never
    cached, and its address (which names the gift) is not sent on to other sites.
    """
    donation = _donation_or_404(reference)
    campaign = donation.campaign
    if not is_public(campaign):
        abort(404)
    tier = next((t for t in campaign.tiers if t.amount_minor == donation.amount_minor), None)
    waiting = donation.status == DonationStatus.PENDING
    if waiting:
        limits.note_abandoned(limits.client_address(), donation)
    form = DonateForm.for_campaign(
        campaign,
        tier=str(tier.id) if tier else None,
        amount=None if tier else format_plain(donation.amount_minor, donation.currency),
        frequency=donation.frequency.value,
        name=donation.donor_name if waiting else None,
        email=donation.donor_email if waiting else None,
        anonymous=donation.anonymous,
        message=donation.message,
    )
    notice = _("Your payment was cancelled and nothing was charged. Your gift is below.")
    body, status = _campaign_page(campaign, form, 200, notice=notice)
    return body, status, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}


def _test_donation_or_404(reference: str) -> Donation:
    if not gateways.test_gateway_allowed():
        abort(404)
    donation = _donation_or_404(reference)
    if donation.source != DonationSource.TEST:
        abort(404)
    return donation


@bp.get("/test-checkout/<reference>")
def test_checkout(reference: str):
    """The test gateway's payment page: says plainly that no money moves."""
    donation = _test_donation_or_404(reference)
    if donation.status != DonationStatus.PENDING:
        return redirect(services.return_urls(donation).success, 303)
    urls = services.return_urls(donation)
    return render_template(
        "payments/test_checkout.html",
        donation=donation,
        campaign=donation.campaign,
        cancel_url=urls.cancel,
    )


@bp.post("/test-checkout/<reference>")
def test_checkout_submit(reference: str):
    """Pay or decline a test gift, through the same event path as Stripe's webhooks."""
    donation = _test_donation_or_404(reference)
    action = request.form.get("action")
    if action not in ("pay", "decline"):
        abort(400)
    services.settle_test_checkout(donation, paid=action == "pay")
    return redirect(services.return_urls(donation).success, 303)


@bp.post("/webhooks/stripe")
@csrf.exempt
def stripe_webhook():
    """Stripe's events: verified, stored once, applied; 500 on error so that Stripe retries."""
    try:
        answer = webhooks.receive_stripe_event(
            request.get_data(), request.headers.get("Stripe-Signature")
        )
    except Exception:
        # The 500 rolls the request back: nothing is stored, and Stripe retries.
        log.exception("Stripe event failed; nothing was stored and Stripe will retry")
        return jsonify(error="processing failed"), 500
    return jsonify(answer.body), answer.status
