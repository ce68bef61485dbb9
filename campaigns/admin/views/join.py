"""The page behind an invitation's emailed link: a new account chooses its password and
joins; an existing account accepts or declines. The link works once and expires."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from campaigns.admin import bp, invitation_links
from campaigns.admin.forms import ROLE_NAMES, ButtonForm, ResetPasswordForm
from campaigns.i18n import localized

#: The link is the invitee's key: never cached, never sent on to another site.
_PRIVATE = {"Referrer-Policy": "no-referrer", "Cache-Control": "no-store"}


def _page(token: str, invitation, form, status: int = 200):
    page = render_template(
        "admin/join.html",
        token=token,
        invitation=invitation,
        new=invitation is not None and invitation_links.needs_password(invitation),
        form=form,
        button=ButtonForm(formdata=None),
        role_names=ROLE_NAMES,
    )
    return page, status, _PRIVATE


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    """Accept the invitation the link names (choosing a password first if new here)."""
    invitation = invitation_links.invitation_for(token)
    if invitation is None:
        return _page(token, None, None, 404)
    new = invitation_links.needs_password(invitation)
    form = ResetPasswordForm() if new else ButtonForm()
    if not form.validate_on_submit():
        return _page(token, invitation, form, 422 if form.is_submitted() else 200)
    name = str(localized(invitation.organization, "name"))
    invitation_links.join(invitation, form.new_password.data if new else None)
    flash(_("You joined %(name)s.", name=name), "success")
    if new:
        flash(_("Your password is set. Sign in with it."), "info")
    return redirect(url_for("admin.login"), 303)


@bp.post("/join/<token>/decline")
def join_decline(token: str):
    """Say no to the invitation the link names; the link is then used up."""
    invitation = invitation_links.invitation_for(token)
    if invitation is None:
        return _page(token, None, None, 404)
    if not ButtonForm().validate_on_submit():
        abort(400)
    name = str(localized(invitation.organization, "name"))
    invitation_links.decline(invitation)
    flash(_("You declined the invitation of %(name)s.", name=name), "success")
    return redirect(url_for("admin.login"), 303)
