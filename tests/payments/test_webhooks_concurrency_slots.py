"""The kept figures under racing webhooks on PostgreSQL: slots, daily figures, and a repair
running while gifts are counted. Same set-up as ``test_webhooks_concurrency``: each request
in its own thread, session and connection, committed for real."""

from __future__ import annotations

import json
import random
import threading
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from campaigns.extensions import db
from campaigns.models import CampaignDailyTotal, CampaignTotalSlot
from campaigns.payments import ledger
from tests.payments.races import deliver_all, make_campaign, races_app, totals
from tests.stripe_server.events import charge_refunded, session_event

pytestmark = pytest.mark.postgres_only


@pytest.fixture(scope="module")
def live_app(database_url):
    yield from races_app(database_url)


def bodies_for(app, donations, *events) -> list[str]:
    with app.app_context():
        return [json.dumps(build(db.session.merge(d))) for d in donations for build in events]


def test_a_hot_campaign_spreads_over_slots_and_every_figure_is_exact(live_app):
    campaign_id, donations = make_campaign(live_app, 60, amount=2500)
    bodies = bodies_for(
        live_app,
        donations,
        lambda d: session_event("checkout.session.completed", d),
        lambda d: charge_refunded(d, amount_refunded=500, with_metadata=False),
    )
    deliveries = bodies + random.sample(bodies, 20)
    random.shuffle(deliveries)
    results = deliver_all(live_app, deliveries)
    assert {status for status, _ in results} == {200}
    assert totals(live_app, campaign_id) == (60 * 2000, 60)
    with live_app.app_context():
        slots = db.session.scalar(
            sa.select(sa.func.count()).where(CampaignTotalSlot.campaign_id == campaign_id)
        )
        assert slots > 1  # the gifts did not all queue on one row
        today = datetime.now(UTC).date()
        gifts, net, refunded = db.session.execute(
            sa.select(
                sa.func.sum(CampaignDailyTotal.gifts),
                sa.func.sum(CampaignDailyTotal.gifts_minor),
                sa.func.sum(CampaignDailyTotal.refunded_minor),
            ).where(CampaignDailyTotal.campaign_id == campaign_id, CampaignDailyTotal.day == today)
        ).one()
        assert (gifts, net, refunded) == (60, 60 * 2000, 60 * 500)
        assert ledger.reconcile() == []


def test_a_repair_while_gifts_are_counted_loses_and_doubles_nothing(live_app):
    """``reconcile --fix`` adds a difference computed from one moment of the database, so
    the gifts committed around it are neither lost nor counted twice."""
    campaign_id, donations = make_campaign(live_app, 40, amount=1000)
    with live_app.app_context():
        # A drift to repair: the kept total says 7 more than the donations.
        db.session.execute(
            sa.insert(CampaignTotalSlot).values(
                campaign_id=campaign_id, slot=5, raised_minor=7, donor_count=0
            )
        )
        db.session.commit()
    bodies = bodies_for(
        live_app, donations, lambda d: session_event("checkout.session.completed", d)
    )
    repairs: list[int] = []

    def repair():
        for _ in range(5):
            with live_app.app_context():
                repairs.append(len(ledger.reconcile(fix=True)))
                db.session.commit()

    fixer = threading.Thread(target=repair)
    fixer.start()
    results = deliver_all(live_app, bodies)
    fixer.join(timeout=120)
    assert {status for status, _ in results} == {200}
    with live_app.app_context():
        ledger.reconcile(fix=True)
        db.session.commit()
        assert ledger.reconcile() == []
    assert totals(live_app, campaign_id) == (40 * 1000, 40)
    assert repairs and repairs[0] >= 1
