"""The audit log: platform admins see everything, managers their own organizations."""

from __future__ import annotations

from flask import render_template, request

from campaigns import paging
from campaigns.admin import access, bp
from campaigns.admin.access import Ability
from campaigns.models import AuditEntry

PER_PAGE = 100


def _cursor(entry: AuditEntry) -> paging.Cursor:
    return paging.Cursor(entry.at, entry.id)


@bp.get("/audit/")
@access.require(Ability.MONEY)
def audit_log():
    """Who did what to which object, when; newest first, a page older or newer at a time."""
    query = access.audit_query()
    action = (request.args.get("action") or "").strip()
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    order = (AuditEntry.at, AuditEntry.id)
    at = paging.place(request.args)
    page = paging.keyset_page(query, order, at, PER_PAGE, key=_cursor)
    return render_template("admin/audit.html", page=page, action=action)
