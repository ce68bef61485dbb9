"""For the tests that go through a real running server: a second app on the test database,
served by werkzeug in a thread. Its data is committed for real, so the database is emptied
afterwards, except what the migrations wrote."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from campaigns import create_app
from campaigns.extensions import db

#: Rows the migrations write, which every other test relies on.
SEEDED_TABLES = frozenset({"installation"})


def empty_tables() -> None:
    """Delete every row the tests stored, children first."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in SEEDED_TABLES:
                connection.execute(table.delete())


def live_app(app: Flask, upload_dir: Path, **settings: Any) -> Flask:
    """An app configured as in production on ``app``'s database (which has the schema):
    errors become 500 pages instead of reaching the test, no Stripe key, no rate limit."""
    return create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "live-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "STRIPE_SECRET_KEY": None,
            "RATELIMIT_ENABLED": False,
            "UPLOAD_DIR": str(upload_dir),
            "PROPAGATE_EXCEPTIONS": False,
            **settings,
        }
    )


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """Serve ``app`` for real and yield its base URL, which is also its ``PUBLIC_URL``; then
    stop the server and empty the tables."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            empty_tables()
            db.engine.dispose()
