"""For the tests that go through a real running server: their data is committed for real, so
they empty the shared test database afterwards, except what the migrations wrote."""

from __future__ import annotations

from campaigns.extensions import db

#: Rows the migrations write, which every other test relies on.
SEEDED_TABLES = frozenset({"installation"})


def empty_tables() -> None:
    """Delete every row the tests stored, children first."""
    with db.engine.begin() as connection:
        for table in reversed(db.metadata.sorted_tables):
            if table.name not in SEEDED_TABLES:
                connection.execute(table.delete())
