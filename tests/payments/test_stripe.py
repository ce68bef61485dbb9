"""Stripe Checkout through the real ``stripe`` library, against the local Stripe server."""

from __future__ import annotations

import socket

import pytest
import sqlalchemy as sa

from campaigns.models import DonationSource, DonationStatus, Installation
from campaigns.payments import ledger, services
from campaigns.payments.gateways import STRIPE_API_VERSION, GatewayError
from tests.payments.gifts import donate, gift
from tests.stripe_server.events import deliver

pytest_plugins = ["tests.stripe_server.fixtures"]


def installation(db) -> str:
    return db.session.scalar(sa.select(Installation.id))


def test_one_time_gift_creates_a_checkout_session_as_the_contract_says(
    stripe_app, stripe_server, client, db, campaign
):
    response, donation = donate(client, db, campaign)
    assert response.status_code == 303
    (call,) = stripe_server.calls("/v1/checkout/sessions")
    params, headers = call["params"], call["headers"]
    session_id = donation.checkout_session_id
    assert response.headers["Location"] == stripe_server.sessions[session_id]["url"]
    assert donation.source == DonationSource.STRIPE
    assert donation.status == DonationStatus.PENDING
    assert params["mode"] == "payment"
    assert params["submit_type"] == "donate"
    assert params["client_reference_id"] == str(donation.id)
    assert params["metadata"]["donation_id"] == str(donation.id)
    assert params["payment_intent_data"]["metadata"]["donation_id"] == str(donation.id)
    assert params["customer_email"] == "sami@example.org"
    (item,) = params["line_items"]
    assert item["quantity"] == 1
    assert item["price_data"]["unit_amount"] == 2500
    assert item["price_data"]["currency"] == "usd"
    assert "recurring" not in item["price_data"]
    assert params["success_url"] == f"http://localhost/donations/{donation.reference}/thanks"
    assert params["cancel_url"] == f"http://localhost/donations/{donation.reference}/cancelled"
    assert headers["Idempotency-Key"] == f"{installation(db)}:donation:{donation.id}"
    assert headers["Stripe-Version"] == STRIPE_API_VERSION == "2023-08-16"


def test_return_urls_cannot_be_steered_by_the_request(
    stripe_app, stripe_server, client, db, campaign
):
    response = client.post(
        f"/campaigns/{campaign.slug}/donate?success_url=https://evil.example/",
        data=gift(success_url="https://evil.example/", next="https://evil.example/"),
    )
    assert response.status_code == 303
    (call,) = stripe_server.calls("/v1/checkout/sessions")
    assert "evil" not in str(call["params"])


def test_public_url_is_used_for_return_urls(
    stripe_app, stripe_server, client, db, campaign, monkeypatch
):
    monkeypatch.setitem(stripe_app.config, "PUBLIC_URL", "https://give.example.org")
    _, donation = donate(client, db, campaign)
    (call,) = stripe_server.calls("/v1/checkout/sessions")
    assert call["params"]["success_url"] == (
        f"https://give.example.org/donations/{donation.reference}/thanks"
    )


def test_monthly_gift_is_a_subscription_with_a_monthly_price(
    stripe_app, stripe_server, client, db, campaign
):
    response, donation = donate(client, db, campaign, frequency="monthly")
    assert response.status_code == 303
    (call,) = stripe_server.calls("/v1/checkout/sessions")
    params = call["params"]
    assert params["mode"] == "subscription"
    assert "submit_type" not in params
    assert params["line_items"][0]["price_data"]["recurring"] == {"interval": "month"}
    assert params["subscription_data"]["metadata"]["donation_id"] == str(donation.id)
    assert params["client_reference_id"] == str(donation.id)


def test_three_decimal_currency_is_sent_in_multiples_of_ten(
    stripe_app, stripe_server, client, db, make
):
    campaign = make.campaign(currency="KWD", tiers=(5000,), goal_minor=10_000_000)
    response, _ = donate(client, db, campaign, amount="12.34")
    assert response.status_code == 303
    (call,) = stripe_server.calls("/v1/checkout/sessions")
    assert call["params"]["line_items"][0]["price_data"] == {
        "currency": "kwd",
        "unit_amount": 12340,
        "product_data": call["params"]["line_items"][0]["price_data"]["product_data"],
    }


def test_paid_session_moves_the_total_through_the_signed_webhook(
    stripe_app, stripe_server, client, db, campaign
):
    _, donation = donate(client, db, campaign)
    thanks = client.get(f"/donations/{donation.reference}/thanks").get_data(as_text=True)
    assert "not confirmed yet" in thanks
    (completed,) = stripe_server.pay(donation.checkout_session_id)
    response = deliver(client, completed)
    assert response.status_code == 200
    db.session.refresh(donation)
    db.session.refresh(campaign)
    assert donation.status == DonationStatus.SUCCEEDED
    assert donation.payment_intent_id == completed["data"]["object"]["payment_intent"]
    assert (campaign.raised_minor, campaign.donor_count) == (2500, 1)
    thanks = client.get(f"/donations/{donation.reference}/thanks").get_data(as_text=True)
    assert "is confirmed" in thanks


def test_monthly_first_payment_counts_once(stripe_app, stripe_server, client, db, campaign):
    _, donation = donate(client, db, campaign, frequency="monthly")
    events = stripe_server.pay(donation.checkout_session_id)
    assert [e["type"] for e in events] == ["checkout.session.completed", "invoice.paid"]
    for event in reversed(events):
        assert deliver(client, event).status_code == 200
    db.session.refresh(campaign)
    db.session.refresh(donation)
    assert (campaign.raised_minor, campaign.donor_count) == (2500, 1)
    assert donation.subscription_id == events[0]["data"]["object"]["subscription"]
    assert donation.invoice_id == events[1]["data"]["object"]["id"]


def test_refund_waits_for_stripe_and_then_lowers_the_total(
    stripe_app, stripe_server, client, db, campaign, make
):
    _, donation = donate(client, db, campaign)
    for event in stripe_server.pay(donation.checkout_session_id):
        deliver(client, event)
    stripe_server.take_outbox()
    db.session.refresh(donation)
    admin = make.user()

    refund_id = services.refund_donation(donation, 1000, admin)
    assert refund_id.startswith("re_")
    (call,) = stripe_server.calls("/v1/refunds")
    assert call["params"]["payment_intent"] == donation.payment_intent_id
    assert call["params"]["amount"] == 1000
    key = f"{installation(db)}:donation:{donation.id}:refund:1000"
    assert call["headers"]["Idempotency-Key"] == key
    # Nothing moves until Stripe confirms the refund.
    db.session.refresh(campaign)
    assert campaign.raised_minor == 2500

    # A second refund before the confirmation is a new request, with a key of its own.
    second_id = services.refund_donation(donation, 500, admin)
    assert second_id != refund_id
    calls = stripe_server.calls("/v1/refunds")
    assert calls[1]["headers"]["Idempotency-Key"] == key.replace(":1000", ":1500")
    events = stripe_server.take_outbox()
    assert [e["type"] for e in events] == ["charge.refunded"] * 2
    for event in reversed(events):
        assert deliver(client, event).status_code == 200
    db.session.refresh(campaign)
    db.session.refresh(donation)
    assert donation.status == DonationStatus.PARTIALLY_REFUNDED
    assert (campaign.raised_minor, campaign.donor_count) == (1000, 1)

    services.refund_donation(donation, 1000, admin)
    (event,) = stripe_server.take_outbox()
    deliver(client, event)
    db.session.refresh(campaign)
    db.session.refresh(donation)
    assert donation.status == DonationStatus.REFUNDED
    assert (campaign.raised_minor, campaign.donor_count) == (0, 0)
    assert ledger.reconcile() == []


@pytest.mark.parametrize("failure", ["card_declined", "api_error", "bad_key"])
def test_stripe_failures_give_a_friendly_page_and_fail_the_gift(
    stripe_app, stripe_server, client, db, campaign, failure
):
    stripe_server.fail_next(failure)
    response, donation = donate(client, db, campaign)
    assert response.status_code == 502
    html = response.get_data(as_text=True)
    assert "We could not start your payment" in html
    assert "nothing was charged" in html
    assert "Traceback" not in html
    assert donation.status == DonationStatus.FAILED
    db.session.refresh(campaign)
    assert campaign.raised_minor == 0


def test_network_failure_gives_a_friendly_page(stripe_app, client, db, campaign, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    monkeypatch.setitem(stripe_app.config, "STRIPE_API_BASE", f"http://127.0.0.1:{closed_port}")
    response, donation = donate(client, db, campaign)
    assert response.status_code == 502
    assert "We could not start your payment" in response.get_data(as_text=True)
    assert donation.status == DonationStatus.FAILED


def test_refund_refused_by_stripe_changes_nothing(stripe_app, stripe_server, client, db, campaign):
    _, donation = donate(client, db, campaign)
    for event in stripe_server.pay(donation.checkout_session_id):
        deliver(client, event)
    db.session.refresh(donation)
    stripe_server.fail_next("api_error")
    with pytest.raises(GatewayError):
        services.refund_donation(donation, 500)
    db.session.refresh(campaign)
    assert campaign.raised_minor == 2500


def test_gateway_sends_only_parameters_stripe_accepts(stripe_app, stripe_server):
    """The server refuses what Stripe refuses: so a passing test above means something."""
    import stripe

    client = stripe.StripeClient(
        "sk_test_x",
        stripe_version=STRIPE_API_VERSION,
        base_addresses={"api": stripe_server.url},
        max_network_retries=0,
    )
    with pytest.raises(stripe.InvalidRequestError, match="unknown parameter"):
        client.v1.checkout.sessions.create(
            params={"success_url": "https://x.example/", "colour": "red"},  # type: ignore[typeddict-unknown-key]
            options={"idempotency_key": "k1"},
        )
    with pytest.raises(stripe.InvalidRequestError, match="submit_type"):
        client.v1.checkout.sessions.create(
            params={
                "success_url": "https://x.example/",
                "mode": "payment",
                "submit_type": "give",  # type: ignore[typeddict-item]
                "line_items": [
                    {
                        "price_data": {
                            "currency": "usd",
                            "unit_amount": 100,
                            "product_data": {"name": "x"},
                        },
                        "quantity": 1,
                    }
                ],
            },
            options={"idempotency_key": "k2"},
        )
    with pytest.raises(stripe.InvalidRequestError, match="multiple of 10"):
        client.v1.checkout.sessions.create(
            params={
                "success_url": "https://x.example/",
                "mode": "payment",
                "line_items": [
                    {
                        "price_data": {
                            "currency": "kwd",
                            "unit_amount": 1234,
                            "product_data": {"name": "x"},
                        },
                        "quantity": 1,
                    }
                ],
            },
            options={"idempotency_key": "k3"},
        )
