"""The donor's page of a monthly gift, reached by its signed link only."""

from __future__ import annotations

import logging

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from campaigns.monthly import bp, services
from campaigns.monthly.forms import ChangeAmountForm, StopForm
from campaigns.monthly.links import LinkRefused, read_token
from campaigns.payments.gateways import GatewayError

log = logging.getLogger(__name__)


@bp.after_request
def private_page(response):
    """The link is the donor's key: never cached, never indexed, never sent on."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _page(token: str, gift, *, amount_form=None, status: int = 200):
    info = services.describe(gift)
    return render_template(
        "monthly/manage.html",
        token=token,
        info=info,
        campaign=gift.campaign,
        amount_form=amount_form or ChangeAmountForm.for_gift(gift.campaign),
        stop_form=StopForm(),
        states=services.GiftState,
    ), status


def _refused(exc: LinkRefused):
    return render_template("monthly/refused.html", reason=exc.reason), 403


def _gateway_failed(gift, exc: GatewayError):
    log.warning("Monthly gift %s: the gateway refused: %s", gift.id, exc)
    return render_template("monthly/failed.html", campaign=gift.campaign), 502


@bp.get("/monthly/<token>")
def manage(token: str):
    """The gift, its state and amount, and the forms to stop it or change the amount."""
    try:
        gift = read_token(token)
    except LinkRefused as exc:
        return _refused(exc)
    return _page(token, gift)


@bp.post("/monthly/<token>/stop")
def stop(token: str):
    """Stop the gift; the page then says so (and an email confirms it)."""
    try:
        gift = read_token(token)
    except LinkRefused as exc:
        return _refused(exc)
    if not StopForm().validate_on_submit():
        return _page(token, gift, status=400)
    try:
        services.stop(gift)
    except services.MonthlyRefusal:
        return _page(token, gift, status=409)
    except GatewayError as exc:
        return _gateway_failed(gift, exc)
    flash(_("Your monthly gift is stopped. Nothing more will be charged."), "success")
    return redirect(url_for("monthly.manage", token=token), 303)


@bp.post("/monthly/<token>/amount")
def change_amount(token: str):
    """A new amount for the next renewals, under the donate form's rules."""
    try:
        gift = read_token(token)
    except LinkRefused as exc:
        return _refused(exc)
    form = ChangeAmountForm.for_gift(gift.campaign, formdata=request.form)
    if not form.validate() or form.amount_minor is None:
        return _page(token, gift, amount_form=form, status=422)
    try:
        changed = services.change_amount(gift, form.amount_minor)
    except services.MonthlyRefusal:
        return _page(token, gift, amount_form=form, status=409)
    except GatewayError as exc:
        return _gateway_failed(gift, exc)
    if changed:
        flash(_("Your new amount applies from the next monthly payment."), "success")
    return redirect(url_for("monthly.manage", token=token), 303)
