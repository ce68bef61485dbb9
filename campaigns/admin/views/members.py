"""Organizations: their profiles (editors and up), their members (managers), and new
organizations (platform admins)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from campaigns.admin import access, bp, invitation_links, members, organizations
from campaigns.admin.access import Ability
from campaigns.admin.forms import (
    ORGANIZATION_BILINGUAL,
    ROLE_NAMES,
    ButtonForm,
    LogoForm,
    MemberAddForm,
    MemberRoleForm,
    OrganizationForm,
)
from campaigns.admin.views.support import attempt, wants_preview
from campaigns.i18n import current_language, localized
from campaigns.models import Organization


@bp.get("/organizations/")
@access.require(Ability.CONTENT)
def organization_list():
    """The organizations the user works for."""
    return render_template(
        "admin/organizations.html", organizations=access.organizations(Ability.CONTENT)
    )


def _organization_page(organization: Organization | None):
    data = None
    if organization is not None and request.method == "GET":
        data = {name: getattr(organization, name) for name in organizations.TEXT_FIELDS}
        data.update(slug=organization.slug, founded_on=organizations.founded_text(organization))
    form = OrganizationForm(data=data)
    errors: list[str] = []
    preview = request.method == "POST" and wants_preview()
    if preview:
        form.validate()
    elif form.validate_on_submit():
        saved = attempt(form, organizations.save_organization, organization, form.data)
        if not saved.refused:
            flash(_("The organization was saved."), "success")
            return redirect(url_for("admin.organization_edit", organization_id=saved.value.id))
        errors = saved.errors
    status = 422 if request.method == "POST" and not preview else 200
    page = render_template(
        "admin/organization_form.html",
        organization=organization,
        form=form,
        logo_form=LogoForm(formdata=None),
        errors=errors,
        preview=preview,
        bilingual_fields=ORGANIZATION_BILINGUAL,
    )
    return page, status


@bp.route("/organizations/new", methods=["GET", "POST"])
@access.platform_admin_required
def organization_new():
    """Add an organization to the platform (platform admins only)."""
    return _organization_page(None)


@bp.route("/organizations/<int:organization_id>/edit", methods=["GET", "POST"])
@access.require(Ability.CONTENT)
def organization_edit(organization_id: int):
    """The organization's public profile, in English and Arabic."""
    return _organization_page(access.organization_or_404(organization_id, Ability.CONTENT))


@bp.post("/organizations/<int:organization_id>/logo")
@access.require(Ability.CONTENT)
def organization_logo(organization_id: int):
    organization = access.organization_or_404(organization_id, Ability.CONTENT)
    form = LogoForm()
    if form.validate_on_submit():
        if not attempt(None, organizations.set_logo, organization, form.image.data.stream).refused:
            flash(_("The logo was saved."), "success")
    else:
        flash(_("Choose an image file to upload."), "error")
    return redirect(url_for("admin.organization_edit", organization_id=organization_id))


@bp.route("/organizations/<int:organization_id>/members", methods=["GET", "POST"])
@access.require(Ability.MONEY)
def member_list(organization_id: int):
    """Members, their roles and open invitations; the form emails an invitation, with the
    same answer whether or not the address has an account."""
    organization = access.organization_or_404(organization_id, Ability.MONEY)
    form = MemberAddForm()
    errors: list[str] = []
    invited = None
    if form.validate_on_submit():
        outcome = attempt(
            form,
            invitation_links.invite,
            organization,
            form.email.data,
            form.role.data,
            form.name.data,
            current_user,
            current_language(),
        )
        errors = outcome.errors
        if not outcome.refused:
            invited = outcome.value
            form = MemberAddForm(formdata=None)
    status = 422 if request.method == "POST" and (form.errors or errors) else 200
    return _members_page(organization, form, errors, invited), status


def _members_page(organization, form, errors, invited):
    return render_template(
        "admin/members.html",
        organization=organization,
        members=members.members(organization),
        invitations=members.invitations(organization),
        form=form,
        errors=errors,
        invited=invited,
        invitation_days=invitation_links.max_age() // (24 * 60 * 60),
        button=ButtonForm(),
        role_names=ROLE_NAMES,
    )


@bp.post("/organizations/<int:organization_id>/invitations/<int:invitation_id>/withdraw")
@access.require(Ability.MONEY)
def invitation_withdraw(organization_id: int, invitation_id: int):
    """Take back an invitation nobody answered yet."""
    organization = access.organization_or_404(organization_id, Ability.MONEY)
    try:
        invitation = members.invitation_of_organization(organization, invitation_id)
    except LookupError:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    members.withdraw_invitation(organization, invitation)
    flash(_("The invitation was withdrawn."), "success")
    return redirect(url_for("admin.member_list", organization_id=organization_id))


@bp.context_processor
def invitation_count():
    """How many invitations wait for the signed-in account, for the console's menu."""
    if not current_user.is_authenticated:
        return {"admin_invitation_count": 0}
    return {"admin_invitation_count": len(members.invitations_for(current_user))}


@bp.get("/invitations/")
@login_required
def invitation_list():
    """The organizations that invited the signed-in account, to accept or decline."""
    return render_template(
        "admin/invitations.html",
        invitations=members.invitations_for(current_user),
        button=ButtonForm(),
        role_names=ROLE_NAMES,
    )


@bp.post("/invitations/<int:invitation_id>/<any(accept, decline):answer>")
@login_required
def invitation_answer(invitation_id: int, answer: str):
    """Join an organization that invited this account, or say no."""
    try:
        invitation = members.invitation_for(current_user, invitation_id)
    except LookupError:
        abort(404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = str(localized(invitation.organization, "name"))
    if answer == "accept":
        members.accept_invitation(current_user, invitation)
        message = _("You joined %(name)s.", name=name)
    else:
        members.decline_invitation(current_user, invitation)
        message = _("You declined the invitation of %(name)s.", name=name)
    flash(message, "success")
    return redirect(url_for("admin.invitation_list"))


@bp.post("/organizations/<int:organization_id>/members/<int:membership_id>/role")
@access.require(Ability.MONEY)
def member_role(organization_id: int, membership_id: int):
    organization = access.organization_or_404(organization_id, Ability.MONEY)
    membership = access.membership_or_404(organization, membership_id)
    form = MemberRoleForm()
    if not form.validate_on_submit():
        abort(400)
    if not attempt(None, members.change_role, organization, membership, form.role.data).refused:
        flash(_("The role was changed."), "success")
    return redirect(url_for("admin.member_list", organization_id=organization_id))


@bp.post("/organizations/<int:organization_id>/members/<int:membership_id>/remove")
@access.require(Ability.MONEY)
def member_remove(organization_id: int, membership_id: int):
    organization = access.organization_or_404(organization_id, Ability.MONEY)
    membership = access.membership_or_404(organization, membership_id)
    if not ButtonForm().validate_on_submit():
        abort(400)
    if not attempt(None, members.remove_member, organization, membership).refused:
        flash(_("The member was removed."), "success")
    return redirect(url_for("admin.member_list", organization_id=organization_id))
