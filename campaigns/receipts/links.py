"""Signed links to a printable receipt: no account needed, and nothing to guess.

The token signs the receipt's id with the app's ``SECRET_KEY`` under a salt of its own, so
it opens no other signed page. It lasts ``RECEIPT_LINK_MAX_AGE`` seconds (two years unless
set): long enough for the next tax return, not forever.
"""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from campaigns.extensions import db
from campaigns.models import Receipt
from campaigns.urls import absolute

SALT = "receipt-link"
#: Two years, in seconds.
DEFAULT_MAX_AGE = 2 * 366 * 24 * 3600


class LinkExpired(Exception):
    """The link was genuine but is too old."""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def max_age() -> int:
    return int(current_app.config.get("RECEIPT_LINK_MAX_AGE") or DEFAULT_MAX_AGE)


def token_for(receipt: Receipt) -> str:
    return _serializer().dumps(receipt.id)


def receipt_url(receipt: Receipt, locale: str) -> str:
    """The receipt's page on the public address, in the donor's language."""
    # Built by hand, not by ``url_for``: a webhook or a job has no page whose language to keep.
    prefix = "" if locale == "en" else f"/{locale}"
    return absolute(f"{prefix}/receipts/{token_for(receipt)}")


def receipt_for_token(token: str) -> Receipt | None:
    """The receipt a genuine token names; ``None`` for a forged or damaged one.

    Raises :class:`LinkExpired` for a genuine token past its age.
    """
    try:
        receipt_id = _serializer().loads(token, max_age=max_age())
    except SignatureExpired:
        raise LinkExpired() from None
    except BadSignature:
        return None
    if not isinstance(receipt_id, int):
        return None
    return db.session.get(Receipt, receipt_id)
