"""Storing and ending a donor's consent to a campaign's news."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from campaigns.extensions import db
from campaigns.models import Campaign, NewsSubscription
from campaigns.timeutil import utcnow


def subscribe(campaign: Campaign, email: str, locale: str) -> NewsSubscription:
    """Record that ``email`` asked for ``campaign``'s news, in ``locale``.

    Called when the donation is opened, in its transaction: the consent is the donor's
    answer on the form, and it is kept even if this payment fails, but nothing is mailed
    to an address until one of its gifts to the campaign goes through. Asking again (a
    second gift) renews a consent withdrawn before and takes the newer language.
    """
    email = email.strip().lower()
    found = _find(campaign, email)
    if found is None:
        found = NewsSubscription(
            campaign_id=campaign.id, email=email, locale=locale, token=secrets.token_urlsafe(32)
        )
        try:
            with db.session.begin_nested():
                db.session.add(found)
        except IntegrityError:  # the same address subscribed in a concurrent gift
            concurrent = _find(campaign, email)
            assert concurrent is not None, "the unique row that refused ours must exist"
            found = concurrent
    found.locale = locale
    found.unsubscribed_at = None
    db.session.flush()
    return found


def _find(campaign: Campaign, email: str) -> NewsSubscription | None:
    return db.session.scalar(
        select(NewsSubscription).where(
            NewsSubscription.campaign_id == campaign.id, NewsSubscription.email == email
        )
    )


def by_token(token: str) -> NewsSubscription | None:
    if not token or len(token) > 64:
        return None
    return db.session.scalar(select(NewsSubscription).where(NewsSubscription.token == token))


def unsubscribe(subscription: NewsSubscription) -> None:
    """End the consent; doing it twice keeps the first moment."""
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = utcnow()
        db.session.flush()
