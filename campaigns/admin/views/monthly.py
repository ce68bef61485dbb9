"""Stopping a donor's monthly gift from the console (managers; audited)."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from campaigns.admin import access, bp
from campaigns.admin.access import Ability
from campaigns.monthly import services
from campaigns.payments.gateways import GatewayError


@bp.post("/donations/<int:donation_id>/stop-monthly")
@access.require(Ability.MONEY)
def donation_stop_monthly(donation_id: int):
    """Cancel the subscription at the gateway; the donor is told by email."""
    donation = access.donation_or_404(donation_id)
    back = redirect(url_for("admin.donation_detail", donation_id=donation_id), 303)
    try:
        stopped = services.stop(donation, staff=current_user)
    except services.MonthlyRefusal:
        flash(_("This monthly gift is not running, so there is nothing to stop."), "error")
        return back
    except GatewayError:
        flash(_("The payment provider did not answer; nothing was changed."), "error")
        # A redirect (< 400) would commit: nothing was written before the gateway failed.
        return back
    if stopped:
        flash(_("The monthly gift is stopped; the donor was told by email."), "success")
    else:
        flash(_("This monthly gift was already stopped."), "info")
    return back
