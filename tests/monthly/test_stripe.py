"""With Stripe: stopping and changing the amount through the subscription API of the real
``stripe`` library, against the local Stripe server and its schema checks."""

from __future__ import annotations

import sqlalchemy as sa

from campaigns.models import Installation
from campaigns.monthly.links import manage_url
from tests.monthly.conftest import give_monthly
from tests.monthly.mails import stop_emails
from tests.stripe_server.events import deliver

pytest_plugins = ["tests.stripe_server.fixtures"]


def _paid_stripe_gift(client, db, campaign, stripe_server):
    gift = give_monthly(client, db, campaign)
    for event in stripe_server.pay(gift.checkout_session_id):
        assert deliver(client, event).status_code == 200
    stripe_server.take_outbox()
    db.session.refresh(gift)
    assert gift.subscription_id in stripe_server.subscriptions
    return gift


def _path(gift) -> str:
    return manage_url(gift).removeprefix("http://localhost")


def test_stopping_cancels_the_subscription_and_the_webhook_ends_it(
    stripe_app, stripe_server, client, db, campaign, smtp_server
):
    gift = _paid_stripe_gift(client, db, campaign, stripe_server)
    path = _path(gift)
    assert client.post(path + "/stop").status_code == 303
    [call] = [r for r in stripe_server.requests if r["method"] == "DELETE"]
    assert call["path"] == f"/v1/subscriptions/{gift.subscription_id}"
    assert stripe_server.subscriptions[gift.subscription_id]["status"] == "canceled"
    db.session.refresh(gift)
    assert gift.stop_requested_at is not None
    assert gift.subscription_ended_at is None
    assert "Stopping: nothing more will be charged." in client.get(path).get_data(as_text=True)

    [deleted] = stripe_server.take_outbox()
    assert deleted["type"] == "customer.subscription.deleted"
    assert deliver(client, deleted).status_code == 200
    db.session.refresh(gift)
    assert gift.subscription_ended_at is not None
    assert "Stopped: nothing more will be charged." in client.get(path).get_data(as_text=True)
    assert len(stop_emails(smtp_server.messages)) == 1


def test_a_subscription_cancelled_already_reads_as_stopped(
    stripe_app, stripe_server, client, db, campaign
):
    gift = _paid_stripe_gift(client, db, campaign, stripe_server)
    stripe_server.subscriptions[gift.subscription_id]["status"] = "canceled"
    assert client.post(_path(gift) + "/stop").status_code == 303
    db.session.refresh(gift)
    assert gift.stop_requested_at is not None


def test_a_stripe_failure_changes_nothing(stripe_app, stripe_server, client, db, campaign):
    gift = _paid_stripe_gift(client, db, campaign, stripe_server)
    stripe_server.fail_next("api_error")
    response = client.post(_path(gift) + "/stop")
    assert response.status_code == 502
    assert "nothing was changed" in response.get_data(as_text=True)
    db.session.expire_all()
    db.session.refresh(gift)
    assert gift.stop_requested_at is None


def test_changing_the_amount_gives_the_item_a_new_price(
    stripe_app, stripe_server, client, db, campaign
):
    gift = _paid_stripe_gift(client, db, campaign, stripe_server)
    old_price = stripe_server.subscriptions[gift.subscription_id]["items"]["data"][0]["price"]
    assert client.post(_path(gift) + "/amount", data={"amount": "40"}).status_code == 303
    [update] = [
        r
        for r in stripe_server.requests
        if r["method"] == "POST" and r["path"] == f"/v1/subscriptions/{gift.subscription_id}"
    ]
    [item] = update["params"]["items"]
    assert item["price_data"] == {
        "currency": "usd",
        "product": old_price["product"],
        "unit_amount": 4000,
        "recurring": {"interval": "month"},
    }
    assert update["params"]["proration_behavior"] == "none"
    installation = db.session.scalar(sa.select(Installation.id))
    assert update["headers"]["Idempotency-Key"] == (
        f"{installation}:donation:{gift.id}:price:{old_price['id']}:4000"
    )
    new_price = stripe_server.subscriptions[gift.subscription_id]["items"]["data"][0]["price"]
    assert new_price["unit_amount"] == 4000
    assert new_price["id"] != old_price["id"]
    db.session.refresh(gift)
    assert gift.monthly_amount_minor == 4000


def test_changing_back_and_forth_never_replays_an_earlier_change(
    stripe_app, stripe_server, client, db, campaign
):
    gift = _paid_stripe_gift(client, db, campaign, stripe_server)
    path = _path(gift)
    for typed in ("40", "25", "40"):
        assert client.post(path + "/amount", data={"amount": typed}).status_code == 303
    price = stripe_server.subscriptions[gift.subscription_id]["items"]["data"][0]["price"]
    assert price["unit_amount"] == 4000
    keys = [
        r["headers"]["Idempotency-Key"]
        for r in stripe_server.requests
        if r["method"] == "POST" and r["path"].startswith("/v1/subscriptions/")
    ]
    assert len(keys) == len(set(keys)) == 3
