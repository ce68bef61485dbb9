"""Fixtures: an app per database (SQLite and PostgreSQL), a client, a CLI runner, and a
session whose work is rolled back after every test.

Every test runs once on SQLite and once on PostgreSQL. PostgreSQL tests use a database
created for the run on 127.0.0.1:5432 and dropped after it; without a server they are
skipped with a message, except under ``CI=true`` where a missing server fails the run.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker

from campaigns import create_app
from campaigns.extensions import db as _db
from tests import factories
from tests.live import PG_ADMIN_URL
from tests.mail_server import smtp_server  # noqa: F401 - a fixture for every test module

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

pytest_plugins = ["tests.coverage_floor"]


def pytest_sessionstart(session):
    """Compile the translation catalogues, as the install does: .mo files are not committed."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    translations = os.path.join(os.path.dirname(__file__), "..", "campaigns", "translations")
    for folder, _dirs, files in os.walk(translations):
        for name in (f for f in files if f.endswith(".po")):
            po = os.path.join(folder, name)
            mo = po[:-3] + ".mo"
            if os.path.exists(mo) and os.path.getmtime(mo) >= os.path.getmtime(po):
                continue
            with open(po, "rb") as f:
                catalog = read_po(f)
            partial = f"{mo}.{os.getpid()}.tmp"
            with open(partial, "wb") as f:
                write_mo(f, catalog)
            os.replace(partial, mo)  # atomic: a parallel run never reads half a file


def _postgres_database() -> Iterator[str]:
    """Create a throwaway PostgreSQL database, yield its URL, drop it afterwards."""
    name = f"campaigns_test_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        message = f"PostgreSQL is not reachable at {PG_ADMIN_URL}: {exc.orig}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def database_url(request, tmp_path_factory) -> Iterator[str]:
    """The URL of an empty database of each kind, built by the migrations."""
    if request.param == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("sqlite") / "test.sqlite3")
    else:
        yield from _postgres_database()


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """One app per database for the whole run; its schema comes from the migrations."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "STRIPE_SECRET_KEY": None,
            "STRIPE_WEBHOOK_SECRET": "whsec_test_secret",
            "RATELIMIT_ENABLED": False,
            "UPLOAD_DIR": str(tmp_path_factory.mktemp("uploads")),
            "SERVER_NAME": None,
            # The test client's own address, so absolute links read like the pages' paths.
            "PUBLIC_URL": "http://localhost",
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def db(app):
    """The database, with everything the test does rolled back at the end.

    Code under test may commit: commits end a SAVEPOINT inside the outer transaction.
    """
    with app.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint")
        )
        original = _db.session
        _db.session = session
        try:
            yield _db
        finally:
            session.remove()
            _db.session = original
            transaction.rollback()
            connection.close()


class _Client(FlaskClient):
    """Each request starts from what the test has stored, as it would on a server.

    The test's pending work is committed (to its savepoint) first, so that a request
    answered with an error, which rolls back, undoes only its own work.
    """

    def open(self, *args, **kwargs):
        _db.session.commit()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app, db):
    return _Client(app, app.response_class, use_cookies=True)


@pytest.fixture
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture
def make(db):
    """Factories bound to the test's session: ``make.campaign(goal_minor=...)``."""
    return factories.Factories(db.session)
