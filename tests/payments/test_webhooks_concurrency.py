"""Webhooks racing each other on PostgreSQL, against a real committed database.

These tests do not use the rolled-back ``db`` fixture: each request runs in its own thread,
app context, session and connection, and commits, as gunicorn workers would.
"""

from __future__ import annotations

import json
import random

import pytest
import sqlalchemy as sa

from campaigns.extensions import db
from campaigns.models import (
    Donation,
    DonationStatus,
    PaymentEvent,
)
from campaigns.payments import ledger
from tests.payments.races import deliver_all, make_campaign, races_app, totals
from tests.stripe_server.events import (
    charge_refunded,
    dispute_closed,
    dispute_created,
    session_event,
)

pytestmark = pytest.mark.postgres_only


@pytest.fixture(scope="module")
def live_app(database_url):
    yield from races_app(database_url)


def test_fifty_deliveries_of_one_event_count_once(live_app):
    campaign_id, (donation,) = make_campaign(live_app, 1, amount=5000)
    with live_app.app_context():
        donation = db.session.merge(donation)
        body = json.dumps(session_event("checkout.session.completed", donation))
    results = deliver_all(live_app, [body] * 50)
    assert [status for status, _ in results] == [200] * 50
    applied = [outcome for _, outcome in results if outcome != ledger.DUPLICATE]
    assert len(applied) == 1
    assert applied[0].startswith("applied")
    assert totals(live_app, campaign_id) == (5000, 1)
    with live_app.app_context():
        assert db.session.query(PaymentEvent).filter_by(donation_id=donation.id).count() == 1


def test_two_hundred_completions_of_different_donations_are_all_counted(live_app):
    campaign_id, donations = make_campaign(live_app, 200, amount=2500)
    with live_app.app_context():
        bodies = [
            json.dumps(session_event("checkout.session.completed", db.session.merge(d)))
            for d in donations
        ]
    # Stripe retries: a quarter of them arrive twice, mixed in with the rest.
    deliveries = bodies + random.sample(bodies, 50)
    random.shuffle(deliveries)
    results = deliver_all(live_app, deliveries)
    assert {status for status, _ in results} == {200}
    assert totals(live_app, campaign_id) == (200 * 2500, 200)
    with live_app.app_context():
        assert ledger.reconcile() == []
        statuses = db.session.scalars(
            sa.select(Donation.status).where(Donation.campaign_id == campaign_id)
        ).all()
        assert set(statuses) == {DonationStatus.SUCCEEDED}


def test_racing_events_about_the_same_gifts_converge(live_app):
    """Completion, refund and dispute of each gift arrive together, in any order."""
    campaign_id, donations = make_campaign(live_app, 20, amount=4000)
    bodies = []
    with live_app.app_context():
        for d in donations:
            d = db.session.merge(d)
            for event in (
                session_event("checkout.session.completed", d),
                charge_refunded(d, amount_refunded=1000, with_metadata=False),
                dispute_created(d),
                dispute_closed(d, status="won"),
            ):
                bodies.append(json.dumps(event))
    random.shuffle(bodies)
    results = deliver_all(live_app, bodies + bodies[:20])
    assert {status for status, _ in results} == {200}, results
    with live_app.app_context():
        rows = db.session.scalars(
            sa.select(Donation).where(Donation.campaign_id == campaign_id)
        ).all()
        assert {(r.status, r.refunded_minor, r.disputed) for r in rows} == {
            (DonationStatus.PARTIALLY_REFUNDED, 1000, False)
        }
        assert ledger.pending_events() == []
        assert ledger.reconcile() == []
    assert totals(live_app, campaign_id) == (20 * 3000, 20)


def test_the_event_holds_its_payments_lock_until_it_commits(live_app):
    """The insert of an event takes the lock of each payment it names (a dispute of the
    same payment, arriving meanwhile, waits for this transaction to end)."""
    _, (donation,) = make_campaign(live_app, 1, amount=5000)
    taken = sa.text("SELECT pg_try_advisory_xact_lock(hashtextextended(:key, 0))")
    with live_app.app_context():
        donation = db.session.merge(donation)
        event = session_event("checkout.session.completed", donation)
        key = event["data"]["object"]["payment_intent"]
        other = sa.create_engine(live_app.config["SQLALCHEMY_DATABASE_URI"])
        try:
            ledger.record_event("stripe", event, json.dumps(event))
            with other.connect() as conn:
                assert conn.execute(taken, {"key": key}).scalar_one() is False
            db.session.commit()
            with other.connect() as conn:
                assert conn.execute(taken, {"key": key}).scalar_one() is True
        finally:
            other.dispose()
