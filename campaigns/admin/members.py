"""Who works for an organization in the console, and in which role.

Nobody joins an organization without saying yes: a manager invites an email, and the
account accepts or declines the invitation through the link emailed to it
(:mod:`campaigns.admin.invitation_links`) or in its own console. The manager's answer is
the same whether the account existed or not (the same page, the same email, the same
audit entry, about the same time), so the form cannot be used to find out who has an
account here.
"""

from __future__ import annotations

import secrets

from flask_babel import gettext as _
from sqlalchemy import func, select

from campaigns.admin.auth import normalize_email, set_password
from campaigns.audit import record
from campaigns.catalog import ContentError
from campaigns.extensions import db
from campaigns.models import Membership, Organization, Role, User
from campaigns.models.user import Invitation
from campaigns.security import hash_password, verify_password


def members(organization: Organization) -> list[Membership]:
    query = (
        select(Membership)
        .join(User)
        .where(Membership.organization_id == organization.id)
        .order_by(Membership.role, User.email)
    )
    return list(db.session.scalars(query))


def _managers_left(organization: Organization, without: Membership) -> int:
    count = db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.organization_id == organization.id,
            Membership.role == Role.MANAGER,
            Membership.id != without.id,
        )
    )
    return count or 0


def _role(role: str) -> Role:
    try:
        return Role(role)
    except ValueError:
        raise ContentError({"role": _("Choose a role.")}) from None


def add_member(
    organization: Organization,
    email: str,
    role: str,
    name: str | None = None,
    invited_by: User | None = None,
) -> Invitation:
    """Invite ``email`` to a role here, opening an account for it if there is none.

    A new account gets a random password that nobody knows and is marked as having no
    password of its own: its owner chooses one through the emailed link. Hashing that
    password for an existing account too keeps the two answers equally slow.
    """
    email = normalize_email(email)
    role = _role(role)
    user = db.session.scalars(select(User).where(User.email == email)).first()
    password_hash = hash_password(secrets.token_urlsafe(32))
    if user is None:
        user = User(
            email=email,
            name=(name or "").strip() or None,
            password_hash=password_hash,
            must_change_password=True,
        )
        db.session.add(user)
        db.session.flush()
        record("user.create", user, {"email": email})
    elif any(m.organization_id == organization.id for m in user.memberships):
        raise ContentError({"email": _("This person is already a member.")})
    elif _invitation(user, organization) is not None:
        raise ContentError({"email": _("This person is already invited.")})
    invitation = Invitation(
        user=user,
        organization_id=organization.id,
        role=role,
        invited_by_id=invited_by.id if invited_by is not None else None,
    )
    db.session.add(invitation)
    db.session.flush()
    record("member.invite", organization, {"email": email, "role": role.value})
    return invitation


def _invitation(user: User, organization: Organization) -> Invitation | None:
    query = select(Invitation).where(
        Invitation.user_id == user.id, Invitation.organization_id == organization.id
    )
    return db.session.scalars(query).first()


def invitations(organization: Organization) -> list[Invitation]:
    """The invitations this organization is waiting on."""
    query = (
        select(Invitation)
        .join(User, Invitation.user_id == User.id)
        .where(Invitation.organization_id == organization.id)
        .order_by(User.email)
    )
    return list(db.session.scalars(query))


def invitation_of_organization(organization: Organization, invitation_id: int) -> Invitation:
    found = db.session.get(Invitation, invitation_id)
    if found is None or found.organization_id != organization.id:
        raise LookupError(invitation_id)
    return found


def withdraw_invitation(organization: Organization, invitation: Invitation) -> None:
    record(
        "member.uninvite",
        organization,
        {"email": invitation.user.email, "role": invitation.role.value},
    )
    db.session.delete(invitation)
    db.session.flush()


def invitations_for(user: User) -> list[Invitation]:
    """The invitations waiting for ``user``'s answer, newest first."""
    query = (
        select(Invitation)
        .where(Invitation.user_id == user.id)
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )
    return list(db.session.scalars(query))


def invitation_for(user: User, invitation_id: int) -> Invitation:
    """One of ``user``'s own invitations; :class:`LookupError` for anyone else's."""
    found = db.session.get(Invitation, invitation_id)
    if found is None or found.user_id != user.id:
        raise LookupError(invitation_id)
    return found


def accept_invitation(user: User, invitation: Invitation) -> Membership | None:
    """Join the organization in the role offered; the invitation is used up."""
    organization = invitation.organization
    membership = None
    if not any(m.organization_id == organization.id for m in user.memberships):
        membership = Membership(user=user, organization_id=organization.id, role=invitation.role)
        db.session.add(membership)
        record(
            "member.add",
            organization,
            {"email": user.email, "role": invitation.role.value},
            user=user,
        )
    db.session.delete(invitation)
    db.session.flush()
    return membership


def decline_invitation(user: User, invitation: Invitation) -> None:
    record(
        "member.decline",
        invitation.organization,
        {"email": user.email, "role": invitation.role.value},
        user=user,
    )
    db.session.delete(invitation)
    db.session.flush()


def change_role(organization: Organization, membership: Membership, role: str) -> None:
    role = _role(role)
    if (
        membership.role is Role.MANAGER
        and role is not Role.MANAGER
        and not _managers_left(organization, membership)
    ):
        raise ContentError({"role": _("An organization needs at least one manager.")})
    before = membership.role
    membership.role = role
    db.session.flush()
    record(
        "member.role",
        organization,
        {"email": membership.user.email, "from": before.value, "to": role.value},
    )


def remove_member(organization: Organization, membership: Membership) -> None:
    if membership.role is Role.MANAGER and not _managers_left(organization, membership):
        raise ContentError({"role": _("An organization needs at least one manager.")})
    record(
        "member.remove",
        organization,
        {"email": membership.user.email, "role": membership.role.value},
    )
    db.session.delete(membership)
    db.session.flush()


def change_password(user: User, current: str, new: str) -> None:
    """Replace one's own password; every other session of the account ends."""
    if not verify_password(user.password_hash, current or ""):
        raise ContentError({"current_password": _("This is not your current password.")})
    if verify_password(user.password_hash, new or ""):
        raise ContentError({"new_password": _("Choose a password other than the current one.")})
    set_password(user, new)
    record("user.password", user)
