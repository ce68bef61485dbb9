"""The signed link to a monthly gift's page: it is the donor's only key, so it names the
gift, cannot be altered, and expires (each receipt carries a fresh one)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from campaigns.extensions import db
from campaigns.i18n import LANGUAGES
from campaigns.models import Donation, Frequency
from campaigns.urls import absolute

SALT = "monthly-gift-management"
#: How long a link works, in seconds: a little over a year, so last year's receipt still
#: opens the page while this month's carries a newer link.
DEFAULT_MAX_AGE = 400 * 24 * 3600


class LinkRefused(ValueError):
    """The link was altered, has expired, or names no monthly gift."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def subscription_gift(donation: Donation) -> Donation:
    """The gift that started the subscription (a renewal's receipt links to it)."""
    return donation.parent if donation.parent is not None else donation


def make_token(donation: Donation) -> str:
    gift = subscription_gift(donation)
    return _serializer().dumps({"d": gift.id, "r": gift.reference})


def manage_url(donation: Donation) -> str:
    """The full address of the gift's page, in the donor's language."""
    gift = subscription_gift(donation)
    locale = gift.locale if gift.locale in LANGUAGES else None
    adapter = current_app.url_map.bind("", script_name=f"/{locale}" if locale else "/")
    return absolute(adapter.build("monthly.manage", {"token": make_token(gift)}))


def read_token(token: str) -> Donation:
    """The monthly gift a link names; raises :class:`LinkRefused` for any other link."""
    max_age = current_app.config.get("MONTHLY_LINK_MAX_AGE", DEFAULT_MAX_AGE)
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkRefused("expired") from None
    except BadSignature:
        raise LinkRefused("tampered") from None
    if not isinstance(data, dict) or not isinstance(data.get("d"), int):
        raise LinkRefused("tampered")
    donation = db.session.scalar(
        sa.select(Donation).where(Donation.id == data["d"], Donation.reference == data.get("r"))
    )
    if donation is None or donation.frequency != Frequency.MONTHLY:
        raise LinkRefused("unknown")
    return donation
