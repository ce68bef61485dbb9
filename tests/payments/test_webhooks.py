"""``POST /webhooks/stripe``: signature, storage once, outcomes and errors."""

from __future__ import annotations

import json
import time

import pytest

from campaigns.models import DonationSource, DonationStatus, PaymentEvent
from campaigns.payments import ledger
from tests.stripe_server.events import (
    WEBHOOK_SECRET,
    charge_refunded,
    deliver,
    dispute_closed,
    dispute_created,
    session_event,
    signature_header,
)


@pytest.fixture
def donation(make, campaign):
    return make.donation(campaign, amount_minor=4000, source=DonationSource.STRIPE)


def stored(db) -> int:
    return db.session.query(PaymentEvent).filter_by(provider="stripe").count()


def raised(db, campaign) -> tuple[int, int]:
    db.session.refresh(campaign)
    return campaign.raised_minor, campaign.donor_count


def test_signed_event_is_applied(client, db, campaign, donation):
    event = session_event("checkout.session.completed", donation)
    response = deliver(client, event)
    assert response.status_code == 200
    assert response.json["received"] is True
    assert raised(db, campaign) == (4000, 1)
    row = db.session.query(PaymentEvent).filter_by(event_id=event["id"]).one()
    assert row.donation_id == donation.id
    assert row.type == "checkout.session.completed"
    assert json.loads(row.payload)["id"] == event["id"]


def test_duplicate_delivery_answers_200_and_changes_nothing(client, db, campaign, donation):
    event = session_event("checkout.session.completed", donation)
    assert deliver(client, event).status_code == 200
    again = deliver(client, event)
    assert again.status_code == 200
    assert again.json["outcome"] == ledger.DUPLICATE
    assert raised(db, campaign) == (4000, 1)
    assert stored(db) == 1


def test_missing_signature_is_400_and_stores_nothing(client, db, campaign, donation):
    body = json.dumps(session_event("checkout.session.completed", donation))
    response = client.post("/webhooks/stripe", data=body, content_type="application/json")
    assert response.status_code == 400
    assert stored(db) == 0
    assert raised(db, campaign) == (0, 0)


def test_wrong_secret_is_400_and_stores_nothing(client, db, campaign, donation):
    event = session_event("checkout.session.completed", donation)
    assert deliver(client, event, secret="whsec_someone_else").status_code == 400
    assert stored(db) == 0
    assert raised(db, campaign) == (0, 0)


def test_expired_signature_is_400(client, db, campaign, donation):
    event = session_event("checkout.session.completed", donation)
    old = int(time.time()) - 10 * 60
    assert deliver(client, event, timestamp=old).status_code == 400
    assert stored(db) == 0


def test_tampered_body_is_400(client, db, campaign, donation):
    event = session_event("checkout.session.completed", donation)
    body = json.dumps(event)
    header = signature_header(body, WEBHOOK_SECRET)
    tampered = body.replace('"amount_total": 4000', '"amount_total": 1')
    response = client.post(
        "/webhooks/stripe",
        data=tampered,
        headers={"Stripe-Signature": header},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert stored(db) == 0


def test_garbage_signature_header_is_400(client, db):
    response = client.post(
        "/webhooks/stripe",
        data="{}",
        headers={"Stripe-Signature": "nonsense"},
        content_type="application/json",
    )
    assert response.status_code == 400


def test_signed_body_that_is_not_json_is_400(client, db):
    assert deliver(client, "not json").status_code == 400
    assert stored(db) == 0


def test_no_secret_configured_is_503_and_stores_nothing(app, client, db, donation, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_WEBHOOK_SECRET", None)
    response = deliver(client, session_event("checkout.session.completed", donation))
    assert response.status_code == 503
    assert stored(db) == 0


def test_webhook_needs_no_csrf_token(app, client, db, campaign, donation, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert deliver(client, session_event("checkout.session.completed", donation)).status_code == 200
    assert raised(db, campaign) == (4000, 1)


def test_only_post_is_allowed(client, db):
    assert client.get("/webhooks/stripe").status_code == 405


def test_other_event_types_are_stored_and_acknowledged(client, db, donation):
    event = session_event("checkout.session.completed", donation)
    event["type"] = "customer.created"
    response = deliver(client, event)
    assert response.status_code == 200
    assert stored(db) == 1


def test_event_for_unknown_donation_answers_200_and_is_logged(
    client, db, campaign, donation, caplog
):
    event = session_event("checkout.session.completed", donation)
    obj = event["data"]["object"]
    obj["id"] = "cs_test_nobody"
    obj["client_reference_id"] = None
    obj["metadata"] = {}
    obj["payment_intent"] = "pi_nobody"
    response = deliver(client, event)
    assert response.status_code == 200
    assert "names no known donation" in caplog.text
    assert stored(db) == 1
    assert raised(db, campaign) == (0, 0)


def test_processing_error_rolls_back_and_answers_500_so_stripe_retries(
    app, client, db, campaign, donation, monkeypatch
):
    event = session_event("checkout.session.completed", donation)
    db.session.commit()  # the setup must outlive the view's rollback

    def broken(*_args):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(ledger.events, "_converge", broken)
    response = deliver(client, event)
    assert response.status_code == 500
    assert stored(db) == 0
    assert raised(db, campaign) == (0, 0)
    monkeypatch.undo()
    # Stripe's retry of the same event now succeeds: it was not recorded as seen.
    assert deliver(client, event).status_code == 200
    assert raised(db, campaign) == (4000, 1)


def test_events_in_reverse_order_converge_over_http(client, db, campaign, donation):
    events = [
        session_event("checkout.session.completed", donation),
        charge_refunded(donation, amount_refunded=1000),
        dispute_created(donation),
        dispute_closed(donation, status="won"),
    ]
    for event in reversed(events):
        assert deliver(client, event).status_code == 200
    db.session.refresh(donation)
    assert donation.status == DonationStatus.PARTIALLY_REFUNDED
    assert donation.refunded_minor == 1000
    assert raised(db, campaign) == (3000, 1)
    assert ledger.reconcile() == []
