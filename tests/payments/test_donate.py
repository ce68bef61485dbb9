"""The donate form, the keyless test gateway and the pages a donor comes back to."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from campaigns.models import (
    CampaignState,
    Donation,
    DonationSource,
    DonationStatus,
    Frequency,
    PaymentEvent,
)
from campaigns.payments import ledger, services


def gift(**overrides) -> dict:
    data = {
        "amount": "25",
        "frequency": "once",
        "name": "Lina Haddad",
        "email": "lina@example.org",
        "message": "For the clinics.",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def donations(db, campaign) -> list[Donation]:
    return db.session.query(Donation).filter_by(campaign_id=campaign.id).all()


def test_campaign_page_shows_the_form_with_tiers(client, campaign):
    page = client.get(f"/campaigns/{campaign.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'action="/campaigns/{campaign.slug}/donate"' in html
    for tier in campaign.tiers:
        assert f'value="{tier.id}"' in html
    assert "$10.00" in html
    assert 'name="amount"' in html
    assert 'value="monthly"' in html


def test_tier_gift_goes_to_the_test_checkout_and_counts_nothing_yet(client, db, campaign):
    tier = campaign.tiers[1]
    response = client.post(
        f"/campaigns/{campaign.slug}/donate", data=gift(amount=None, tier=str(tier.id))
    )
    assert response.status_code == 303
    (donation,) = donations(db, campaign)
    assert response.headers["Location"] == f"/test-checkout/{donation.reference}"
    assert donation.amount_minor == tier.amount_minor
    assert donation.status == DonationStatus.PENDING
    assert donation.source == DonationSource.TEST
    assert donation.donor_email == "lina@example.org"
    assert donation.checkout_session_id.startswith("cs_test_")
    db.session.refresh(campaign)
    assert (campaign.raised_minor, campaign.donor_count) == (0, 0)


@pytest.mark.parametrize(
    ("typed", "minor"),
    [
        ("25", 2500),
        ("25.50", 2550),
        ("1,000", 100000),
        ("1000.5", 100050),
        ("٢٥", 2500),
        ("٢٥٫٥٠", 2550),
        (" 30 ", 3000),
    ],
)
def test_amounts_as_donors_type_them(client, db, campaign, typed, minor):
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=gift(amount=typed))
    assert response.status_code == 303, response.get_data(as_text=True)
    (donation,) = donations(db, campaign)
    assert donation.amount_minor == minor


def test_typed_amount_wins_over_a_checked_tier(client, db, campaign):
    response = client.post(
        f"/campaigns/{campaign.slug}/donate",
        data=gift(amount="42", tier=str(campaign.tiers[0].id)),
    )
    assert response.status_code == 303
    assert donations(db, campaign)[0].amount_minor == 4200


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("abc", "Please type an amount like"),
        ("-5", "Please type an amount like"),
        ("1e3", "Please type an amount like"),
        ("25.555", "at most 2 decimal places"),
        ("0", "greater than zero"),
        ("0.50", "The smallest gift is $1.00"),
        ("100000.01", "The largest gift online is $100,000.00"),
    ],
)
def test_bad_amounts_come_back_beside_the_field_and_create_nothing(
    client, db, campaign, typed, message
):
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=gift(amount=typed))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert 'id="donate-amount-error"' in html
    assert 'aria-describedby="donate-amount-hint donate-amount-error"' in html
    # What the donor typed is still there.
    assert 'value="lina@example.org"' in html
    assert "For the clinics." in html
    assert donations(db, campaign) == []


def test_no_amount_at_all_is_refused(client, db, campaign):
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=gift(amount=""))
    assert response.status_code == 422
    assert "Please choose a gift or type the amount" in response.get_data(as_text=True)
    assert donations(db, campaign) == []


def test_unknown_tier_is_refused(client, db, campaign, make):
    other = make.campaign()
    response = client.post(
        f"/campaigns/{campaign.slug}/donate",
        data=gift(amount=None, tier=str(other.tiers[0].id)),
    )
    assert response.status_code == 422
    assert "Please choose one of the gifts shown" in response.get_data(as_text=True)
    assert donations(db, campaign) == []


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "not-an-email", "This does not look like an email address."),
        ("email", "", "Please give an email address for your receipt."),
        ("name", "", "Please tell us your name."),
        ("message", "x" * 501, "Please keep your message under 500 characters."),
        ("frequency", "weekly", "Choose once or monthly."),
    ],
)
def test_bad_donor_details_are_refused(client, db, campaign, field, value, message):
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=gift(**{field: value}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert message in html
    assert donations(db, campaign) == []


def test_campaign_bounds_are_its_own(client, db, make):
    campaign = make.campaign(min_amount_minor=50_00, max_amount_minor=500_00)
    assert client.post(f"/campaigns/{campaign.slug}/donate", data=gift()).status_code == 422
    assert (
        client.post(f"/campaigns/{campaign.slug}/donate", data=gift(amount="501")).status_code
        == 422
    )
    assert (
        client.post(f"/campaigns/{campaign.slug}/donate", data=gift(amount="50")).status_code == 303
    )


def test_three_decimal_currency_takes_multiples_of_ten_fils(client, db, make):
    campaign = make.campaign(currency="KWD", tiers=(5000,), goal_minor=10_000_000)
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=gift(amount="1.234"))
    assert response.status_code == 422
    assert "must be a multiple of" in response.get_data(as_text=True)
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=gift(amount="1.23"))
    assert response.status_code == 303
    assert donations(db, campaign)[0].amount_minor == 1230


def test_zero_decimal_currency_takes_whole_amounts(client, db, make):
    campaign = make.campaign(currency="JPY", tiers=(1000,), goal_minor=1_000_000)
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=gift(amount="25.5"))
    assert response.status_code == 422
    assert "whole amount" in response.get_data(as_text=True)
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=gift(amount="2500"))
    assert response.status_code == 303
    assert donations(db, campaign)[0].amount_minor == 2500


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"state": CampaignState.CLOSED}, "no longer"),
        (
            {
                "starts_on": date.today() - timedelta(days=30),
                "ends_on": date.today() - timedelta(1),
            },
            "no longer",
        ),
        ({"starts_on": date.today() + timedelta(days=3)}, "has not started yet"),
    ],
)
def test_campaigns_that_take_no_gifts_say_so(client, db, make, overrides, message):
    campaign = make.campaign(**overrides)
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=gift())
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert donations(db, campaign) == []


@pytest.mark.parametrize("state", [CampaignState.DRAFT, CampaignState.ARCHIVED])
def test_unpublished_campaigns_do_not_exist_for_donors(client, db, make, state):
    campaign = make.campaign(state=state)
    assert client.post(f"/campaigns/{campaign.slug}/donate", data=gift()).status_code == 404
    assert donations(db, campaign) == []


def test_unknown_campaign_is_404(client):
    assert client.post("/campaigns/nope/donate", data=gift()).status_code == 404


def test_donating_from_the_arabic_page_keeps_arabic(client, db, campaign):
    response = client.post(f"/ar/campaigns/{campaign.slug}/donate", data=gift(amount="abc"))
    assert response.status_code == 422
    assert 'lang="ar"' in response.get_data(as_text=True)
    response = client.post(f"/ar/campaigns/{campaign.slug}/donate", data=gift(amount="٢٥"))
    (donation,) = donations(db, campaign)
    assert response.headers["Location"] == f"/ar/test-checkout/{donation.reference}"
    assert donation.locale == "ar"


# --- the keyless test gateway -------------------------------------------------------------


def start(client, db, campaign, **overrides) -> Donation:
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=gift(**overrides))
    assert response.status_code == 303
    return (
        db.session.query(Donation)
        .filter_by(campaign_id=campaign.id)
        .order_by(Donation.id.desc())
        .first()
    )


def test_test_checkout_says_plainly_that_no_money_moves(client, db, campaign):
    donation = start(client, db, campaign)
    page = client.get(f"/test-checkout/{donation.reference}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "This is test mode. No money moves" in html
    assert 'value="pay"' in html
    assert 'value="decline"' in html
    assert "$25.00" in html


def test_paying_on_the_test_page_moves_the_total_through_the_event_path(client, db, campaign):
    donation = start(client, db, campaign)
    response = client.post(f"/test-checkout/{donation.reference}", data={"action": "pay"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/donations/{donation.reference}/thanks")
    db.session.refresh(donation)
    db.session.refresh(campaign)
    assert donation.status == DonationStatus.SUCCEEDED
    assert (campaign.raised_minor, campaign.donor_count) == (2500, 1)
    (event,) = db.session.query(PaymentEvent).filter_by(donation_id=donation.id).all()
    assert event.provider == "test"
    assert event.type == "checkout.session.completed"
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "is confirmed" in thanks
    # Pressing Pay again (back button) cannot count the gift twice.
    again = client.post(f"/test-checkout/{donation.reference}", data={"action": "pay"})
    assert again.status_code == 303
    db.session.refresh(campaign)
    assert campaign.raised_minor == 2500
    assert ledger.reconcile() == []


def test_declining_on_the_test_page_fails_the_gift(client, db, campaign):
    donation = start(client, db, campaign)
    response = client.post(f"/test-checkout/{donation.reference}", data={"action": "decline"})
    assert response.status_code == 303
    db.session.refresh(donation)
    db.session.refresh(campaign)
    assert donation.status == DonationStatus.FAILED
    assert campaign.raised_minor == 0
    thanks = client.get(f"/donations/{donation.reference}/thanks").get_data(as_text=True)
    assert "did not go through" in thanks
    assert "Nothing was charged" in thanks


def test_monthly_test_gift_starts_a_subscription(client, db, campaign):
    donation = start(client, db, campaign, frequency="monthly")
    assert donation.frequency == Frequency.MONTHLY
    client.post(f"/test-checkout/{donation.reference}", data={"action": "pay"})
    db.session.refresh(donation)
    assert donation.status == DonationStatus.SUCCEEDED
    assert donation.subscription_id == f"sub_test_{donation.reference}"


def test_test_gateway_is_refused_in_production(app, client, db, campaign, monkeypatch):
    donation = start(client, db, campaign)
    monkeypatch.setitem(app.config, "CAMPAIGNS_ENV", "production")
    assert client.get(f"/test-checkout/{donation.reference}").status_code == 404
    response = client.post(f"/test-checkout/{donation.reference}", data={"action": "pay"})
    assert response.status_code == 404
    db.session.refresh(donation)
    assert donation.status == DonationStatus.PENDING
    # And a new gift does not silently use it: the donor gets a plain page instead.
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=gift())
    assert response.status_code == 503
    assert "nothing was charged" in response.get_data(as_text=True)
    # Nor does any page claim the site is in test mode.
    page = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    assert "Test mode" not in page


def test_test_checkout_of_an_unknown_reference_is_404(client):
    assert client.get("/test-checkout/nope").status_code == 404


def test_thanks_page_says_when_the_gift_is_not_confirmed_yet(client, db, campaign):
    donation = start(client, db, campaign)
    response = client.get(f"/donations/{donation.reference}/thanks")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "It is not confirmed yet" in html
    assert 'http-equiv="refresh"' in html
    assert response.headers["Cache-Control"] == "no-store"
    # The page is addressed by the random reference, never by the row's number.
    assert client.get(f"/donations/{donation.id}/thanks").status_code == 404


def test_cancel_page_returns_to_the_form_with_the_gift_kept(client, db, campaign):
    donation = start(client, db, campaign, amount="33.50", frequency="monthly", anonymous="y")
    response = client.get(f"/donations/{donation.reference}/cancelled")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "nothing was charged" in html
    assert 'value="33.50"' in html
    assert 'value="monthly" checked' in html
    assert 'value="lina@example.org"' in html


def test_cancel_page_rechecks_the_tier(client, db, campaign):
    tier = campaign.tiers[2]
    donation = start(client, db, campaign, amount=None, tier=str(tier.id))
    html = client.get(f"/donations/{donation.reference}/cancelled").get_data(as_text=True)
    assert f'value="{tier.id}" checked' in html


def test_return_urls_use_public_url_and_ignore_the_request(app, db, campaign, make, monkeypatch):
    donation = make.donation(campaign)
    with app.test_request_context(
        "/campaigns/x/donate?next=https://evil.example/", base_url="http://localhost:5000"
    ):
        urls = services.return_urls(donation)
        # The address the app was started with, not the one this request came in on.
        assert urls.success == f"http://localhost/donations/{donation.reference}/thanks"
        assert urls.cancel == f"http://localhost/donations/{donation.reference}/cancelled"
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://give.example.org")
    with app.test_request_context("/", base_url="http://internal:8000"):
        urls = services.return_urls(donation)
    assert urls.success == f"https://give.example.org/donations/{donation.reference}/thanks"


def test_test_gateway_refund_lowers_the_total_at_once(client, db, campaign, make):
    donation = start(client, db, campaign)
    client.post(f"/test-checkout/{donation.reference}", data={"action": "pay"})
    db.session.refresh(donation)
    admin = make.user()
    services.refund_donation(donation, 1000, admin)
    db.session.refresh(donation)
    db.session.refresh(campaign)
    assert donation.status == DonationStatus.PARTIALLY_REFUNDED
    assert campaign.raised_minor == 1500
    services.refund_donation(donation, 1500, admin)
    db.session.refresh(campaign)
    assert donation.status == DonationStatus.REFUNDED
    assert (campaign.raised_minor, campaign.donor_count) == (0, 0)
    with pytest.raises(ledger.LedgerError):
        services.refund_donation(donation, 1, admin)
    assert ledger.reconcile() == []


def test_offline_refund_goes_through_the_ledger(db, campaign):
    gift_row = ledger.record_offline_gift(
        campaign,
        10000,
        donor_name="Omar",
        method="cash",
        reference=None,
        received_on=date.today(),
    )
    assert services.refund_donation(gift_row, 4000) == "offline"
    db.session.refresh(campaign)
    assert campaign.raised_minor == 6000
    with pytest.raises(ledger.LedgerError):
        services.refund_donation(gift_row, 6001)


def test_donate_and_test_checkout_forms_carry_csrf_tokens(app, client, db, campaign, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    refused = client.post(f"/campaigns/{campaign.slug}/donate", data=gift())
    assert refused.status_code == 400
    assert donations(db, campaign) == []

    page = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    token = token or re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "the donate form has no CSRF token"
    response = client.post(
        f"/campaigns/{campaign.slug}/donate", data=gift(csrf_token=token.group(1))
    )
    assert response.status_code == 303
    checkout = client.get(response.headers["Location"]).get_data(as_text=True)
    tokens = re.findall(r'name="csrf_token" value="([^"]+)"', checkout)
    assert len(tokens) == 2  # Pay and Decline
    (donation,) = donations(db, campaign)
    assert (
        client.post(f"/test-checkout/{donation.reference}", data={"action": "pay"}).status_code
        == 400
    )
    paid = client.post(
        f"/test-checkout/{donation.reference}", data={"action": "pay", "csrf_token": tokens[0]}
    )
    assert paid.status_code == 303
    db.session.refresh(donation)
    assert donation.status == DonationStatus.SUCCEEDED


@pytest.mark.parametrize("path", ["/", "/campaigns/", "/ar/", "/admin/login"])
def test_test_mode_banner_on_every_page_without_a_stripe_key(client, path):
    page = client.get(path).get_data(as_text=True)
    assert 'class="test-banner"' in page


def test_no_test_mode_banner_with_a_stripe_key(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_123")
    assert 'class="test-banner"' not in client.get("/").get_data(as_text=True)
