"""Payment events that never matched a donation, were malformed or contradicted one:
a page for platform admins (others are refused, 403)."""

from __future__ import annotations

from flask import render_template, request

from campaigns.admin import access, bp
from campaigns.admin import payment_events as service
from campaigns.paging import record_id


@bp.get("/payment-events/")
@access.platform_admin_required
def payment_events():
    """Newest first, a page at a time (``?older_than=<id>``), narrowed by ``?problem=``."""
    chosen = request.args.get("problem", "")
    problem = service.Problem(chosen) if chosen in set(service.Problem) else None
    older_than = request.args.get("older_than", type=record_id)
    page = service.problem_events(problem, older_than)
    return render_template(
        "admin/payment_events.html",
        page=page,
        problem=problem,
        older_than=older_than,
        labels=service.PROBLEM_LABELS,
        hints=service.PROBLEM_HINTS,
    )
