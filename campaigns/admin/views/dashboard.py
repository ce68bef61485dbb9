"""The first page after signing in: each campaign's figures, and the latest gifts."""

from __future__ import annotations

from flask import render_template
from flask_login import login_required

from campaigns.admin import access, bp
from campaigns.admin import dashboard as figures
from campaigns.admin.access import Ability
from campaigns.catalog.visibility import is_public
from campaigns.models import CampaignState


@bp.get("/")
@login_required
def dashboard():
    """Raised, goal, donors, average gift and gifts over time for each fundraising campaign,
    the ones still taking gifts first; completed-project records have no figures to follow."""
    campaigns = sorted(
        (
            c
            for c in access.campaigns(Ability.CONTENT)
            if c.state is not CampaignState.ARCHIVED
            and not (c.goal_minor is None and c.is_completed_project)
        ),
        key=lambda c: (c.state is not CampaignState.PUBLISHED, -c.raised_minor, c.id),
    )
    rows = figures.figures(campaigns)
    charts = {c.id: figures.gifts_over_time(c) for c in campaigns if is_public(c)}
    latest = figures.latest_donations() if access.can(Ability.MONEY) else []
    return render_template("admin/dashboard.html", rows=rows, charts=charts, latest=latest)
