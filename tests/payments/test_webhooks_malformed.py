"""Signed but malformed events are stored and acknowledged, never answered 500 (which Stripe
would retry for three days), and never change a total."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from campaigns.extensions import db as _db
from campaigns.models import DonationSource, PaymentEvent
from tests.stripe_server.events import deliver, invoice_paid, session_event


@pytest.fixture
def campaign(make):
    return make.campaign()


@pytest.fixture
def donation(make, campaign):
    return make.donation(campaign, amount_minor=4000, source=DonationSource.STRIPE)


def completed(donation) -> dict:
    return session_event("checkout.session.completed", donation)


def object_is_a_string(donation):
    event = completed(donation)
    event["data"]["object"] = "cs_test_123"
    return event


def with_fields(**fields):
    def build(donation):
        event = completed(donation)
        event.update(fields)
        return event

    return build


def with_object_fields(**fields):
    def build(donation):
        event = completed(donation)
        event["data"]["object"].update(fields)
        return event

    return build


def without(name):
    def build(donation):
        event = completed(donation)
        del event[name]
        return event

    return build


def invoice_with_parent_text(donation):
    event = invoice_paid(donation, "in_x")
    event["data"]["object"]["parent"] = "sub_123"
    return event


MALFORMED = {
    "a list": lambda d: [1, 2],
    "a number": lambda d: 7,
    "no id or type": lambda d: {"hello": "world"},
    "data.object a string": object_is_a_string,
    "data a list": with_fields(data=[1]),
    "created 1e18": with_fields(created=1e18),
    "created 10**18": with_fields(created=10**18),
    "created a string": with_fields(created="yesterday"),
    "no created": without("created"),
    "no data": without("data"),
    "type a number": with_fields(type=5),
    "huge amount": with_object_fields(amount_total=10**30),
    "long identifier": with_object_fields(payment_intent="pi_" + "x" * 300),
    "nested field of the wrong type": invoice_with_parent_text,
}

#: Odd values where a plain one belongs: read as absent, so the event counts nothing.
ODD = {
    "metadata digits of another script": with_object_fields(
        metadata={"donation_id": "²"}, client_reference_id="١٢", id="cs_test_odd"
    ),
    "payment_status a list": with_object_fields(payment_status=["paid"]),
}


def stored(db) -> list[PaymentEvent]:
    return list(
        db.session.scalars(sa.select(PaymentEvent).where(PaymentEvent.provider == "stripe"))
    )


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_event_is_stored_acknowledged_and_ignored(
    client, db, campaign, donation, name, caplog
):
    body = json.dumps(MALFORMED[name](donation))
    response = deliver(client, body)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["outcome"].startswith("malformed")
    (row,) = stored(db)
    assert row.outcome.startswith("malformed")
    assert row.donation_id is None
    assert row.payload == body
    assert "malformed" in caplog.text
    db.session.refresh(campaign)
    assert (campaign.raised_minor, campaign.donor_count) == (0, 0)
    # A repeat is recognised, even without an event id of its own.
    assert deliver(client, body).json["outcome"] == "duplicate"
    assert len(stored(db)) == 1


@pytest.mark.parametrize("name", sorted(ODD))
def test_odd_values_count_nothing_and_never_fail(client, db, campaign, donation, name):
    response = deliver(client, json.dumps(ODD[name](donation)))
    assert response.status_code == 200
    db.session.refresh(campaign)
    assert (campaign.raised_minor, campaign.donor_count) == (0, 0)


def test_event_id_longer_than_the_column_is_stored_under_a_digest(client, db, donation):
    event = completed(donation)
    event["id"] = "evt_" + "x" * 400
    response = deliver(client, event)
    assert response.status_code == 200
    (row,) = stored(db)
    assert row.event_id.startswith("unreadable:")


@pytest.fixture
def committing_client(app):
    """A client whose requests commit for real (no rolled-back test transaction)."""
    made: list[str] = []
    yield app.test_client(), made
    with app.app_context():
        _db.session.execute(sa.delete(PaymentEvent).where(PaymentEvent.event_id.in_(made)))
        _db.session.commit()
        _db.session.remove()


def test_a_stored_malformed_event_is_committed(app, committing_client):
    client, made = committing_client
    body = json.dumps([1, 2])
    assert deliver(client, body).status_code == 200
    with app.app_context():
        row = _db.session.scalars(sa.select(PaymentEvent).where(PaymentEvent.payload == body)).one()
        made.append(row.event_id)
        _db.session.remove()
    # Seen from a new connection: the event is there, so its repeat is a duplicate.
    assert deliver(client, body).json["outcome"] == "duplicate"
