"""Donors' data on request (platform admins only): look an email up, export it, erase it.

Every form posts, so the address is never part of a URL (it would reach access logs and
the browser's history).
"""

from __future__ import annotations

from datetime import date

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField
from wtforms.validators import Length

from campaigns.admin import access, bp
from campaigns.admin import privacy as service
from campaigns.admin.views.support import attach_errors
from campaigns.catalog import ContentError


class DonorEmailForm(FlaskForm):
    email = StringField(
        _l("Donor's email"),
        validators=[Length(max=254)],
        render_kw={"type": "email", "dir": "ltr", "autocomplete": "off"},
    )
    confirmed = HiddenField()


def _lookup(form: DonorEmailForm):
    """The donor's data for a posted form, or None with the error beside the field."""
    if not form.validate_on_submit():
        return None
    try:
        return service.find(service.normalise_email(form.email.data))
    except ContentError as exc:
        attach_errors(form, exc.errors)
        return None


def _page(form: DonorEmailForm, data=None, template="admin/donor_data.html"):
    status = 422 if request.method == "POST" and data is None else 200
    return render_template(template, form=form, data=data), status


@bp.route("/donor-data/", methods=["GET", "POST"])
@access.platform_admin_required
def donor_data():
    """Find what is held about an email address."""
    form = DonorEmailForm()
    if request.method == "GET":
        return render_template("admin/donor_data.html", form=form, data=None)
    return _page(form, _lookup(form))


@bp.post("/donor-data/export.<any(json, csv):file_format>")
@access.platform_admin_required
def donor_data_export(file_format: str):
    """Everything held about the address, as a download; the export is audited."""
    form = DonorEmailForm()
    data = _lookup(form)
    if data is None:
        return _page(form)
    service.note_export(data, file_format)
    if file_format == "json":
        body, mimetype = service.export_json(data), "application/json"
    else:
        body, mimetype = service.export_csv(data), "text/csv"
    name = f"donor-data-{date.today().isoformat()}.{file_format}"
    return Response(
        body,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Type": f"{mimetype}; charset=utf-8",
            "Cache-Control": "no-store",
        },
    )


@bp.post("/donor-data/erase")
@access.platform_admin_required
def donor_data_erase():
    """Erase the donor's personal data after a confirmation step; the ledger keeps its sums."""
    form = DonorEmailForm()
    data = _lookup(form)
    if data is None:
        return _page(form)
    if data.empty:
        flash(_("Nothing is held about this address."), "success")
        return redirect(url_for("admin.donor_data"))
    if form.confirmed.data != "yes":
        return _page(form, data, "admin/donor_data_erase.html")
    erasure = service.erase(data, current_user)
    flash(
        _(
            "The donor's data was erased (donations: %(donations)s, payment events: "
            "%(events)s, news subscriptions: %(subscriptions)s, emails: %(emails)s). "
            "Their amounts, dates and states are kept.",
            donations=erasure.donations,
            events=erasure.events,
            subscriptions=erasure.subscriptions,
            emails=erasure.emails,
        ),
        "success",
    )
    return redirect(url_for("admin.donor_data"))
