"""Signing in: password checks, sessions that end, and slowing down anyone who keeps guessing.

Failed attempts are rows in ``login_attempts`` rather than counters in one process's
memory, so that the limit holds across every worker and host sharing the database.

Every session carries the account's ``session_version`` and is refused once the version
moved on: signing out, a new password or "sign out everywhere" ends every copy of a
session cookie, wherever it was copied to.

Failures slow down the attacker, not the owner (OWASP's device cookies): a browser that
signed in to an account before holds a signed cookie naming the account, and the lockout
that failures from unknown browsers cause does not apply to it. Failures made with that
cookie count against its own small budget; once spent, the cookie is no longer trusted.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app, session
from flask_babel import lazy_gettext as _l
from flask_login import login_user
from itsdangerous import BadData, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from werkzeug.wrappers import Response

from campaigns.audit import record
from campaigns.extensions import db, login_manager
from campaigns.models import LoginAttempt, User
from campaigns.security import hash_password, verify_password
from campaigns.timeutil import as_utc

#: Failures counted over this window ...
WINDOW = timedelta(minutes=15)
#: ... for one account (since its last successful sign-in) ...
MAX_FAILURES_PER_ACCOUNT = 5
#: ... and from one address, whichever account it tries (an office may share one address).
MAX_FAILURES_PER_ADDRESS = 20
#: Failures a trusted browser may make in the window before its device cookie is refused.
MAX_FAILURES_PER_DEVICE = 5
#: Attempts older than this are deleted when new ones are recorded.
KEEP_ATTEMPTS = timedelta(days=30)

#: The signed cookie of a browser that signed in to an account before.
DEVICE_COOKIE = "admin_device"
DEVICE_LIFETIME = timedelta(days=180)
#: Where a session keeps the ``session_version`` it was issued under.
SESSION_VERSION_KEY = "_session_version"

MIN_PASSWORD_LENGTH = 10


login_manager.login_view = "admin.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"
#: The message is flashed into the session, which stores plain text.
login_manager.localize_callback = str


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The session's user, unless the session was issued under an older session version."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    if user is None or session.get(SESSION_VERSION_KEY) != user.session_version:
        return None
    return user


def start_session(user: User) -> None:
    """A new session for ``user``: nothing from before signing in is carried over."""
    session.clear()
    login_user(user)
    session[SESSION_VERSION_KEY] = user.session_version


def end_sessions(user: User) -> None:
    """Refuse every session issued to ``user`` so far, copies included."""
    user.session_version = (user.session_version or 0) + 1
    db.session.flush()


def keep_this_session(user: User) -> None:
    """Carry the current session over to ``user``'s new session version."""
    session[SESSION_VERSION_KEY] = user.session_version


def end_other_sessions(user: User) -> None:
    """Sign out everywhere else: every other session ends, this one goes on."""
    end_sessions(user)
    keep_this_session(user)
    record("user.sign_out_everywhere", user, user=user)


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the account does not exist, so both answers take as long."""
    return hash_password(secrets.token_hex(16))


class Throttled(Exception):
    """Too many recent failures: the attempt is refused without looking at the password."""

    def __init__(self, retry_after: timedelta):
        super().__init__("throttled")
        self.retry_after = retry_after

    @property
    def minutes(self) -> int:
        return max(1, -(-int(self.retry_after.total_seconds()) // 60))


@dataclass(frozen=True)
class SignInResult:
    user: User | None


def normalize_email(email: str | None) -> str:
    return (email or "").strip().lower()


def _retry_after(failures: list[datetime], limit: int, now: datetime) -> timedelta | None:
    """When the ``limit``-th most recent failure leaves the window, or None if under it."""
    if len(failures) < limit:
        return None
    oldest_counted = sorted((as_utc(f) for f in failures), reverse=True)[limit - 1]
    return max(oldest_counted + WINDOW - now, timedelta(seconds=1))


def _device_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="admin-device")


def trusted_device(cookie: str | None, user: User | None) -> str | None:
    """The nonce of ``cookie`` when it is a device cookie this site signed for ``user``.

    A tampered, expired or malformed cookie, or one for another account, is no cookie.
    """
    if not cookie or user is None:
        return None
    try:
        payload = _device_serializer().loads(cookie, max_age=int(DEVICE_LIFETIME.total_seconds()))
    except BadData:
        return None
    if not isinstance(payload, dict) or payload.get("user") != user.id:
        return None
    nonce = payload.get("nonce")
    return nonce if isinstance(nonce, str) and len(nonce) == 32 else None


def remember_device(response: Response, user: User) -> None:
    """Give the browser that just signed in a fresh device cookie for ``user``."""
    cookie = _device_serializer().dumps({"user": user.id, "nonce": secrets.token_hex(16)})
    response.set_cookie(
        DEVICE_COOKIE,
        cookie,
        max_age=int(DEVICE_LIFETIME.total_seconds()),
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Strict",
    )


def _failures(*conditions) -> list[datetime]:
    query = select(LoginAttempt.at).where(LoginAttempt.succeeded.is_(False), *conditions)
    return list(db.session.scalars(query))


def _last_success(*conditions) -> datetime | None:
    query = select(func.max(LoginAttempt.at)).where(LoginAttempt.succeeded.is_(True), *conditions)
    found = db.session.scalar(query)
    return as_utc(found) if found is not None else None


def device_spent(device: str, now: datetime) -> bool:
    """Whether the browser holding this device cookie used up its failures lately."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return False
    since = max(filter(None, (now - WINDOW, _last_success(LoginAttempt.device == device))))
    failures = _failures(LoginAttempt.device == device, LoginAttempt.at > since)
    return len(failures) >= MAX_FAILURES_PER_DEVICE


def check_throttle(email: str, address: str, now: datetime | None = None) -> None:
    """Raise :class:`Throttled` when unknown browsers failed too often lately, for this
    account or from this address. Trusted browsers are not asked (their failures are
    counted apart, by :func:`device_spent`)."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    now = now or datetime.now(UTC)
    unknown = LoginAttempt.device.is_(None)
    # Only a sign-in from an unknown browser forgives unknown browsers' failures: the
    # owner signing in on their own device must not hand an attacker fresh guesses.
    last_success = _last_success(LoginAttempt.email == email, unknown)
    since = max(filter(None, (now - WINDOW, last_success)))
    account_failures = _failures(LoginAttempt.email == email, unknown, LoginAttempt.at > since)
    address_failures = _failures(
        LoginAttempt.address == address, unknown, LoginAttempt.at > now - WINDOW
    )
    waits = [
        _retry_after(account_failures, MAX_FAILURES_PER_ACCOUNT, now),
        _retry_after(address_failures, MAX_FAILURES_PER_ADDRESS, now),
    ]
    due = [w for w in waits if w is not None]
    if due:
        raise Throttled(max(due))


def _note_attempt(
    email: str, address: str, succeeded: bool, now: datetime, device: str | None
) -> None:
    db.session.add(
        LoginAttempt(
            email=email[:254], address=address[:64], succeeded=succeeded, at=now, device=device
        )
    )
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEEP_ATTEMPTS))


def authenticate(
    email: str | None, password: str | None, address: str, device_cookie: str | None = None
) -> User | None:
    """The user with this email and password, or None; every attempt is recorded.

    Raises :class:`Throttled` before checking anything when the limit is reached: for a
    browser with a valid device cookie for this account, its own budget; for any other,
    the account's and the address's. A missing account costs the same time as a wrong
    password, so the answer does not tell which emails exist.

    A failed attempt is answered with a page of status 200 (not an error status), so
    that the request's commit keeps its row.
    """
    email = normalize_email(email)
    address = address or "unknown"
    now = datetime.now(UTC)
    user = db.session.scalars(select(User).where(User.email == email)).first()
    device = trusted_device(device_cookie, user)
    if device is not None and device_spent(device, now):
        device = None
    if device is None:
        check_throttle(email, address, now)
    if user is None:
        verify_password(_dummy_hash(), password or "")
        ok = False
    else:
        ok = verify_password(user.password_hash, password or "") and user.active
    _note_attempt(email, address, ok, now, device)
    if user is None or not ok:
        return None
    user.last_login_at = now
    record("user.sign_in", user, {"address": address}, user=user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    """A new password, chosen by its owner: every session signed in before ends."""
    user.password_hash = hash_password(password)
    user.must_change_password = False
    end_sessions(user)


def sign_out(user: User) -> None:
    """End the session, and with it every copy of its cookie.

    One version per account cannot tell this browser's session from the account's other
    ones, so they end too: a sign-out is also the owner's way to be sure.
    """
    end_sessions(user)
    record("user.sign_out", user, user=user)
    db.session.flush()


class AccountError(ValueError):
    """An email or password the console refuses; the message says why."""


def checked_email(email: str) -> str:
    """The address, normalised, or :class:`AccountError` when it is not one."""
    from email_validator import EmailNotValidError, validate_email

    try:
        result = validate_email(email or "", check_deliverability=False)
    except EmailNotValidError as exc:
        raise AccountError(str(exc)) from None
    return normalize_email(result.normalized)


def check_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise AccountError(f"The password must have at least {MIN_PASSWORD_LENGTH} characters.")


def create_platform_admin(email: str, password: str) -> tuple[User, bool]:
    """Create a platform admin, or make an existing account one and reset its password.

    Returns the user and whether it was created. Used by ``flask create-admin``.
    """
    email = checked_email(email)
    check_password(password)
    user = db.session.scalars(select(User).where(User.email == email)).first()
    created = user is None
    if user is None:
        user = User(email=email)
        db.session.add(user)
    user.password_hash = hash_password(password)
    user.is_platform_admin = True
    user.active = True
    if not created:
        end_sessions(user)
    db.session.flush()
    record("user.create_admin" if created else "user.reset_admin", user, {"email": email})
    return user, created
