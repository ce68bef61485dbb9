"""Invitations by email: a signed link that expires and works once.

The manager's invitation is emailed to the address invited, in the manager's language,
signed by the organization. Its link opens a page where a new account chooses its
password and joins, and an existing account accepts or declines. The token signs the
invitation's id and a fingerprint of the invitation (who, where, which role, when it was
made): answering deletes the invitation, and withdrawing it or inviting again voids the
link. Nothing is stored beside the invitation itself.
"""

from __future__ import annotations

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from campaigns import mail
from campaigns.admin import members
from campaigns.admin.auth import set_password
from campaigns.admin.forms import ROLE_NAMES
from campaigns.audit import record
from campaigns.extensions import db
from campaigns.models import Membership, Organization, User
from campaigns.models.user import Invitation
from campaigns.timeutil import as_utc
from campaigns.urls import absolute

#: How long an invitation's link works (``INVITATION_LINK_MAX_AGE`` overrides it).
INVITATION_MAX_AGE_SECONDS = 7 * 24 * 60 * 60
_SALT = "admin.invitation"


def max_age() -> int:
    return int(current_app.config.get("INVITATION_LINK_MAX_AGE", INVITATION_MAX_AGE_SECONDS))


def invite(
    organization: Organization,
    email: str,
    role: str,
    name: str | None,
    invited_by: User | None,
    locale: str,
) -> Invitation:
    """Invite ``email`` and email it the link, in ``locale``. Only flushes.

    The manager learns nothing about the address: whether an account was opened for it or
    not, the invitation, its audit entry and its email are the same.
    """
    invitation = members.add_member(organization, email, role, name, invited_by)
    prefix = "" if locale == "en" else "/" + locale
    mail.queue(
        "staff_invitation",
        to=invitation.user.email,
        locale=locale,
        organization=organization,
        context={
            "link": absolute(f"{prefix}/admin/join/{make_token(invitation)}"),
            "days": max_age() // (24 * 60 * 60),
            "role_name": ROLE_NAMES[invitation.role],
            "inviter": invited_by,
        },
    )
    return invitation


def make_token(invitation: Invitation) -> str:
    return _serializer().dumps({"i": invitation.id, "f": _fingerprint(invitation)})


def invitation_for(token: str, max_age_seconds: int | None = None) -> Invitation | None:
    """The invitation a valid, unexpired, unanswered link names; ``None`` otherwise."""
    age = max_age() if max_age_seconds is None else max_age_seconds
    try:
        data = _serializer().loads(token, max_age=age)
    except (SignatureExpired, BadSignature):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("i"), int):
        return None
    invitation = db.session.get(Invitation, data["i"])
    if invitation is None or data.get("f") != _fingerprint(invitation):
        return None
    if not invitation.user.active:
        return None
    return invitation


def needs_password(invitation: Invitation) -> bool:
    """Whether the account was opened by an invitation and has no password of its own yet."""
    return invitation.user.must_change_password


def join(invitation: Invitation, password: str | None) -> Membership | None:
    """Accept through the link; a new account sets its password first. Only flushes."""
    user = invitation.user
    if needs_password(invitation):
        if not password:
            raise ValueError("a new account needs its password")
        set_password(user, password)
        record("user.password_set", user, user=user)
    return members.accept_invitation(user, invitation)


def decline(invitation: Invitation) -> None:
    members.decline_invitation(invitation.user, invitation)


def _fingerprint(invitation: Invitation) -> str:
    # To the microsecond: SQLite may give a withdrawn invitation's id to the next one, made
    # for the same person and role within the same second.
    made = as_utc(invitation.created_at).isoformat() if invitation.created_at else "-"
    state = (
        f"{invitation.id}:{invitation.user_id}:{invitation.organization_id}:"
        f"{invitation.role.value}:{made}"
    )
    return hashlib.sha256(state.encode()).hexdigest()[:32]


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=_SALT)
