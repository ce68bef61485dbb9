"""Campaigns: list, write, preview, publish; tiers, history chapters, impact figures, cover."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]  # not in the stubs yet

from campaigns.admin import access, bp
from campaigns.admin.access import Ability
from campaigns.admin.forms import (
    CAMPAIGN_BILINGUAL,
    ButtonForm,
    CampaignForm,
    ChapterForm,
    CoverForm,
    ImpactForm,
    TiersForm,
    offline_only_note,
)
from campaigns.admin.views.support import attempt, wants_preview
from campaigns.catalog import copies
from campaigns.catalog import writes as content
from campaigns.i18n import localized as loc
from campaigns.models import Campaign
from campaigns.money import format_plain
from campaigns.payments.campaign_page import render_campaign_page

BLANK_ROWS = 3


def _campaign_data(campaign: Campaign) -> dict:
    """A campaign as its form shows it: amounts in major units, dates as ISO text."""
    data = {name: getattr(campaign, name) for name in content.TEXT_FIELDS}
    for field, column in content.AMOUNT_FIELDS.items():
        value = getattr(campaign, column)
        data[field] = format_plain(value, campaign.currency) if value is not None else ""
    for name in content.DATE_FIELDS:
        value = getattr(campaign, name)
        data[name] = value.isoformat() if value else ""
    data.update(
        slug=campaign.slug,
        sector=campaign.sector.value,
        currency=campaign.currency,
        beneficiaries_reached=campaign.beneficiaries_reached,
        featured=campaign.featured,
        is_example=campaign.is_example,
        completed_project=campaign.completed_project,
        implemented_precision=campaign.implemented_precision.value,
        organization=campaign.organization_id,
    )
    return data


def warn_if_offline_only(campaign: Campaign) -> None:
    """Say it again on saving: a currency Stripe cannot charge means no online gifts."""
    if note := offline_only_note(campaign.currency):
        flash(note, "warning")


def _render_campaign_form(form, campaign, errors=(), preview=False, status=200):
    return (
        render_template(
            "admin/campaign_form.html",
            form=form,
            campaign=campaign,
            bilingual_fields=CAMPAIGN_BILINGUAL,
            errors=errors,
            preview=preview,
            button=ButtonForm(),
        ),
        status,
    )


@bp.get("/campaigns/")
@access.require(Ability.CONTENT)
def campaign_list():
    """Every campaign the user may edit, newest first."""
    return render_template(
        "admin/campaigns.html", campaigns=access.campaigns(Ability.CONTENT), button=ButtonForm()
    )


@bp.route("/campaigns/new", methods=["GET", "POST"])
@access.require(Ability.CONTENT)
def campaign_new():
    """Write a new campaign; it starts as a draft in one of the user's organizations."""
    form = CampaignForm()
    form.organization.choices = [
        SelectChoice(o.id, str(loc(o, "name"))) for o in access.organizations(Ability.CONTENT)
    ]
    if not current_user.is_platform_admin:
        del form.featured
    if request.method == "POST" and wants_preview():
        form.validate()
        return _render_campaign_form(form, None, preview=True)
    if form.validate_on_submit():
        organization = access.organization_or_404(form.organization.data, Ability.CONTENT)
        saved = attempt(
            form,
            content.save_campaign,
            None,
            form.data,
            organization=organization,
            may_feature=current_user.is_platform_admin,
        )
        if saved.refused:
            return _render_campaign_form(form, None, saved.errors, status=422)
        flash(_("The campaign was created as a draft."), "success")
        warn_if_offline_only(saved.value)
        return redirect(url_for("admin.campaign_edit", campaign_id=saved.value.id))
    status = 422 if request.method == "POST" else 200
    return _render_campaign_form(form, None, status=status)


@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"])
@access.require(Ability.CONTENT)
def campaign_edit(campaign_id: int):
    """Edit a campaign's texts, goal, dates and settings (not its state or totals)."""
    campaign = access.campaign_or_404(campaign_id)
    form = CampaignForm(data=_campaign_data(campaign))
    del form.organization
    if not current_user.is_platform_admin:
        del form.featured
    if request.method == "POST" and wants_preview():
        form.validate()
        return _render_campaign_form(form, campaign, preview=True)
    if form.validate_on_submit():
        saved = attempt(
            form,
            content.save_campaign,
            campaign,
            form.data,
            may_feature=current_user.is_platform_admin,
        )
        if saved.refused:
            return _render_campaign_form(form, campaign, saved.errors, status=422)
        flash(_("The campaign was saved."), "success")
        warn_if_offline_only(campaign)
        return redirect(url_for("admin.campaign_edit", campaign_id=campaign.id))
    status = 422 if request.method == "POST" else 200
    return _render_campaign_form(form, campaign, status=status)


@bp.get("/campaigns/<int:campaign_id>/preview")
@access.require(Ability.CONTENT)
def campaign_preview(campaign_id: int):
    """The campaign as donors will see it, drafts included, for the people writing it."""
    return render_campaign_page(access.campaign_or_404(campaign_id))


@bp.post("/campaigns/<int:campaign_id>/<any(publish, close, archive, restore):action>")
@access.require(Ability.CONTENT)
def campaign_state(campaign_id: int, action: str):
    """Move a campaign between draft, published, closed and archived."""
    campaign = access.campaign_or_404(campaign_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if attempt(None, content.change_state, campaign, action).refused:
        return redirect(url_for("admin.campaign_edit", campaign_id=campaign_id))
    messages = {
        "publish": _("The campaign is published."),
        "close": _("The campaign is closed: it no longer accepts gifts."),
        "archive": _("The campaign is archived."),
        "restore": _("The campaign is back among the drafts."),
    }
    flash(messages[action], "success")
    return redirect(url_for("admin.campaign_edit", campaign_id=campaign_id))


@bp.post("/campaigns/<int:campaign_id>/delete")
@access.require(Ability.CONTENT)
def campaign_delete(campaign_id: int):
    """Delete a draft that never received a gift."""
    campaign = access.campaign_or_404(campaign_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if attempt(None, content.delete_campaign, campaign).refused:
        return redirect(url_for("admin.campaign_edit", campaign_id=campaign_id))
    flash(_("The draft was deleted."), "success")
    return redirect(url_for("admin.campaign_list"))


@bp.post("/campaigns/<int:campaign_id>/duplicate")
@access.require(Ability.CONTENT)
def campaign_duplicate(campaign_id: int):
    """Copy a campaign into a new draft (no donations, totals, updates or subscribers)."""
    campaign = access.campaign_or_404(campaign_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    copied = attempt(None, copies.duplicate_campaign, campaign)
    if copied.refused:
        return redirect(url_for("admin.campaign_edit", campaign_id=campaign_id))
    flash(
        _("This is a copy, saved as a draft. Rename it, check its dates, then publish."), "success"
    )
    return redirect(url_for("admin.campaign_edit", campaign_id=copied.value.id))


# Cover image ----------------------------------------------------------------------------


@bp.route("/campaigns/<int:campaign_id>/cover", methods=["GET", "POST"])
@access.require(Ability.CONTENT)
def campaign_cover(campaign_id: int):
    """Upload a cover image: checked by content, re-encoded, metadata stripped."""
    campaign = access.campaign_or_404(campaign_id)
    form = CoverForm()
    errors: list[str] = []
    if form.validate_on_submit():
        saved = attempt(form, content.set_cover, campaign, form.image.data.stream)
        if not saved.refused:
            flash(_("The cover image was saved."), "success")
            return redirect(url_for("admin.campaign_cover", campaign_id=campaign_id))
        errors = saved.errors
    status = 422 if request.method == "POST" else 200
    return (
        render_template(
            "admin/campaign_cover.html",
            campaign=campaign,
            form=form,
            errors=errors,
            button=ButtonForm(),
        ),
        status,
    )


@bp.post("/campaigns/<int:campaign_id>/cover/remove")
@access.require(Ability.CONTENT)
def campaign_cover_remove(campaign_id: int):
    campaign = access.campaign_or_404(campaign_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    content.remove_cover(campaign)
    flash(_("The cover image was removed."), "success")
    return redirect(url_for("admin.campaign_cover", campaign_id=campaign_id))


# Tiers and impact figures ---------------------------------------------------------------


def _tier_rows(campaign: Campaign) -> list[dict]:
    rows = [
        {
            "tier_id": str(t.id),
            "position": n + 1,
            "amount": format_plain(t.amount_minor, campaign.currency),
            "description_en": t.description_en,
            "description_ar": t.description_ar,
        }
        for n, t in enumerate(campaign.tiers)
    ]
    start = len(rows) + 1
    return rows + [{"position": start + n} for n in range(BLANK_ROWS)]


def _edit_rows(campaign_id: int, form_class, initial_rows, save, template: str, saved: str):
    """One editor for a campaign's ordered rows (tiers, impact figures): show, save, or
    re-show with the errors and nothing saved."""
    campaign = access.campaign_or_404(campaign_id)
    data = {"rows": initial_rows(campaign)} if request.method == "GET" else None
    form = form_class(data=data)
    errors: list[str] = []
    if form.validate_on_submit():
        outcome = attempt(form, save, campaign, form.rows.data)
        if not outcome.refused:
            flash(saved, "success")
            assert request.endpoint is not None and request.view_args is not None  # routed here
            return redirect(url_for(request.endpoint, **request.view_args))
        errors = outcome.errors
    status = 422 if request.method == "POST" else 200
    return render_template(template, campaign=campaign, form=form, errors=errors), status


@bp.route("/campaigns/<int:campaign_id>/tiers", methods=["GET", "POST"])
@access.require(Ability.CONTENT)
def campaign_tiers(campaign_id: int):
    """The preset gifts: add rows, change positions to reorder, tick to remove."""
    return _edit_rows(
        campaign_id,
        TiersForm,
        _tier_rows,
        content.save_tiers,
        "admin/campaign_tiers.html",
        _("The tiers were saved."),
    )


def _impact_rows(campaign: Campaign) -> list[dict]:
    rows = [
        {
            "figure_id": str(f.id),
            "position": n + 1,
            "value": f.value,
            "label_en": f.label_en,
            "label_ar": f.label_ar,
            "detail_en": f.detail_en,
            "detail_ar": f.detail_ar,
            "note_en": f.note_en,
            "note_ar": f.note_ar,
        }
        for n, f in enumerate(campaign.impact_figures)
    ]
    start = len(rows) + 1
    return rows + [{"position": start + n} for n in range(BLANK_ROWS)]


@bp.route("/campaigns/<int:campaign_id>/impact", methods=["GET", "POST"])
@access.require(Ability.CONTENT)
def campaign_impact(campaign_id: int):
    """Counted results ("44 health facilities"), edited as one table."""
    return _edit_rows(
        campaign_id,
        ImpactForm,
        _impact_rows,
        content.save_impact,
        "admin/campaign_impact.html",
        _("The impact figures were saved."),
    )


# History chapters ------------------------------------------------------------------------


@bp.get("/campaigns/<int:campaign_id>/chapters/")
@access.require(Ability.CONTENT)
def chapter_list(campaign_id: int):
    campaign = access.campaign_or_404(campaign_id)
    return render_template("admin/chapters.html", campaign=campaign, button=ButtonForm())


def _chapter_data(chapter) -> dict | None:
    if chapter is None:
        return None
    return {
        "happened_on": content.chapter_date_text(chapter),
        "title_en": chapter.title_en,
        "title_ar": chapter.title_ar,
        "body_en": chapter.body_en,
        "body_ar": chapter.body_ar,
        "position": chapter.position,
    }


def _chapter_page(campaign: Campaign, chapter, saved_message: str):
    """The chapter form: preview, save (then back to the list), or show what is wrong."""
    form = ChapterForm(data=_chapter_data(chapter))
    errors: list[str] = []
    preview = request.method == "POST" and wants_preview()
    if preview:
        form.validate()
    elif form.validate_on_submit():
        saved = attempt(form, content.save_chapter, campaign, chapter, form.data)
        if not saved.refused:
            flash(saved_message, "success")
            return redirect(url_for("admin.chapter_list", campaign_id=campaign.id))
        errors = saved.errors
    status = 422 if request.method == "POST" and not preview else 200
    page = render_template(
        "admin/chapter_form.html",
        campaign=campaign,
        chapter=chapter,
        form=form,
        errors=errors,
        preview=preview,
    )
    return page, status


@bp.route("/campaigns/<int:campaign_id>/chapters/new", methods=["GET", "POST"])
@access.require(Ability.CONTENT)
def chapter_new(campaign_id: int):
    """Add a dated chapter to the campaign's history."""
    campaign = access.campaign_or_404(campaign_id)
    return _chapter_page(campaign, None, _("The chapter was added."))


@bp.route("/campaigns/<int:campaign_id>/chapters/<int:chapter_id>/edit", methods=["GET", "POST"])
@access.require(Ability.CONTENT)
def chapter_edit(campaign_id: int, chapter_id: int):
    campaign = access.campaign_or_404(campaign_id)
    chapter = access.chapter_or_404(campaign, chapter_id)
    return _chapter_page(campaign, chapter, _("The chapter was saved."))


@bp.post("/campaigns/<int:campaign_id>/chapters/<int:chapter_id>/delete")
@access.require(Ability.CONTENT)
def chapter_delete(campaign_id: int, chapter_id: int):
    campaign = access.campaign_or_404(campaign_id)
    chapter = access.chapter_or_404(campaign, chapter_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    content.delete_chapter(chapter)
    flash(_("The chapter was deleted."), "success")
    return redirect(url_for("admin.chapter_list", campaign_id=campaign_id))
