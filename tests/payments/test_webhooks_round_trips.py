"""How many SQL statements one payment event costs, counted on the engine as they are sent.

Before the figures were kept in slots, a first completion cost eleven statements in the
ledger on PostgreSQL (a SAVEPOINT, the INSERT and its RELEASE, an advisory lock per
payment identifier, the donation's row lock, its earlier events, the event's row written
twice, the donation's conditional UPDATE, the search for waiting events, the campaign's
UPDATE), plus BEGIN and COMMIT. These tests hold the ledger to what it costs now: six on
PostgreSQL, where the insert of the event takes the payment's locks in the same statement
(seven on SQLite, which writes the totals and the days apart), plus BEGIN and COMMIT.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator

import pytest
from sqlalchemy import event

from campaigns.models import DonationSource
from campaigns.payments import ledger
from tests.stripe_server.events import charge_refunded, session_event


def _shape(statement: str) -> str:
    """``UPDATE donations``, ``SELECT payment_events``, ``INSERT campaign_total_slots`` ..."""
    words = statement.split()
    verb = words[0]
    if verb == "WITH" and "pg_advisory_xact_lock" in statement:  # locks, then the insert
        return "WITH locks " + " ".join(re.findall(r"INSERT INTO (\w+)", statement))
    if verb == "WITH":  # a data-modifying WITH: the tables it writes
        return "WITH " + " ".join(re.findall(r"INSERT INTO (\w+)", statement))
    if verb == "SELECT" and "pg_advisory_xact_lock" in statement:
        return "SELECT pg_advisory_xact_lock"
    table = {"INSERT": words[2], "UPDATE": words[1]}.get(verb)
    if table is None:
        table = words[words.index("FROM") + 1] if "FROM" in words else words[1]
    return f"{verb} {table}"


@contextlib.contextmanager
def statements(db) -> Iterator[list[str]]:
    """The shape of every statement sent to the database meanwhile.

    The tests' session runs each unit of work in a SAVEPOINT, where a server's session
    starts a transaction: that one is left out, as BEGIN and COMMIT are.
    """
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.startswith(("SAVEPOINT", "RELEASE SAVEPOINT")):
            sent.append(_shape(statement))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(db.engine, "before_cursor_execute", record)


def apply(db, payload: dict) -> tuple[str, list[str]]:
    db.session.commit()
    with statements(db) as sent:
        outcome = ledger.record_event("stripe", payload, json.dumps(payload))
        db.session.flush()
    return outcome, sent


@pytest.fixture
def donation(make, campaign):
    # No email: no receipt is issued, so only the ledger's own statements are counted.
    return make.donation(
        campaign, amount_minor=4000, source=DonationSource.STRIPE, donor_email=None
    )


def postgres(db) -> bool:
    return db.engine.dialect.name == "postgresql"


def insert(db) -> str:
    """ON CONFLICT DO NOTHING RETURNING id; on PostgreSQL after the locks of the payment."""
    return "WITH locks payment_events" if postgres(db) else "INSERT payment_events"


def expected(db) -> list[str]:
    return [
        insert(db),
        "SELECT donations",  # FOR UPDATE
        "SELECT payment_events",  # its earlier events, and those waiting for it
        "UPDATE donations",  # conditional
        "UPDATE payment_events",  # outcome and donation, once
        # ON CONFLICT DO UPDATE, in one slot: the totals, and the days in the same statement
        # on PostgreSQL.
        *(
            ["WITH campaign_daily_totals campaign_total_slots"]
            if postgres(db)
            else ["INSERT campaign_total_slots", "INSERT campaign_daily_totals"]
        ),
    ]


def test_a_completion_costs_six_statements_on_postgresql(db, donation):
    outcome, sent = apply(db, session_event("checkout.session.completed", donation))
    assert outcome.startswith("applied")
    assert sent == expected(db)


def test_a_refund_costs_a_completion_and_its_record(db, donation):
    apply(db, session_event("checkout.session.completed", donation))
    outcome, sent = apply(db, charge_refunded(donation, amount_refunded=1000))
    assert outcome.startswith("applied")
    steps = expected(db)
    # After the donation's update: its refunds so far, and the one this event adds.
    at = steps.index("UPDATE donations") + 1
    assert sent == [*steps[:at], "SELECT refund_records", "INSERT refund_records", *steps[at:]]


def test_a_duplicate_costs_one_statement(db, donation):
    completion = session_event("checkout.session.completed", donation)
    apply(db, completion)
    outcome, sent = apply(db, completion)
    assert outcome == ledger.DUPLICATE
    assert sent == [insert(db)]
