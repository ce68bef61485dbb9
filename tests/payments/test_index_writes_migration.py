"""Fewer index entries per payment: gateway identifiers and the waiting events' identifiers
are indexed only where set, and the indexes that wider ones cover are gone; the migration
undoes and redoes it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from campaigns import create_app
from campaigns.extensions import db as _db
from campaigns.payments.ledger.events import _stored_statement
from tests.migrations import revision_before

REVISION = "b8d2f6a1c374"
WHERE_SET = (
    "ix_donations_payment_intent_id",
    "ix_donations_charge_id",
    "ix_donations_subscription_id",
    "ix_donations_parent_id",
    "ix_payment_events_waiting_session_id",
    "ix_payment_events_waiting_payment_intent_id",
    "ix_payment_events_waiting_charge_id",
    "ix_payment_events_waiting_subscription_id",
)
DROPPED = ("ix_donations_status", "ix_donations_campaign_id", "ix_payment_events_type")


def _definitions(connection) -> dict[str, str]:
    """Each index's name and its CREATE INDEX statement, as the database keeps them."""
    if connection.dialect.name == "postgresql":
        query = "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'"
    else:
        query = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
    return {row[0]: row[1] for row in connection.execute(sa.text(query))}


def test_identifiers_are_indexed_only_where_set(db):
    with db.engine.connect() as connection:
        indexes = _definitions(connection)
    for name in WHERE_SET:
        assert "WHERE" in indexes[name].upper() and "IS NOT NULL" in indexes[name].upper()
    assert not set(DROPPED) & set(indexes)
    # What the dropped ones served is still served by the wider ones.
    assert "ix_donations_status_gift_time" in indexes
    assert "ix_donations_campaign_gift_time" in indexes


def test_the_search_for_waiting_events_uses_the_partial_index(db):
    """``waiting_payment_intent_id = :value`` implies the index's ``IS NOT NULL``."""
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the planner's choice is checked on PostgreSQL")
    statement = _stored_statement(("payment_intent_id",))
    compiled = statement.compile(dialect=db.engine.dialect)
    params = {"donation_id": 1, "row_id": 1, "provider": "stripe", "payment_intent_id": "pi_x"}
    with db.engine.connect() as connection:
        connection.execute(sa.text("SET enable_seqscan = off"))
        plan = connection.exec_driver_sql(
            f"EXPLAIN {compiled}", compiled.construct_params(params)
        ).scalars()
        assert "ix_payment_events_waiting_payment_intent_id" in "\n".join(plan)


def test_the_migration_goes_down_and_up_again(tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'indexes.sqlite3'}",
            "UPLOAD_DIR": str(tmp_path),
        }
    )
    with app.app_context():
        upgrade()
        downgrade(revision=revision_before(REVISION))
        with _db.engine.connect() as connection:
            before = _definitions(connection)
        upgrade()
        with _db.engine.connect() as connection:
            after = _definitions(connection)
        _db.engine.dispose()
    assert set(DROPPED) <= set(before)
    assert all("WHERE" not in before[name].upper() for name in WHERE_SET)
    assert not set(DROPPED) & set(after)
    assert all("WHERE" in after[name].upper() for name in WHERE_SET)
