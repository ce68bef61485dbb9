"""When the gateway ends a subscription nobody stopped here (Stripe, after payments that
kept failing): the gift reads as stopped, and the donor gets the stop email once, in
their language, whatever Stripe redelivers."""

from __future__ import annotations

import json

import sqlalchemy as sa

from campaigns.models import AuditEntry, Frequency, OutboxMessage
from campaigns.monthly import services
from campaigns.monthly.links import manage_url
from campaigns.payments import ledger
from campaigns.payments.gateways import test as test_gateway
from tests.monthly.conftest import give_monthly
from tests.monthly.mails import stop_emails
from tests.stripe_server.events import deliver, event, fixture

pytest_plugins = ["tests.stripe_server.fixtures"]


def _stripe_gift(client, db, campaign, stripe_server, lang: str):
    gift = give_monthly(client, db, campaign, lang=lang)
    for paid in stripe_server.pay(gift.checkout_session_id):
        assert deliver(client, paid).status_code == 200
    stripe_server.take_outbox()
    db.session.refresh(gift)
    assert services.state_of(gift) is services.GiftState.ACTIVE
    return gift


def _deleted_by_stripe(gift) -> dict:
    """What Stripe sends when it cancels the subscription itself (``cancellation_details``)."""
    obj = fixture("subscription")
    obj.update(
        id=gift.subscription_id,
        customer=gift.customer_id,
        status="canceled",
        cancellation_details={"reason": "payment_failed"},
    )
    return event("customer.subscription.deleted", obj)


def _ended_by_test_gateway(gift) -> dict:
    return test_gateway.test_event(
        "customer.subscription.deleted", test_gateway.subscription_object(gift)
    )


def _ended_audits(db) -> list[AuditEntry]:
    return db.session.query(AuditEntry).filter_by(action="donation.monthly_ended").all()


def test_stripe_ends_it_and_the_donor_is_told_once_in_arabic(
    stripe_app, stripe_server, client, db, campaign, smtp_server
):
    gift = _stripe_gift(client, db, campaign, stripe_server, lang="ar")
    deleted = _deleted_by_stripe(gift)
    assert deliver(client, deleted).status_code == 200
    db.session.refresh(gift)
    assert services.state_of(gift) is services.GiftState.STOPPED
    assert gift.stop_requested_at is None

    path = manage_url(gift).removeprefix("http://localhost")
    assert "موقوف" in client.get(path).get_data(as_text=True)
    [message] = stop_emails(smtp_server.messages)
    assert message["To"] == "sami@example.org"
    assert "أُوقف تبرّعك الشهري" in message["Subject"]
    assert 'dir="rtl"' in message.get_body(("html",)).get_content()
    [audit] = _ended_audits(db)
    assert (audit.object_id, json.loads(audit.detail)) == (gift.id, {"by": "gateway"})

    # Stripe redelivers the event, and sends another one about the same subscription.
    assert deliver(client, deleted).status_code == 200
    assert deliver(client, _deleted_by_stripe(gift)).status_code == 200
    assert len(stop_emails(smtp_server.messages)) == 1
    assert len(_ended_audits(db)) == 1


def test_with_the_test_gateway_too(client, db, campaign, smtp_server):
    gift = give_monthly(client, db, campaign)
    ended = _ended_by_test_gateway(gift)
    ledger.record_event("test", ended, json.dumps(ended))
    ledger.record_event("test", ended, json.dumps(ended))
    db.session.commit()
    db.session.refresh(gift)
    assert services.state_of(gift) is services.GiftState.STOPPED
    [message] = stop_emails(smtp_server.messages)
    assert message["Subject"].startswith("Your monthly gift to ")
    assert "$25.00" in message.get_body(("plain",)).get_content()
    assert len(_ended_audits(db)) == 1


def test_a_gift_stopped_here_is_not_said_to_be_ended_by_the_gateway(
    client, db, monthly_gift, smtp_server
):
    path = manage_url(monthly_gift).removeprefix("http://localhost")
    assert client.post(path + "/stop").status_code == 303
    assert _ended_audits(db) == []
    stops = db.session.query(AuditEntry).filter_by(action="donation.monthly_stop").count()
    assert stops == 1
    assert len(stop_emails(smtp_server.messages)) == 1


def test_stopped_here_then_ended_by_stripe_sends_one_email(
    stripe_app, stripe_server, client, db, campaign, smtp_server
):
    gift = _stripe_gift(client, db, campaign, stripe_server, lang="en")
    path = manage_url(gift).removeprefix("http://localhost")
    assert client.post(path + "/stop").status_code == 303
    [deleted] = stripe_server.take_outbox()
    assert deliver(client, deleted).status_code == 200
    db.session.refresh(gift)
    assert services.state_of(gift) is services.GiftState.STOPPED
    assert _ended_audits(db) == []
    assert len(stop_emails(smtp_server.messages)) == 1


def test_a_gift_never_paid_gets_no_goodbye(client, db, campaign, make, smtp_server):
    gift = make.donation(campaign, frequency=Frequency.MONTHLY, subscription_id="sub_never_paid")
    ended = _ended_by_test_gateway(gift)
    ledger.record_event("test", ended, json.dumps(ended))
    db.session.commit()
    stopped = OutboxMessage.dedupe_key.like("monthly-stopped:%")
    assert db.session.scalar(sa.select(sa.func.count()).where(stopped)) == 0
