"""Waiting events are found again by indexed identifier columns, not by searching JSON text."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from campaigns.models import DonationSource, DonationStatus, PaymentEvent
from campaigns.payments import ledger
from tests.stripe_server.events import dispute_created, session_event


def apply(event: dict) -> str:
    return ledger.record_event("stripe", event, json.dumps(event))


@pytest.fixture
def pending(make):
    return make.donation(make.campaign(), amount_minor=5000, source=DonationSource.STRIPE)


def row_of(db, event) -> PaymentEvent:
    db.session.flush()
    return db.session.scalars(
        sa.select(PaymentEvent).where(PaymentEvent.event_id == event["id"])
    ).one()


def test_a_waiting_event_records_the_identifiers_it_waits_for(db, pending):
    dispute = dispute_created(pending)
    assert apply(dispute).startswith(ledger.WAITING)
    row = row_of(db, dispute)
    assert row.waiting_payment_intent_id == f"pi_{pending.reference}"
    assert row.waiting_charge_id == f"ch_{pending.reference}"
    assert row.waiting_session_id is None

    apply(session_event("checkout.session.completed", pending))
    db.session.refresh(row)
    assert row.donation_id == pending.id
    assert row.waiting_payment_intent_id is None
    assert row.waiting_charge_id is None
    assert pending.status == DonationStatus.DISPUTED
