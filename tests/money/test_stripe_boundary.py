"""Stripe's units at the boundary: checkouts, subscriptions, refunds and events in a
currency where Babel and Stripe disagree, and campaigns in a currency Stripe cannot charge."""

from __future__ import annotations

import pytest
from flask import g

from campaigns.models import CampaignState, Donation, DonationStatus, Role
from campaigns.payments import services
from tests.stripe_server.events import deliver

pytest_plugins = ["tests.stripe_server.fixtures"]

PASSWORD = "a long enough password"


def gift(**overrides) -> dict:
    data = {"amount": "1,000,000", "frequency": "once", "name": "Rana", "email": "r@example.org"}
    data.update(overrides)
    return data


def latest_donation(db, campaign) -> Donation | None:
    return (
        db.session.query(Donation)
        .filter_by(campaign_id=campaign.id)
        .order_by(Donation.id.desc())
        .first()
    )


@pytest.fixture
def lbp_campaign(make):
    """Lebanese pounds: no decimals for Babel, two for Stripe."""
    return make.campaign(currency="LBP", tiers=(500_000,), goal_minor=10**9, max_amount_minor=10**8)


def test_lbp_gift_is_charged_in_full_and_counted_in_full(
    stripe_app, stripe_server, client, db, lbp_campaign
):
    response = client.post(f"/campaigns/{lbp_campaign.slug}/donate", data=gift())
    assert response.status_code == 303
    donation = latest_donation(db, lbp_campaign)
    assert donation.amount_minor == 1_000_000
    (call,) = stripe_server.calls("/v1/checkout/sessions")
    price = call["params"]["line_items"][0]["price_data"]
    assert (price["currency"], price["unit_amount"]) == ("lbp", 100_000_000)

    (completed,) = stripe_server.pay(donation.checkout_session_id)
    assert completed["data"]["object"]["amount_total"] == 100_000_000
    assert deliver(client, completed).status_code == 200
    db.session.refresh(lbp_campaign)
    assert lbp_campaign.raised_minor == 1_000_000


def test_lbp_refund_is_sent_and_read_in_stripes_units(
    stripe_app, stripe_server, client, db, lbp_campaign, make
):
    client.post(f"/campaigns/{lbp_campaign.slug}/donate", data=gift())
    donation = latest_donation(db, lbp_campaign)
    for event in stripe_server.pay(donation.checkout_session_id):
        deliver(client, event)
    stripe_server.take_outbox()
    db.session.refresh(donation)

    services.refund_donation(donation, 250_000, make.user())
    (call,) = stripe_server.calls("/v1/refunds")
    assert call["params"]["amount"] == 25_000_000
    (refunded,) = stripe_server.take_outbox()
    assert refunded["data"]["object"]["amount_refunded"] == 25_000_000
    assert deliver(client, refunded).status_code == 200
    db.session.refresh(donation)
    db.session.refresh(lbp_campaign)
    assert donation.refunded_minor == 250_000
    assert donation.status is DonationStatus.PARTIALLY_REFUNDED
    assert lbp_campaign.raised_minor == 750_000


def test_monthly_isk_gift_has_a_price_in_hundreds_and_renews_in_kronur(
    stripe_app, stripe_server, client, db, make
):
    campaign = make.campaign(currency="ISK", tiers=(5000,), goal_minor=10**7)
    response = client.post(
        f"/campaigns/{campaign.slug}/donate", data=gift(amount="2500", frequency="monthly")
    )
    assert response.status_code == 303
    (call,) = stripe_server.calls("/v1/checkout/sessions")
    price = call["params"]["line_items"][0]["price_data"]
    assert price["unit_amount"] == 250_000 and price["recurring"] == {"interval": "month"}
    donation = latest_donation(db, campaign)
    events = stripe_server.pay(donation.checkout_session_id)
    assert [e["data"]["object"]["amount_paid"] for e in events[1:]] == [250_000]
    for event in events:
        assert deliver(client, event).status_code == 200
    db.session.refresh(campaign)
    assert campaign.raised_minor == 2500


def test_test_gateway_speaks_in_stripes_units_too(client, db, lbp_campaign):
    client.post(f"/campaigns/{lbp_campaign.slug}/donate", data=gift(amount="750000"))
    donation = latest_donation(db, lbp_campaign)
    response = client.post(f"/test-checkout/{donation.reference}", data={"action": "pay"})
    assert response.status_code == 303
    db.session.refresh(lbp_campaign)
    assert lbp_campaign.raised_minor == 750_000


# A currency Stripe cannot charge: offline gifts only ----------------------------------


@pytest.fixture
def syp_campaign(make):
    return make.campaign(currency="SYP", tiers=(50_000,), goal_minor=10**9)


def test_campaign_page_says_gifts_cannot_be_paid_online(client, syp_campaign):
    page = client.get(f"/campaigns/{syp_campaign.slug}").get_data(as_text=True)
    assert "Gifts in SYP cannot be paid online" in page
    assert f'action="/campaigns/{syp_campaign.slug}/donate"' not in page


def test_donate_post_is_refused_and_creates_nothing(client, db, syp_campaign):
    response = client.post(f"/campaigns/{syp_campaign.slug}/donate", data=gift(amount="50000"))
    assert response.status_code == 422
    assert "Gifts in SYP cannot be paid online" in response.get_data(as_text=True)
    assert latest_donation(db, syp_campaign) is None


def test_closed_campaign_still_says_it_is_closed(client, make):
    campaign = make.campaign(currency="SYP", state=CampaignState.CLOSED)
    page = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    assert "has ended and no longer receives gifts" in page
    assert "cannot be paid online" not in page


def test_arabic_page_says_it_in_arabic(client, syp_campaign):
    page = client.get(f"/ar/campaigns/{syp_campaign.slug}").get_data(as_text=True)
    assert "لا يمكن دفع التبرعات بعملة SYP عبر الإنترنت" in page


def _sign_in_manager(client, make, campaign):
    user = make.member(campaign.organization, role=Role.MANAGER, password=PASSWORD)
    g.pop("_login_user", None)
    response = client.post("/admin/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    return user


def _campaign_form(campaign, **overrides) -> dict:
    data = {
        "slug": campaign.slug,
        "title_en": campaign.title_en,
        "sector": campaign.sector.value,
        "currency": campaign.currency,
        "goal": "25000",
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat() if campaign.ends_on else "",
        "action": "save",
    }
    data.update(overrides)
    return data


def test_admin_sees_the_note_beside_the_currency_and_a_warning_on_save(client, make, db):
    campaign = make.campaign(state=CampaignState.DRAFT)
    _sign_in_manager(client, make, campaign)
    edit = f"/admin/campaigns/{campaign.id}/edit"
    assert "Stripe cannot take payments" not in client.get(edit).get_data(as_text=True)

    response = client.post(edit, data=_campaign_form(campaign, currency="SYP"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'class="flash flash-warning"' in page
    assert 'id="currency-hint">Stripe cannot take payments in SYP' in page
    assert 'aria-describedby="currency-hint"' in page


def test_a_chargeable_currency_brings_no_warning(client, make, db):
    campaign = make.campaign(state=CampaignState.DRAFT)
    _sign_in_manager(client, make, campaign)
    edit = f"/admin/campaigns/{campaign.id}/edit"
    response = client.post(edit, data=_campaign_form(campaign, currency="LBP"))
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Stripe cannot take payments" not in page
    assert "flash-warning" not in page
