"""Donations: list, export, a donation's history, offline gifts and refunds (managers only)."""

from __future__ import annotations

from datetime import date

from flask import (
    Response,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in the stubs yet

from campaigns import paging
from campaigns.admin import access, bp
from campaigns.admin import donations as service
from campaigns.admin.access import Ability
from campaigns.admin.forms import DonationFilterForm, OfflineGiftForm, RefundForm
from campaigns.admin.views.support import attach_errors, attempt
from campaigns.i18n import localized as loc
from campaigns.money import format_plain


def _filters():
    """The list's filters, from the query string; a campaign the user may not see is a 404."""
    form = DonationFilterForm(request.args)
    campaigns = access.campaigns(Ability.MONEY)
    form.campaign.choices = [SelectChoice(0, _("All campaigns"))] + [
        SelectChoice(c.id, str(loc(c, "title"))) for c in campaigns
    ]
    filters, errors = service.parse_filters(request.args)
    if filters.campaign_id:
        access.campaign_or_404(filters.campaign_id, Ability.MONEY)
    attach_errors(form, errors)
    return form, filters


@bp.get("/donations/")
@access.require(Ability.MONEY)
def donation_list():
    """Donations filtered by campaign, state and dates, searched by name or email; read
    newest first, a page at a time older or newer than a cursor."""
    form, filters = _filters()
    return render_template(
        "admin/donations.html",
        form=form,
        page=service.page_of(filters, paging.place(request.args)),
        count=service.count_up_to(filters),
        count_up_to=service.COUNT_UP_TO,
        filters=filters,
    )


@bp.get("/donations/export.csv")
@access.require(Ability.MONEY)
def donation_export():
    """The filtered donations as CSV, for spreadsheets and accounting; the audit entry is
    committed with the request, before the body streams."""
    _form, filters = _filters()
    service.note_export(current_user, filters)
    name = f"donations-{date.today().isoformat()}.csv"
    return Response(
        service.export_csv(filters),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )


@bp.get("/donations/<int:donation_id>")
@access.require(Ability.MONEY)
def donation_detail(donation_id: int):
    """One donation with everything that happened to it."""
    donation = access.donation_or_404(donation_id)
    return render_template(
        "admin/donation.html",
        donation=donation,
        history=service.history(donation),
        refundable=service.refundable_minor(donation),
    )


def _check_or_refund(donation, form) -> tuple[int, bool | None]:
    """The amount asked for, checked; and once the admin has confirmed it, refunded.

    The second value is None before the confirmation, else whether the total has fallen.
    """
    amount = service.parse_refund(donation, form.amount.data)
    if form.confirmed.data != "yes":
        return amount, None
    return amount, service.refund(donation, amount, current_user, form.refunded_before.data or None)


def _refund_message(done: bool) -> str:
    if done:
        return _("The refund was made and the total updated.")
    return _("The refund was requested. The total changes when the payment provider confirms it.")


@bp.route("/donations/<int:donation_id>/refund", methods=["GET", "POST"])
@access.require(Ability.MONEY)
def donation_refund(donation_id: int):
    """Refund all or part of a gift, after a confirmation step."""
    donation = access.donation_or_404(donation_id)
    left = service.refundable_minor(donation)
    if left <= 0:
        flash(_("This donation cannot be refunded."), "error")
        return redirect(url_for("admin.donation_detail", donation_id=donation_id))
    form = RefundForm(data={"amount": format_plain(left, donation.currency)})
    amount, errors = None, []
    if form.validate_on_submit():
        outcome = attempt(form, _check_or_refund, donation, form)
        errors = outcome.errors
        if not outcome.refused:
            amount, done = outcome.value
            if done is not None:
                flash(_refund_message(done), "success")
                return redirect(url_for("admin.donation_detail", donation_id=donation_id))
    status = 422 if request.method == "POST" and (form.errors or errors) else 200
    page = render_template(
        "admin/refund.html",
        donation=donation,
        form=form,
        errors=errors,
        left=left,
        confirm_amount=amount,
    )
    return page, status


@bp.route("/campaigns/<int:campaign_id>/offline-gift", methods=["GET", "POST"])
@access.require(Ability.MONEY)
def offline_gift(campaign_id: int):
    """Record a gift received in cash or by bank transfer; it counts at once."""
    campaign = access.campaign_or_404(campaign_id, Ability.MONEY)
    form = OfflineGiftForm(data={"received_on": date.today().isoformat()})
    errors: list[str] = []
    if form.validate_on_submit():
        recorded = attempt(form, service.record_offline, campaign, form.data, current_user)
        if not recorded.refused:
            flash(_("The gift was recorded and added to the total."), "success")
            return redirect(url_for("admin.donation_detail", donation_id=recorded.value.id))
        errors = recorded.errors
    status = 422 if request.method == "POST" else 200
    return (
        render_template("admin/offline_gift.html", campaign=campaign, form=form, errors=errors),
        status,
    )
