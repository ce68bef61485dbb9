"""Hiding or showing a donor's message and name from the donation's page (managers)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from campaigns.admin import access, bp, moderation
from campaigns.admin.access import Ability
from campaigns.admin.forms import ButtonForm


def _done_message(part: str, hidden: bool) -> str:
    if part == "message":
        if hidden:
            return _("The message no longer shows on the campaign page.")
        return _("The message shows on the campaign page again.")
    if hidden:
        return _("The gift now shows as anonymous on the campaign page.")
    return _("The donor's name shows on the campaign page again.")


@bp.post("/donations/<int:donation_id>/public/<part>")
@access.require(Ability.MONEY)
def donation_public(donation_id: int, part: str):
    """Take the donor's message or name off the public page, or put it back."""
    donation = access.donation_or_404(donation_id)
    if part not in moderation.HIDEABLE:
        abort(404)
    if not ButtonForm().validate_on_submit() or request.form.get("hidden") not in ("0", "1"):
        abort(400)
    hidden = request.form["hidden"] == "1"
    moderation.set_hidden(donation, part, hidden)
    flash(_done_message(part, hidden), "success")
    return redirect(url_for("admin.donation_detail", donation_id=donation_id))
