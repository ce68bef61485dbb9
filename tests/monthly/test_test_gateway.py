"""With the test gateway: stopping, renewing and changing the amount through the same event
path as Stripe's webhooks, and the email that tells the donor."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from campaigns.models import AuditEntry, Donation, DonationStatus, OutboxMessage, PaymentEvent
from campaigns.monthly import services
from campaigns.monthly.links import manage_url, read_token
from tests.monthly.conftest import give_monthly
from tests.monthly.mails import stop_emails


def _path(gift) -> str:
    return manage_url(gift).removeprefix("http://localhost")


def _renewals(db, gift) -> list[Donation]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Donation).where(Donation.parent_id == gift.id)))


def test_the_donor_stops_the_gift_and_the_ledger_hears_it(client, db, monthly_gift, smtp_server):
    path = _path(monthly_gift)
    response = client.post(path + "/stop")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(path)
    db.session.refresh(monthly_gift)
    assert monthly_gift.subscription_ended_at is not None
    event = db.session.scalar(
        sa.select(PaymentEvent).where(PaymentEvent.type == "customer.subscription.deleted")
    )
    assert event.provider == "test"
    assert event.donation_id == monthly_gift.id
    page = client.get(path).get_data(as_text=True)
    assert "Your monthly gift is stopped. Nothing more will be charged." in page
    assert "Stopped: nothing more will be charged." in page
    assert "Stop my monthly gift" not in page
    [message] = stop_emails(smtp_server.messages)
    assert message["To"] == "sami@example.org"
    assert message["Subject"].startswith("Your monthly gift to ")
    body = message.get_body(("plain",)).get_content()
    assert "$25.00" in body
    [link] = re.findall(r"http://localhost/en/monthly/\S+", body)
    assert read_token(link.rsplit("/", 1)[1]).id == monthly_gift.id


def test_stopping_twice_sends_one_email_and_one_event(client, db, monthly_gift, smtp_server):
    path = _path(monthly_gift)
    assert client.post(path + "/stop").status_code == 303
    # A second press (a double click, the back button) just shows the stopped gift.
    assert client.post(path + "/stop").status_code == 303
    assert services.stop(monthly_gift) is False
    db.session.expire_all()
    events = db.session.scalars(
        sa.select(PaymentEvent).where(PaymentEvent.type == "customer.subscription.deleted")
    ).all()
    assert len(events) == 1
    stopped = OutboxMessage.dedupe_key.like("monthly-stopped:%")
    stops = db.session.query(OutboxMessage).filter(stopped)
    assert stops.count() == 1
    assert len(stop_emails(smtp_server.messages)) == 1


def test_the_stop_email_is_in_the_donors_language(client, db, campaign, smtp_server):
    gift = give_monthly(client, db, campaign, lang="ar")
    assert client.post(_path(gift) + "/stop").status_code == 303
    [message] = stop_emails(smtp_server.messages)
    assert "أُوقف تبرّعك الشهري" in message["Subject"]
    html = message.get_body(("html",)).get_content()
    assert 'dir="rtl"' in html


def test_a_renewal_is_counted_once(client, db, runner, monthly_gift, campaign):
    db.session.refresh(campaign)
    raised = campaign.raised_minor
    later = monthly_gift.succeeded_at + timedelta(days=32)
    assert services.renew_test_subscriptions(now=later) == 1
    assert services.renew_test_subscriptions(now=later) == 0
    [renewal] = _renewals(db, monthly_gift)
    assert renewal.status == DonationStatus.SUCCEEDED
    assert renewal.amount_minor == 2500
    db.session.refresh(campaign)
    assert campaign.raised_minor == raised + 2500
    # The same invoice sent again (a lost answer) is one donation still.
    invoice = renewal.invoice_id
    from campaigns.payments.gateways import TestGateway

    assert TestGateway().renew(monthly_gift, invoice, 2500) == "no change"
    assert len(_renewals(db, monthly_gift)) == 1


def test_nothing_is_due_within_the_month(db, monthly_gift):
    soon = monthly_gift.succeeded_at + timedelta(days=5)
    assert services.renew_test_subscriptions(now=soon) == 0
    assert _renewals(db, monthly_gift) == []


def test_the_command_renews_and_a_stopped_gift_never_renews(client, db, runner, monthly_gift):
    result = runner.invoke(args=["renew-test-subscriptions", "--all-now"])
    assert result.exit_code == 0, result.output
    assert "Renewed 1 test subscription(s)." in result.output
    assert len(_renewals(db, monthly_gift)) == 1
    assert client.post(_path(monthly_gift) + "/stop").status_code == 303
    result = runner.invoke(args=["renew-test-subscriptions", "--all-now"])
    assert "Renewed 0 test subscription(s)." in result.output
    assert len(_renewals(db, monthly_gift)) == 1


def test_a_changed_amount_is_what_the_next_renewal_charges(client, db, monthly_gift):
    response = client.post(_path(monthly_gift) + "/amount", data={"amount": "40"})
    assert response.status_code == 303
    db.session.refresh(monthly_gift)
    assert monthly_gift.monthly_amount_minor == 4000
    assert monthly_gift.amount_minor == 2500
    page = client.get(_path(monthly_gift)).get_data(as_text=True)
    assert "$40.00" in page
    assert "Your new amount applies from the next monthly payment." in page
    entry = db.session.scalar(
        sa.select(AuditEntry).where(AuditEntry.action == "donation.monthly_amount")
    )
    assert entry.object_id == monthly_gift.id
    assert services.renew_test_subscriptions(all_now=True) == 1
    [renewal] = _renewals(db, monthly_gift)
    assert renewal.amount_minor == 4000


def test_an_amount_outside_the_rules_changes_nothing(client, db, make, monthly_gift):
    campaign = monthly_gift.campaign
    campaign.max_amount_minor = 100_00
    db.session.flush()
    path = _path(monthly_gift)
    for typed, message in (
        ("0.5", "The smallest gift is"),
        ("1000", "The largest gift online is"),
        ("12.345", "at most 2 decimal places"),
        ("ten", "Please type an amount like"),
        ("", "Please choose a gift or type the amount"),
    ):
        response = client.post(path + "/amount", data={"amount": typed})
        assert response.status_code == 422, typed
        assert message in response.get_data(as_text=True), typed
    db.session.refresh(monthly_gift)
    assert monthly_gift.monthly_amount_minor is None


def test_arabic_digits_are_read_as_the_donate_form_reads_them(client, db, monthly_gift):
    response = client.post(_path(monthly_gift) + "/amount", data={"amount": "٣٠"})
    assert response.status_code == 303
    db.session.refresh(monthly_gift)
    assert monthly_gift.monthly_amount_minor == 3000


def test_a_stopped_gift_cannot_change_its_amount(client, db, monthly_gift):
    path = _path(monthly_gift)
    client.post(path + "/stop")
    assert client.post(path + "/amount", data={"amount": "40"}).status_code == 409
    db.session.refresh(monthly_gift)
    assert monthly_gift.monthly_amount_minor is None


def test_an_unpaid_gift_shows_it_has_not_started(client, db, campaign, make):
    from campaigns.models import Frequency

    gift = make.donation(campaign, frequency=Frequency.MONTHLY)
    page = client.get(_path(gift))
    assert page.status_code == 200
    assert "Not started" in page.get_data(as_text=True)
    assert client.post(_path(gift) + "/stop").status_code == 409


def test_the_forms_need_their_csrf_token(client, db, app, monthly_gift, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    path = _path(monthly_gift)
    assert client.post(path + "/stop").status_code == 400
    assert client.post(path + "/amount", data={"amount": "40"}).status_code == 400
    db.session.refresh(monthly_gift)
    assert monthly_gift.subscription_ended_at is None
    assert monthly_gift.monthly_amount_minor is None


def test_the_page_says_when_the_next_payment_is(client, db, monthly_gift):
    info = services.describe(monthly_gift)
    assert info.state == services.GiftState.ACTIVE
    assert info.next_renewal == services.add_month(info.since)
    page = client.get(_path(monthly_gift)).get_data(as_text=True)
    assert "Next payment" in page


def test_a_month_ends_on_the_last_day_of_a_shorter_month():
    from datetime import UTC, datetime

    assert services.add_month(datetime(2027, 1, 31, tzinfo=UTC)) == datetime(
        2027, 2, 28, tzinfo=UTC
    )
    assert services.add_month(datetime(2026, 12, 15, tzinfo=UTC)) == datetime(
        2027, 1, 15, tzinfo=UTC
    )


def test_renewals_need_the_test_gateway(client, db, runner, app, monthly_gift, monkeypatch):
    monkeypatch.setitem(app.config, "CAMPAIGNS_ENV", "production")
    result = runner.invoke(args=["renew-test-subscriptions", "--all-now"])
    assert result.exit_code != 0
    assert "test gateway is not available" in result.output
