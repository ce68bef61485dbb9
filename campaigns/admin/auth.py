"""Signing in: password checks, and slowing down anyone who keeps guessing.

Failed attempts are rows in ``login_attempts`` rather than counters in one process's
memory, so that the limit holds across every worker and host sharing the database.
"""

from __future__ import annotations

import functools
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select

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
#: Attempts older than this are deleted when new ones are recorded.
KEEP_ATTEMPTS = timedelta(days=30)

MIN_PASSWORD_LENGTH = 10


login_manager.login_view = "admin.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"
#: The message is flashed into the session, which stores plain text.
login_manager.localize_callback = str


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        return db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None


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


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


def _retry_after(failures: list[datetime], limit: int, now: datetime) -> timedelta | None:
    """When the ``limit``-th most recent failure leaves the window, or None if under it."""
    if len(failures) < limit:
        return None
    oldest_counted = sorted((as_utc(f) for f in failures), reverse=True)[limit - 1]
    return max(oldest_counted + WINDOW - now, timedelta(seconds=1))


def check_throttle(email: str, address: str, now: datetime | None = None) -> None:
    """Raise :class:`Throttled` when the account or the address failed too often lately."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    now = now or datetime.now(UTC)
    since = now - WINDOW
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(True)
        )
    )
    if last_success is not None:
        since = max(since, as_utc(last_success))
    account_failures = list(
        db.session.scalars(
            select(LoginAttempt.at).where(
                LoginAttempt.email == email,
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.at > since,
            )
        )
    )
    address_failures = list(
        db.session.scalars(
            select(LoginAttempt.at).where(
                LoginAttempt.address == address,
                LoginAttempt.succeeded.is_(False),
                LoginAttempt.at > now - WINDOW,
            )
        )
    )
    waits = [
        _retry_after(account_failures, MAX_FAILURES_PER_ACCOUNT, now),
        _retry_after(address_failures, MAX_FAILURES_PER_ADDRESS, now),
    ]
    waits = [w for w in waits if w is not None]
    if waits:
        raise Throttled(max(waits))


def _note_attempt(email: str, address: str, succeeded: bool, now: datetime) -> None:
    db.session.add(
        LoginAttempt(email=email[:254], address=address[:64], succeeded=succeeded, at=now)
    )
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - KEEP_ATTEMPTS))


def authenticate(email: str, password: str, address: str) -> User | None:
    """The user with this email and password, or None; every attempt is recorded.

    Raises :class:`Throttled` before checking anything when the limit is reached. A
    missing account costs the same time as a wrong password, so the answer does not tell
    which emails exist.
    """
    email = normalize_email(email)
    address = address or "unknown"
    now = datetime.now(UTC)
    check_throttle(email, address, now)
    user = db.session.scalars(select(User).where(User.email == email)).first()
    if user is None:
        verify_password(_dummy_hash(), password or "")
        ok = False
    else:
        ok = verify_password(user.password_hash, password or "") and user.active
    _note_attempt(email, address, ok, now)
    if not ok:
        return None
    user.last_login_at = now
    record("user.sign_in", user, {"address": address}, user=user)
    db.session.flush()
    return user


def set_password(user: User, password: str) -> None:
    user.password_hash = hash_password(password)
    db.session.flush()


def sign_out(user: User) -> None:
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
    if created:
        user = User(email=email)
        db.session.add(user)
    user.password_hash = hash_password(password)
    user.is_platform_admin = True
    user.active = True
    db.session.flush()
    record("user.create_admin" if created else "user.reset_admin", user, {"email": email})
    return user, created


def temporary_password() -> str:
    """A password to hand over once and change at first sign-in."""
    return secrets.token_urlsafe(12)
