"""News updates, about one campaign or about an organization's work as a whole."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in the stubs yet

from campaigns.admin import access, bp
from campaigns.admin.access import Ability
from campaigns.admin.forms import ButtonForm, UpdateForm
from campaigns.admin.views.support import attempt, wants_preview
from campaigns.catalog import writes as content
from campaigns.extensions import db
from campaigns.i18n import localized as loc
from campaigns.models import Campaign, Update
from campaigns.paging import record_id


def _campaign_choices(organization_ids: set[int] | None) -> list[SelectChoice]:
    choices = [SelectChoice(0, _("The organization as a whole"))]
    for campaign in access.campaigns(Ability.CONTENT):
        if organization_ids is None or campaign.organization_id in organization_ids:
            label = f"{loc(campaign.organization, 'name')}: {loc(campaign, 'title')}"
            choices.append(SelectChoice(campaign.id, label))
    return choices


def _chosen_campaign(form) -> Campaign | None:
    if not form.campaign.data:
        return None
    return access.campaign_or_404(form.campaign.data)


def _update_data(update: Update | None) -> dict | None:
    """What the form shows on a GET: the stored update, or the campaign asked for."""
    if request.method != "GET":
        return None
    if update is None:
        return {"campaign": request.args.get("campaign", 0, type=record_id)}
    published = update.published_at
    return {
        "campaign": update.campaign_id or 0,
        "category": update.category.value,
        "slug": update.slug,
        "title_en": update.title_en,
        "title_ar": update.title_ar,
        "body_en": update.body_en,
        "body_ar": update.body_ar,
        "published_at": published.strftime("%Y-%m-%d %H:%M") if published else "",
        "external_report": update.external_report,
        "source_name": update.source_name,
        "source_url": update.source_url,
    }


def _update_form(update: Update | None) -> UpdateForm:
    """The form, with the organizations (new updates only) and campaigns to choose from."""
    form = UpdateForm(data=_update_data(update))
    if update is None:
        form.organization.choices = [
            SelectChoice(o.id, str(loc(o, "name"))) for o in access.organizations(Ability.CONTENT)
        ]
        form.campaign.choices = _campaign_choices(None)
    else:
        del form.organization
        form.campaign.choices = _campaign_choices({update.organization_id})
    return form


def _save_update(form, update: Update | None):
    """Save the form's update where it belongs: the update's own organization when it
    exists, the chosen one (checked) when it is new."""
    campaign = _chosen_campaign(form)
    if update is None:
        organization = access.organization_or_404(form.organization.data, Ability.CONTENT)
    else:
        organization = update.organization
    where = {"organization": organization, "campaign": campaign}
    return attempt(form, content.save_update, update, form.data, **where)


def _update_page(update: Update | None):
    """Create or edit: preview, save, or show what is wrong beside each field."""
    form = _update_form(update)
    errors: list[str] = []
    preview = request.method == "POST" and wants_preview()
    if preview:
        form.validate()
    elif form.validate_on_submit():
        saved = _save_update(form, update)
        if not saved.refused:
            flash(_("The update was saved."), "success")
            return redirect(url_for("admin.update_edit", update_id=saved.value.id))
        errors = saved.errors
    status = 422 if request.method == "POST" and not preview else 200
    page = render_template(
        "admin/update_form.html",
        update=update,
        form=form,
        errors=errors,
        preview=preview,
        button=ButtonForm(),
    )
    return page, status


@bp.get("/updates/")
@access.require(Ability.CONTENT)
def update_list():
    """Updates the user may edit, newest first; drafts are marked."""
    query = access.scope(
        select(Update).order_by(Update.created_at.desc(), Update.id.desc()),
        Update.organization_id,
        Ability.CONTENT,
    )
    campaign_id = request.args.get("campaign", type=record_id)
    campaign = access.campaign_or_404(campaign_id) if campaign_id else None
    if campaign is not None:
        query = query.where(Update.campaign_id == campaign.id)
    updates = list(db.session.scalars(query))
    return render_template(
        "admin/updates.html", updates=updates, campaign=campaign, button=ButtonForm()
    )


@bp.route("/updates/new", methods=["GET", "POST"])
@access.require(Ability.CONTENT)
def update_new():
    return _update_page(None)


@bp.route("/updates/<int:update_id>/edit", methods=["GET", "POST"])
@access.require(Ability.CONTENT)
def update_edit(update_id: int):
    return _update_page(access.update_or_404(update_id))


@bp.post("/updates/<int:update_id>/<any(publish, unpublish, delete):action>")
@access.require(Ability.CONTENT)
def update_action(update_id: int, action: str):
    """Publish now, take back to draft, or delete an update."""
    update = access.update_or_404(update_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if action == "publish":
        content.publish_update(update)
        message = _("The update is published.")
    elif action == "unpublish":
        content.unpublish_update(update)
        message = _("The update is a draft again.")
    else:
        content.delete_update(update)
        message = _("The update was deleted.")
    flash(message, "success")
    if action == "delete":
        return redirect(url_for("admin.update_list"))
    return redirect(url_for("admin.update_edit", update_id=update_id))
