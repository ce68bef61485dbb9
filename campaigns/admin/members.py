"""Who works for an organization in the console, and in which role."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from campaigns.admin.auth import normalize_email, set_password, temporary_password
from campaigns.audit import record
from campaigns.catalog import ContentError
from campaigns.extensions import db
from campaigns.models import Membership, Organization, Role, User
from campaigns.security import hash_password


def members(organization: Organization) -> list[Membership]:
    query = (
        select(Membership)
        .join(User)
        .where(Membership.organization_id == organization.id)
        .order_by(Membership.role, User.email)
    )
    return list(db.session.scalars(query))


def _managers_left(organization: Organization, without: Membership) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(Membership)
        .where(
            Membership.organization_id == organization.id,
            Membership.role == Role.MANAGER,
            Membership.id != without.id,
        )
    )


def add_member(
    organization: Organization, email: str, role: str, name: str | None = None
) -> tuple[Membership, str | None]:
    """Give an existing account a role here, or create the account with a temporary
    password, which is returned so that it can be handed over once."""
    email = normalize_email(email)
    try:
        role = Role(role)
    except ValueError:
        raise ContentError({"role": _("Choose a role.")}) from None
    user = db.session.scalars(select(User).where(User.email == email)).first()
    password = None
    if user is None:
        password = temporary_password()
        user = User(email=email, name=(name or "").strip() or None)
        user.password_hash = hash_password(password)
        db.session.add(user)
        db.session.flush()
        record("user.create", user, {"email": email})
    elif any(m.organization_id == organization.id for m in user.memberships):
        raise ContentError({"email": _("This person is already a member.")})
    membership = Membership(user=user, organization_id=organization.id, role=role)
    db.session.add(membership)
    db.session.flush()
    record(
        "member.add",
        organization,
        {"email": email, "role": role.value, "new_account": password is not None},
    )
    return membership, password


def change_role(organization: Organization, membership: Membership, role: str) -> None:
    try:
        role = Role(role)
    except ValueError:
        raise ContentError({"role": _("Choose a role.")}) from None
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
    from campaigns.security import verify_password

    if not verify_password(user.password_hash, current or ""):
        raise ContentError({"current_password": _("This is not your current password.")})
    set_password(user, new)
    record("user.password", user)
