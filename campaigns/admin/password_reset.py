"""Password reset by email: a signed link that expires and works once.

The token signs the account's id and a fingerprint of its password hash and session
version: setting the new password changes both, so the link cannot be used twice, and a
sign-out everywhere voids links sent before. Nothing is stored. Asking gives the same
answer whether the address belongs to an account or not.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from campaigns import mail
from campaigns.admin.auth import normalize_email, set_password
from campaigns.audit import record
from campaigns.extensions import db
from campaigns.models import User
from campaigns.urls import absolute

#: How long a reset link works.
RESET_MAX_AGE_SECONDS = 60 * 60
_SALT = "admin.password-reset"


def request_reset(email: str, locale: str) -> None:
    """Email a reset link to the account with this address, if there is one. Only flushes."""
    user = db.session.scalar(select(User).where(User.email == normalize_email(email or "")))
    if user is None or not user.active:
        return
    prefix = "" if locale == "en" else "/" + locale
    link = absolute(f"{prefix}/admin/password/reset/{make_token(user)}")
    mail.queue(
        "password_reset",
        to=user.email,
        locale=locale,
        context={"link": link, "minutes": RESET_MAX_AGE_SECONDS // 60},
    )
    record("user.password_reset_requested", user, user=user)


def make_token(user: User) -> str:
    return _serializer().dumps({"user": user.id, "state": _fingerprint(user)})


def user_for(token: str, max_age: int = RESET_MAX_AGE_SECONDS) -> User | None:
    """The account a valid, unexpired, unused token names; ``None`` otherwise."""
    try:
        data = _serializer().loads(token, max_age=max_age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("user"), int):
        return None
    user = db.session.get(User, data["user"])
    if user is None or not user.active or data.get("state") != _fingerprint(user):
        return None
    return user


def reset_password(user: User, password: str) -> None:
    """Set the new password; every session and every earlier link ends with the old one."""
    set_password(user, password)
    record("user.password_reset", user, user=user)
    db.session.flush()


def _fingerprint(user: User) -> str:
    state = f"{user.password_hash}:{user.session_version or 0}".encode()
    return hashlib.sha256(state).hexdigest()[:32]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)
