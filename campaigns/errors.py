"""Error pages in the site's style, and JSON errors for the API."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError

from campaigns import unit_of_work


def _wants_json() -> bool:
    return request.path.startswith(("/api/", "/webhooks/", "/healthz"))


def register(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if _wants_json():
            return jsonify(error=error.name, message=error.description), error.code
        template = f"errors/{error.code}.html" if error.code in (400, 403, 404, 429, 500) else None
        return (
            render_template(template or "errors/generic.html", error=error),
            error.code,
        )

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if app.debug or (app.testing and app.config.get("PROPAGATE_EXCEPTIONS") is not False):
            raise error
        app.logger.exception("Unhandled error on %s", request.path)
        # Undo the request's work before the page is drawn, so that it reads a clean session.
        unit_of_work.abandon()
        if _wants_json():
            return jsonify(error="Internal Server Error"), 500
        return render_template("errors/500.html", error=InternalServerError()), 500
