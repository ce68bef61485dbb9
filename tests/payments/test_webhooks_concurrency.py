"""Webhooks racing each other on PostgreSQL, against a real committed database.

These tests do not use the rolled-back ``db`` fixture: each request runs in its own thread,
app context, session and connection, and commits, as gunicorn workers would.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade

from campaigns import create_app
from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignState,
    Donation,
    DonationSource,
    DonationStatus,
    Organization,
    PaymentEvent,
    Sector,
)
from campaigns.payments import ledger
from tests.stripe_server.events import (
    WEBHOOK_SECRET,
    charge_refunded,
    dispute_closed,
    dispute_created,
    session_event,
    signature_header,
)

pytestmark = pytest.mark.postgres_only

PG_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
WORKERS = 24


@pytest.fixture(scope="module")
def live_app(database_url):
    """An app on its own PostgreSQL database whose work is committed for real."""
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent webhooks are tested on PostgreSQL")
    name = f"campaigns_race_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "race",
            "SQLALCHEMY_DATABASE_URI": PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name,
            "SQLALCHEMY_ENGINE_OPTIONS": {
                "pool_size": WORKERS,
                "max_overflow": 0,
                "pool_timeout": 120,
            },
            "WTF_CSRF_ENABLED": False,
            "STRIPE_SECRET_KEY": None,
            "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "RATELIMIT_ENABLED": False,
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


def make_campaign(app, donations: int, amount: int = 2500) -> tuple[int, list[dict]]:
    """A committed campaign with pending Stripe donations; returns its id and the donations
    as plain data (the events are built from it)."""
    with app.app_context():
        org = Organization(
            slug=f"org-{uuid.uuid4().hex[:8]}", name_en="Race", founded_on=date(2018, 1, 1)
        )
        campaign = Campaign(
            slug=f"race-{uuid.uuid4().hex[:8]}",
            organization=org,
            state=CampaignState.PUBLISHED,
            sector=Sector.HEALTH,
            currency="USD",
            goal_minor=10_000_000,
            starts_on=date.today() - timedelta(days=1),
            title_en="Race",
        )
        db.session.add(campaign)
        db.session.flush()
        rows = []
        for _ in range(donations):
            donation = ledger.open_donation(
                campaign, amount, source=DonationSource.STRIPE, donor_email="d@example.org"
            )
            rows.append(donation)
        db.session.commit()
        return campaign.id, rows


def deliver_all(app, bodies: list[str]) -> list[tuple[int, str]]:
    """Send signed deliveries from many threads at once; (status, outcome) of each."""
    start = threading.Barrier(min(WORKERS, len(bodies)))

    def send(body: str):
        client = app.test_client()
        header = signature_header(body, WEBHOOK_SECRET)
        with contextlib.suppress(threading.BrokenBarrierError):
            start.wait(timeout=30)
        response = client.post(
            "/webhooks/stripe",
            data=body,
            headers={"Stripe-Signature": header},
            content_type="application/json",
        )
        return response.status_code, (response.json or {}).get("outcome", "")

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(send, bodies))


def totals(app, campaign_id: int) -> tuple[int, int]:
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        return campaign.raised_minor, campaign.donor_count


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
