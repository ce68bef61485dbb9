"""The ledger believes Stripe only where it agrees with the gift: amounts, currencies,
payment status, the subscription a renewal belongs to, and what each dispute stage means."""

from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from campaigns.models import DonationSource, DonationStatus, Frequency, PaymentEvent
from campaigns.payments import ledger
from tests.stripe_server.events import (
    deliver,
    dispute_closed,
    dispute_created,
    dispute_funds_withdrawn,
    dispute_updated,
    invoice_paid,
    session_event,
)

CONTRADICTED = "contradicted"


def apply(event: dict) -> str:
    return ledger.record_event("stripe", event, json.dumps(event))


def totals(db, campaign) -> tuple[int, int]:
    db.session.refresh(campaign)
    return campaign.raised_minor, campaign.donor_count


def row_of(db, event) -> PaymentEvent:
    db.session.flush()
    return db.session.scalars(
        sa.select(PaymentEvent).where(PaymentEvent.event_id == event["id"])
    ).one()


@pytest.fixture
def campaign(make):
    return make.campaign()


@pytest.fixture
def gift(make, campaign):
    return make.donation(campaign, amount_minor=2000, source=DonationSource.STRIPE)


@pytest.fixture
def monthly(make, campaign):
    return make.donation(
        campaign, amount_minor=2500, source=DonationSource.STRIPE, frequency=Frequency.MONTHLY
    )


# Checkout Sessions: amount, currency, payment status ------------------------------------


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"amount_total": 1, "currency": "jpy"}, "currency"),
        ({"amount_total": 1}, "amount_total"),
        ({"currency": "eur"}, "currency"),
        ({"amount_total": None}, "amount_total"),
        ({"payment_status": "no_payment_required"}, "no_payment_required"),
    ],
)
def test_a_session_that_contradicts_the_gift_is_stored_not_applied(
    db, campaign, gift, changes, reason, caplog
):
    event = session_event("checkout.session.completed", gift)
    event["data"]["object"].update(changes)
    outcome = apply(event)
    assert outcome.startswith(CONTRADICTED)
    assert reason in outcome
    assert gift.status == DonationStatus.PENDING
    assert totals(db, campaign) == (0, 0)
    row = row_of(db, event)
    assert row.donation_id == gift.id
    assert row.outcome == outcome
    assert "contradicts donation" in caplog.text


def test_a_contradicted_event_is_never_counted_later(db, campaign, gift):
    bogus = session_event("checkout.session.completed", gift)
    bogus["data"]["object"]["amount_total"] = 1
    apply(bogus)
    # The genuine completion counts the gift once; the stored contradiction adds nothing.
    assert apply(session_event("checkout.session.completed", gift)).startswith("applied")
    assert totals(db, campaign) == (2000, 1)
    assert apply(session_event("checkout.session.async_payment_succeeded", gift)) == "no change"
    assert ledger.reconcile() == []


def test_a_contradiction_over_http_answers_200(client, db, campaign, gift):
    event = session_event("checkout.session.completed", gift)
    event["data"]["object"].update(amount_total=1, currency="jpy")
    response = deliver(client, event)
    assert response.status_code == 200
    assert response.json["outcome"].startswith(CONTRADICTED)
    assert totals(db, campaign) == (0, 0)


def test_the_test_gateway_reports_what_it_charged(db, make, campaign):
    from campaigns.payments import services

    donation = ledger.open_donation(campaign, 1500, source=DonationSource.TEST)
    assert services.settle_test_checkout(donation, paid=True).startswith("applied")
    assert totals(db, campaign) == (1500, 1)


# Renewals: only of a subscription the gift started, in its currency ---------------------


def start(monthly):
    apply(session_event("checkout.session.completed", monthly, mode="subscription"))
    assert monthly.subscription_id == f"sub_{monthly.reference}"


def test_a_renewal_of_a_foreign_subscription_does_not_count(db, campaign, monthly):
    start(monthly)
    foreign = invoice_paid(monthly, "in_foreign", amount=900_000)
    foreign["data"]["object"]["subscription"] = "sub_somebody_else"
    foreign["data"]["object"]["lines"]["data"][0]["subscription"] = "sub_somebody_else"
    assert apply(foreign).startswith(CONTRADICTED)
    assert totals(db, campaign) == (2500, 1)
    assert [d for d in campaign.donations if d.parent_id == monthly.id] == []


def test_a_renewal_naming_a_gift_without_a_subscription_waits_and_never_counts(db, campaign, make):
    once = make.donation(campaign, amount_minor=2000, source=DonationSource.STRIPE)
    apply(session_event("checkout.session.completed", once))
    foreign = invoice_paid(once, "in_foreign", amount=900_000)
    assert not apply(foreign).startswith("applied")
    assert totals(db, campaign) == (2000, 1)
    assert [d for d in campaign.donations if d.parent_id == once.id] == []


def test_a_renewal_in_another_currency_does_not_count(db, campaign, monthly):
    start(monthly)
    renewal = invoice_paid(monthly, "in_eur")
    renewal["data"]["object"]["currency"] = "eur"
    assert apply(renewal).startswith(CONTRADICTED)
    assert totals(db, campaign) == (2500, 1)


def test_a_first_invoice_of_a_foreign_subscription_does_not_mark_the_gift_paid(
    db, campaign, monthly
):
    first = invoice_paid(monthly, "in_first", billing_reason="subscription_create")
    first["data"]["object"]["subscription"] = "sub_somebody_else"
    apply(first)
    assert monthly.status == DonationStatus.PENDING
    assert monthly.subscription_id is None
    assert totals(db, campaign) == (0, 0)
    start(monthly)
    assert totals(db, campaign) == (2500, 1)
    assert monthly.invoice_id is None


def test_a_genuine_renewal_still_counts(db, campaign, monthly):
    start(monthly)
    assert apply(invoice_paid(monthly, "in_second")).startswith("applied")
    assert totals(db, campaign) == (5000, 1)


# Disputes: every stage that moves money -------------------------------------------------


def paid(gift):
    apply(session_event("checkout.session.completed", gift))


def test_funds_withdrawn_take_the_gift_out_of_the_total(db, campaign, gift):
    paid(gift)
    apply(dispute_funds_withdrawn(gift))
    assert gift.status == DonationStatus.DISPUTED
    assert totals(db, campaign) == (0, 0)
    apply(dispute_closed(gift, status="won"))
    assert gift.status == DonationStatus.SUCCEEDED
    assert totals(db, campaign) == (2000, 1)


def test_an_updated_dispute_holds_the_gift(db, campaign, gift):
    paid(gift)
    apply(dispute_updated(gift, status="under_review"))
    assert gift.status == DonationStatus.DISPUTED
    assert totals(db, campaign) == (0, 0)


def test_an_update_to_lost_refunds_the_gift(db, campaign, gift):
    paid(gift)
    apply(dispute_updated(gift, status="lost"))
    assert gift.status == DonationStatus.REFUNDED
    assert totals(db, campaign) == (0, 0)


def test_an_inquiry_update_does_not_take_the_money(db, campaign, gift):
    paid(gift)
    apply(dispute_updated(gift, status="warning_under_review"))
    assert gift.status == DonationStatus.SUCCEEDED
    assert totals(db, campaign) == (2000, 1)


def test_warning_closed_is_not_a_won_dispute(db, campaign, gift):
    paid(gift)
    apply(dispute_created(gift, status="needs_response"))
    apply(dispute_closed(gift, status="warning_closed"))
    assert gift.status == DonationStatus.DISPUTED
    assert totals(db, campaign) == (0, 0)


def test_staff_see_the_contradiction_on_the_donation_page(client, db, make):
    from campaigns.models import Campaign
    from tests.admin.world import build_world, sign_in

    world = build_world(make, db)
    campaign = db.session.get(Campaign, world.campaign)
    donation = make.donation(campaign, amount_minor=2000, source=DonationSource.STRIPE)
    event = session_event("checkout.session.completed", donation)
    event["data"]["object"].update(amount_total=1, currency="jpy")
    db.session.commit()
    assert deliver(client, event).status_code == 200
    sign_in(client, world.users["manager"])
    page = client.get(f"/admin/donations/{donation.id}").get_data(as_text=True)
    assert "contradicted: currency JPY is not the gift&#39;s USD" in page
