"""Who may see and change what in the admin console.

Two abilities cover every route: ``CONTENT`` (campaigns, tiers, history, updates) is held
by editors and managers; ``MONEY`` (donations, refunds, exports, offline gifts, members) is
held by managers only. Platform admins hold both everywhere.

Every lookup of an object by id goes through the helpers below, which filter by the
organizations the signed-in user may act for: an object of another organization is simply
not found (404), so its existence is not even confirmed.
"""

from __future__ import annotations

import enum
from functools import wraps

from flask import abort
from flask_login import current_user, login_required
from sqlalchemy import select

from campaigns.extensions import db
from campaigns.models import (
    AuditEntry,
    Campaign,
    Chapter,
    Donation,
    Membership,
    Organization,
    Role,
    Update,
    User,
)


class Ability(enum.StrEnum):
    CONTENT = "content"
    MONEY = "money"


#: Which roles carry which ability.
_ROLES_FOR = {
    Ability.CONTENT: (Role.MANAGER, Role.EDITOR),
    Ability.MONEY: (Role.MANAGER,),
}


def organization_ids(user: User, ability: Ability) -> set[int] | None:
    """The organizations ``user`` may act for with ``ability``; ``None`` means all of them."""
    if user.is_platform_admin:
        return None
    roles = _ROLES_FOR[ability]
    return {m.organization_id for m in user.memberships if m.role in roles}


def can(ability: Ability, organization_id: int | None = None, user: User | None = None) -> bool:
    """Whether the user holds ``ability`` (in ``organization_id``, or in any organization)."""
    user = user or current_user
    if not user or not user.is_authenticated:
        return False
    ids = organization_ids(user, ability)
    if ids is None:
        return True
    if organization_id is None:
        return bool(ids)
    return organization_id in ids


def require(ability: Ability):
    """Route decorator: sign-in required, and ``ability`` in at least one organization.

    Holding the ability somewhere only opens the route; each object the route touches is
    still checked against its own organization.
    """

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not can(ability):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def platform_admin_required(view):
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_platform_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def scope(query, column, ability: Ability):
    """Restrict a select() to rows whose organization ``column`` the user may act for."""
    ids = organization_ids(current_user, ability)
    if ids is None:
        return query
    return query.where(column.in_(ids))


def _one_or_404(query):
    obj = db.session.scalars(query).first()
    if obj is None:
        abort(404)
    return obj


def campaign_or_404(campaign_id: int, ability: Ability = Ability.CONTENT) -> Campaign:
    query = select(Campaign).where(Campaign.id == campaign_id)
    return _one_or_404(scope(query, Campaign.organization_id, ability))


def chapter_or_404(campaign: Campaign, chapter_id: int) -> Chapter:
    """A chapter of this (already checked) campaign."""
    query = select(Chapter).where(Chapter.id == chapter_id, Chapter.campaign_id == campaign.id)
    return _one_or_404(query)


def update_or_404(update_id: int) -> Update:
    query = select(Update).where(Update.id == update_id)
    return _one_or_404(scope(query, Update.organization_id, Ability.CONTENT))


def donation_or_404(donation_id: int) -> Donation:
    query = select(Donation).join(Campaign).where(Donation.id == donation_id)
    return _one_or_404(scope(query, Campaign.organization_id, Ability.MONEY))


def organization_or_404(organization_id: int, ability: Ability) -> Organization:
    query = select(Organization).where(Organization.id == organization_id)
    return _one_or_404(scope(query, Organization.id, ability))


def membership_or_404(organization: Organization, membership_id: int) -> Membership:
    query = select(Membership).where(
        Membership.id == membership_id, Membership.organization_id == organization.id
    )
    return _one_or_404(query)


def organizations(ability: Ability) -> list[Organization]:
    """The organizations the user may act for with ``ability``, by name."""
    query = select(Organization).order_by(Organization.name_en)
    return list(db.session.scalars(scope(query, Organization.id, ability)))


def campaigns(ability: Ability = Ability.CONTENT) -> list[Campaign]:
    query = select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())
    return list(db.session.scalars(scope(query, Campaign.organization_id, ability)))


def audit_query():
    """Audit entries the user may read: all for platform admins, their own
    organizations' for managers."""
    query = select(AuditEntry)
    ids = organization_ids(current_user, Ability.MONEY)
    if ids is None:
        return query
    return query.where(AuditEntry.organization_id.in_(ids))
