"""Webhooks racing each other on PostgreSQL: the app on a database of its own, a campaign
with pending gifts committed for real, and deliveries from many threads at once, as
gunicorn workers would send them."""

from __future__ import annotations

import contextlib
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignState,
    DonationSource,
    Organization,
    Sector,
)
from campaigns.payments import ledger
from tests.live import own_postgres_app
from tests.stripe_server.events import (
    WEBHOOK_SECRET,
    signature_header,
)

#: Threads sending at once, and the connections they need.
WORKERS = 24


def races_app(database_url: str):
    """The app the races run on (see ``tests.live.own_postgres_app``)."""
    yield from own_postgres_app(
        database_url,
        "concurrent webhooks",
        SQLALCHEMY_ENGINE_OPTIONS={"pool_size": WORKERS, "max_overflow": 0, "pool_timeout": 120},
        WTF_CSRF_ENABLED=False,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        RATELIMIT_ENABLED=False,
    )


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
