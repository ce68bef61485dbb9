"""Engine settings: SQLite made to behave like the production database where it matters, and
PostgreSQL connections checked before use only when they may have gone stale."""

from __future__ import annotations

import time

from sqlalchemy import event, exc
from sqlalchemy.engine import Engine

#: Where a pooled connection notes when it was last handed back.
_IDLE_SINCE = "campaigns_idle_since"


def configure_engine_events(engine: Engine, ping_after_idle: float) -> None:
    """Set up ``engine`` for the app: see :func:`ping_idle_connections` and
    :func:`configure_sqlite`."""
    if engine.dialect.name == "sqlite":
        configure_sqlite(engine)
    else:
        ping_idle_connections(engine, ping_after_idle)


def ping_idle_connections(engine: Engine, idle_seconds: float) -> None:
    """Ask the server whether a pooled connection still works only when it sat unused for
    ``idle_seconds`` or more.

    SQLAlchemy's ``pool_pre_ping`` pings at every checkout, which is one more round trip in
    every request (a tenth of a webhook's). A connection handed back a moment ago is as good
    as the request that just used it; one that waited long enough for the server to restart
    or a proxy to drop it is checked, and replaced if it is dead (the pool tries again when
    this raises :class:`~sqlalchemy.exc.DisconnectionError`). If the server goes away while
    the connections are busy, each worker's next request fails once, and SQLAlchemy then
    replaces every connection of its pool.
    """

    @event.listens_for(engine, "checkin")
    def _handed_back(_dbapi_connection, record) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _handed_out(dbapi_connection, record, _proxy) -> None:
        since = record.info.pop(_IDLE_SINCE, None)
        if since is None or time.monotonic() - since < idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise exc.DisconnectionError("the pooled connection is gone") from error
        if not alive:
            raise exc.DisconnectionError("the pooled connection is gone")


def configure_sqlite(engine: Engine) -> None:
    """On SQLite: enforce foreign keys and let SQLAlchemy, not pysqlite, open transactions.

    Without the second part pysqlite defers BEGIN, which breaks SAVEPOINTs (used by the
    tests' rolled-back transactions) and lets two writers interleave.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN")
