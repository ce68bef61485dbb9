"""For the tests that go through a real running server: a second app on the test database,
served by werkzeug in a thread. Its data is committed for real, so the database is emptied
afterwards, except what the migrations wrote."""

from __future__ import annotations

import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade
from werkzeug.serving import make_server

from campaigns import create_app
from campaigns.extensions import db

PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)

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


def own_postgres_app(database_url: str, purpose: str, **settings: Any) -> Iterator[Flask]:
    """For a fixture: an app on a PostgreSQL database of its own, built by the migrations,
    whose transactions commit for real (threads racing each other need that); dropped
    afterwards. Skipped on the SQLite run."""
    if not database_url.startswith("postgresql"):
        pytest.skip(f"{purpose}: tested on PostgreSQL only")
    name = f"campaigns_own_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": f"own-{name}",
            "SQLALCHEMY_DATABASE_URI": PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name,
            "STRIPE_SECRET_KEY": None,
            **settings,
        }
    )
    with app.app_context():
        upgrade()
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
