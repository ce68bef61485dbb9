"""The console's button that sends a donor's yearly statement again (managers only)."""

from __future__ import annotations

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _

from campaigns.admin import access, bp
from campaigns.admin.access import Ability
from campaigns.models.base import utcnow
from campaigns.receipts.statements import queue_statement


@bp.post("/donations/<int:donation_id>/statement")
@access.require(Ability.MONEY)
def donation_statement(donation_id: int):
    """Send this donor the statement of a year's gifts to the donation's organization."""
    donation = access.donation_or_404(donation_id)
    back = redirect(url_for("admin.donation_detail", donation_id=donation_id))
    year = request.form.get("year", type=int)
    if year is None or not 2000 <= year <= utcnow().year:
        abort(400)
    if not donation.donor_email:
        flash(_("This donation has no email address to send a statement to."), "error")
    elif queue_statement(donation.campaign.organization, donation.donor_email, year, again=True):
        flash(_("The statement for %(year)s is on its way to the donor.", year=year), "success")
    else:
        flash(_("This donor made no counted gift to the organization in %(year)s.", year=year),
              "error")  # fmt: skip
    return back
