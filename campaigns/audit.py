"""The audit log: who did what to which object, and when.

Services call :func:`record` in the same transaction as the change it describes, so an
entry exists exactly when the change does.
"""

from __future__ import annotations

import json
from typing import Any

from flask import has_request_context

from campaigns.extensions import db
from campaigns.models import AuditEntry, Organization, User


def _current_user_id() -> int | None:
    if not has_request_context():
        return None
    from flask_login import current_user

    if current_user and current_user.is_authenticated:
        return current_user.id
    return None


def _organization_id(obj: Any) -> int | None:
    if isinstance(obj, Organization):
        return obj.id
    org_id = getattr(obj, "organization_id", None)
    if org_id is not None:
        return org_id
    for parent in ("campaign", "organization"):
        related = getattr(obj, parent, None)
        if related is not None and related is not obj:
            found = _organization_id(related)
            if found is not None:
                return found
    return None


def object_type(obj: Any) -> str:
    """A short, stable name for the kind of object: ``campaign``, ``donation`` ..."""
    names = {
        "campaigns": "campaign",
        "donation_tiers": "tier",
        "chapters": "chapter",
        "impact_figures": "impact_figure",
        "updates": "update",
        "donations": "donation",
        "organizations": "organization",
        "users": "user",
        "memberships": "membership",
    }
    table: str | None = getattr(obj, "__tablename__", None)
    return names.get(table, table) if table else type(obj).__name__.lower()


def record(
    action: str,
    obj: Any,
    detail: dict | str | None = None,
    *,
    user: User | None = None,
) -> AuditEntry:
    """Add an audit entry for ``action`` (``"campaign.publish"``) done to ``obj``.

    The acting user is the signed-in one unless ``user`` is given (command-line tools
    and background work pass it explicitly, or leave it empty). The object is flushed
    first so that a newly created one has its id in the entry.
    """
    if getattr(obj, "id", None) is None:
        db.session.flush()
    if isinstance(detail, dict):
        detail = json.dumps(detail, ensure_ascii=False, sort_keys=True, default=str)
    entry = AuditEntry(
        user_id=user.id if user is not None else _current_user_id(),
        organization_id=_organization_id(obj),
        action=action,
        object_type=object_type(obj),
        object_id=getattr(obj, "id", None),
        detail=detail,
    )
    db.session.add(entry)
    return entry
