"""``/healthz``: for load balancers and uptime checks, answers whether the database does."""

from flask import current_app, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from campaigns.extensions import db
from campaigns.public import bp


@bp.get("/healthz")
def healthz():
    """200 when ``SELECT 1`` succeeds, 503 otherwise, so a broken instance leaves the pool
    (the 503 rolls the request back like any error answer)."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        current_app.logger.warning("Health check: the database did not answer: %s", exc)
        response = jsonify(status="unavailable", database="unreachable")
        response.status_code = 503
    else:
        response = jsonify(status="ok", database="ok")
    response.headers["Cache-Control"] = "no-store"
    return response
