"""The unsubscribe link of every news email: a page with a button (GET), and the one
click a mail client posts (POST, RFC 8058)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template

from campaigns.extensions import csrf, db
from campaigns.models import Campaign
from campaigns.news import subscriptions

bp = Blueprint("news", __name__)


@bp.get("/news/unsubscribe/<token>")
def unsubscribe_page(token: str):
    subscription = _subscription_or_404(token)
    return _page(subscription)


@bp.post("/news/unsubscribe/<token>")
@csrf.exempt  # mail clients post it without a form of ours; the secret token is the check
def unsubscribe(token: str):
    subscription = _subscription_or_404(token)
    subscriptions.unsubscribe(subscription)
    return _page(subscription)


def _subscription_or_404(token: str):
    subscription = subscriptions.by_token(token)
    if subscription is None:
        abort(404)
    return subscription


def _page(subscription):
    campaign = db.session.get(Campaign, subscription.campaign_id)
    body = render_template("news/unsubscribe.html", subscription=subscription, campaign=campaign)
    # The token is in the address: keep it out of caches and of the Referer of later pages.
    return body, 200, {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
