"""The public account of a campaign: where the money came from and where it went."""

from __future__ import annotations

from flask import render_template

from campaigns.catalog import visibility
from campaigns.public import account, bp


@bp.get("/campaigns/<slug>/account")
def campaign_account(slug: str):
    """Money in by month, refunds and disputes, and the spending reports; public campaigns only."""
    campaign = visibility.public_campaign_or_404(slug)
    return render_template(
        "public/account.html", campaign=campaign, account=account.campaign_account(campaign)
    )
