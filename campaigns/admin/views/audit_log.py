"""The audit log: platform admins see everything, managers their own organizations."""

from __future__ import annotations

from flask import render_template, request

from campaigns.admin import access, bp
from campaigns.admin.access import Ability
from campaigns.extensions import db
from campaigns.models import AuditEntry
from campaigns.paging import page_number

PER_PAGE = 100


@bp.get("/audit/")
@access.require(Ability.MONEY)
def audit_log():
    """Who did what to which object, when; newest first."""
    query = access.audit_query()
    action = (request.args.get("action") or "").strip()
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    query = query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
    page = db.paginate(query, page=page_number(request.args), per_page=PER_PAGE, error_out=False)
    return render_template("admin/audit.html", page=page, action=action)
