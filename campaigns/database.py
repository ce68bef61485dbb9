"""Engine settings that make SQLite behave like the production database where it matters."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import Engine


def configure_engine_events(engine: Engine) -> None:
    """On SQLite: enforce foreign keys and let SQLAlchemy, not pysqlite, open transactions.

    Without the second part pysqlite defers BEGIN, which breaks SAVEPOINTs (used by the
    tests' rolled-back transactions) and lets two writers interleave.
    """
    if engine.dialect.name != "sqlite":
        return

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
