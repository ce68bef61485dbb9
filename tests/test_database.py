"""Pooled PostgreSQL connections: checked only after sitting idle, replaced when dead."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaigns.database import ping_idle_connections
from tests.live import PG_ADMIN_URL


@pytest.fixture
def engine_for(database_url):
    """An engine of one pooled connection on the run's PostgreSQL database, checked after
    ``idle_seconds`` unused; each one made is disposed of afterwards."""
    if not database_url.startswith("postgresql"):
        pytest.skip("connections that go stale: PostgreSQL only")
    made: list[sa.Engine] = []

    def make(idle_seconds: float) -> sa.Engine:
        engine = sa.create_engine(database_url, pool_size=1, max_overflow=0)
        ping_idle_connections(engine, idle_seconds)
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.dispose()


def _backend(engine: sa.Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()


def _terminate(pid: int) -> None:
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    admin.dispose()


def _count_pings(engine: sa.Engine, monkeypatch) -> list[int]:
    pings: list[int] = []
    real = engine.dialect.do_ping

    def counted(dbapi_connection):
        pings.append(1)
        return real(dbapi_connection)

    monkeypatch.setattr(engine.dialect, "do_ping", counted)
    return pings


def test_a_connection_that_died_while_idle_is_replaced_before_use(engine_for, monkeypatch):
    engine = engine_for(0)
    pings = _count_pings(engine, monkeypatch)
    first = _backend(engine)
    _terminate(first)  # as a server restart or a dropped proxy connection would

    second = _backend(engine)

    assert second != first
    assert pings  # the stale connection was asked, found dead and replaced


def test_a_connection_just_handed_back_is_used_without_a_ping(engine_for, monkeypatch):
    engine = engine_for(3600)
    pings = _count_pings(engine, monkeypatch)
    backends = {_backend(engine) for _ in range(5)}

    assert len(backends) == 1  # the same pooled connection each time
    assert pings == []


def test_a_connection_that_dies_while_busy_fails_once_then_the_pool_recovers(
    engine_for, monkeypatch
):
    engine = engine_for(3600)
    _terminate(_backend(engine))

    with pytest.raises(sa.exc.OperationalError):
        _backend(engine)
    assert _backend(engine) > 0
