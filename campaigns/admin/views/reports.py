"""Reports: money by campaign, month and source, the monthly gifts, and the donors list;
each also as CSV. Editors and managers see them for their own organizations."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import Response, abort, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in the stubs yet
from wtforms.validators import Length, Optional

from campaigns.admin import access, bp
from campaigns.admin import reports as service
from campaigns.admin import reports_donors as donors
from campaigns.admin.access import Ability
from campaigns.admin.views.support import attach_errors
from campaigns.i18n import localized as loc


class OrganizationForm(FlaskForm):
    """Which organization a report is about, read from the query string."""

    class Meta:
        csrf = False

    organization = SelectField(_l("Organization"), coerce=int, validate_choice=False, default=0)


class PeriodForm(OrganizationForm):
    date_from = StringField(
        _l("From"), validators=[Optional(), Length(max=20)], description=_l("YYYY-MM-DD")
    )
    date_to = StringField(
        _l("Until"), validators=[Optional(), Length(max=20)], description=_l("YYYY-MM-DD")
    )


def _organization_choices(form: OrganizationForm, everything: str | None) -> list:
    organizations = access.organizations(Ability.CONTENT)
    choices = [SelectChoice(o.id, str(loc(o, "name"))) for o in organizations]
    if everything and len(organizations) > 1:
        choices.insert(0, SelectChoice(0, everything))
    form.organization.choices = choices
    return organizations


def _period():
    """The form, the period asked for and its errors; an organization not the user's is 404."""
    form = PeriodForm(request.args)
    _organization_choices(form, _("All organizations"))
    period, errors = service.parse_period(request.args, date.today())
    if period.organization_id:
        access.organization_or_404(period.organization_id, Ability.CONTENT)
    attach_errors(form, errors)
    form.date_from.data = form.date_from.data or period.start.isoformat()
    form.date_to.data = form.date_to.data or period.end.isoformat()
    return form, period, errors


def _csv(body: str | Iterator[str], name: str) -> Response:
    """A CSV download: written whole, or streamed as it is read from the database."""
    return Response(
        body if isinstance(body, str) else stream_with_context(body),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Content-Type": "text/csv; charset=utf-8",
        },
    )


def _refused(form, period):
    return render_template("admin/reports.html", form=form, period=period, reports=None), 422


@bp.get("/reports/")
@access.require(Ability.CONTENT)
def reports():
    """Totals by campaign, month and source, and the monthly gifts, over a period."""
    form, period, errors = _period()
    if errors:
        return _refused(form, period)
    figures = service.all_reports(period)
    return render_template("admin/reports.html", form=form, period=period, reports=figures)


@bp.get("/reports/<name>.csv")
@access.require(Ability.CONTENT)
def report_csv(name: str):
    """One of the reports as CSV, for the same period and organization."""
    if name not in service.REPORTS:
        abort(404)
    form, period, errors = _period()
    if errors:
        return _refused(form, period)
    report = service.REPORT_BUILDERS[name](period)
    return _csv(service.csv_text(report), service.csv_name(name, period))


def _organization():
    """The organization asked for (404 when not the user's), else the first of theirs."""
    form = OrganizationForm(request.args)
    organizations = _organization_choices(form, None)
    wanted = service.read_organization(request.args)
    if wanted:
        organization = access.organization_or_404(wanted, Ability.CONTENT)
    elif organizations:
        organization = organizations[0]
    else:
        return form, None
    form.organization.data = organization.id
    return form, organization


@bp.get("/reports/donors")
@access.require(Ability.CONTENT)
def report_donors():
    """An organization's donors with their lifetime totals and last gift, a page at a time."""
    form, organization = _organization()
    page = (
        donors.donors_page(organization, donors.read_after(request.args)) if organization else None
    )
    return render_template("admin/reports_donors.html", form=form, page=page)


@bp.get("/reports/donors.csv")
@access.require(Ability.CONTENT)
def report_donors_csv():
    """Every donor of the organization as CSV; the download is in the audit log."""
    _form, organization = _organization()
    if organization is None:
        abort(404)
    donors.note_export(organization)
    return _csv(donors.export_csv(organization), donors.csv_name(organization))
