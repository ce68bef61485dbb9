"""Donors' data on request: a platform admin exports everything held about an email and
erases it; the ledger keeps its amounts, dates and states, so no total moves."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select, update

from campaigns import audit, mail, news
from campaigns.admin import privacy
from campaigns.models import (
    AuditEntry,
    Campaign,
    Donation,
    DonationStatus,
    Frequency,
    NewsSubscription,
    OutboxMessage,
    OutboxStatus,
    PaymentEvent,
    Receipt,
)
from campaigns.payments import ledger
from campaigns.payments.gateways.stripe_events import read_event
from campaigns.receipts.links import receipt_url
from tests import movements
from tests.admin.world import fresh, request, sign_in
from tests.stripe_server import events as stripe_events

EMAIL = "rima.k@example.org"


@pytest.fixture
def donor(make, db, world):
    """A donor with an online gift (with a message), a partly refunded one, an offline gift,
    and a payment event that names her address but no known donation."""
    campaign = db.session.get(Campaign, world.campaign)
    other = db.session.get(Campaign, world.other_campaign)
    person = {"donor_name": "Rima Khalil", "donor_email": EMAIL}
    online = movements.online_gift(
        make, campaign, 50_00, date(2025, 3, 1), message="For the clinic, from Berlin", **person
    )
    refunded = movements.online_gift(
        make, other, 80_00, date(2025, 4, 1), "partly_refunded", **person
    )
    offline = movements.offline_gift(campaign, 120_00, date(2025, 5, 1), **person)
    stranger = SimpleNamespace(
        id=999_999,
        reference="unknown-ref",
        checkout_session_id=None,
        amount_minor=10_00,
        currency="USD",
        donor_email=EMAIL,
        frequency=SimpleNamespace(value="once"),
        campaign=SimpleNamespace(slug="clinic"),
    )
    orphan = stripe_events.session_event("checkout.session.completed", stranger)
    assert ledger.record_event("stripe", orphan, json.dumps(orphan)).startswith(ledger.WAITING)
    # The world's own gifts were written without the ledger: bring its totals in line first.
    ledger.reconcile(fix=True)
    db.session.commit()
    assert ledger.reconcile() == []
    return SimpleNamespace(online=online.id, refunded=refunded.id, offline=offline.id)


def admin(client, world):
    sign_in(client, world.users["admin"])


def totals(db):
    db.session.expire_all()
    return sorted(
        (c.id, c.raised_minor, c.donor_count) for c in db.session.scalars(select(Campaign))
    )


def ledger_rows(db):
    db.session.expire_all()
    return sorted(
        (d.id, d.amount_minor, d.refunded_minor, d.currency, d.status, str(d.succeeded_at))
        for d in db.session.scalars(select(Donation))
    )


def test_lookup_shows_what_is_held(client, db, world, donor):
    admin(client, world)
    response = client.post("/admin/donor-data/", data={"email": "  Rima.K@Example.org "})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Rima Khalil" in page and "For the clinic, from Berlin" in page
    assert "Donations: 3. Payment events:" in page
    assert EMAIL not in request(client, "GET", "/admin/donor-data/").get_data(as_text=True)


def test_json_export_holds_everything(client, db, world, donor):
    admin(client, world)
    response = client.post("/admin/donor-data/export.json", data={"email": EMAIL})
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Cache-Control"] == "no-store"
    document = json.loads(response.get_data(as_text=True))
    assert document["email"] == EMAIL
    by_id = {d["id"]: d for d in document["donations"]}
    assert set(by_id) == {donor.online, donor.refunded, donor.offline}
    online = by_id[donor.online]
    assert online["campaign"]["slug"] == "clinic"
    assert online["amount"] == "50.00" and online["currency"] == "USD"
    assert online["status"] == "succeeded" and online["succeeded_at"].startswith("2025-03-01")
    assert online["donor_name"] == "Rima Khalil" and online["donor_email"] == EMAIL
    assert online["message"] == "For the clinic, from Berlin"
    assert by_id[donor.refunded]["status"] == "partially_refunded"
    assert by_id[donor.refunded]["refunded"] == "40.00"
    assert by_id[donor.refunded]["campaign"]["slug"] == "theirs"
    assert by_id[donor.offline]["source"] == "offline"
    types = [e["type"] for e in document["payment_events"]]
    assert types.count("checkout.session.completed") == 3  # two gifts and the unmatched one
    assert any(e["donation_id"] is None for e in document["payment_events"])
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "donor.export")).one()
    assert EMAIL not in entry.detail
    assert json.loads(entry.detail)["email_sha256"] == privacy.email_hash(EMAIL)


def test_csv_export_holds_the_same_rows(client, db, world, donor):
    admin(client, world)
    response = client.post("/admin/donor-data/export.csv", data={"email": EMAIL})
    assert response.status_code == 200 and response.mimetype == "text/csv"
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    donations = [r for r in rows if r["record"] == "donation"]
    assert {int(r["id"]) for r in donations} == {donor.online, donor.refunded, donor.offline}
    assert {r["donor_email"] for r in donations} == {EMAIL}
    assert {r["donor_name"] for r in donations} == {"Rima Khalil"}
    assert "For the clinic, from Berlin" in {r["message"] for r in donations}
    assert {r["amount"] for r in donations} == {"50.00", "80.00", "120.00"}
    events = [r for r in rows if r["record"] == "payment_event"]
    assert len(events) >= 3 and all(r["event_type"] for r in events)


def test_erasure_asks_first_then_keeps_the_ledger_and_audits(client, runner, db, world, donor):
    admin(client, world)
    before_totals, before_ledger = totals(db), ledger_rows(db)

    confirm = client.post("/admin/donor-data/erase", data={"email": EMAIL})
    assert confirm.status_code == 200
    assert "Yes, erase" in confirm.get_data(as_text=True)
    assert fresh(db, Donation, donor.online).donor_email == EMAIL

    done = request(
        client, "POST", "/admin/donor-data/erase", data={"email": EMAIL, "confirmed": "yes"}
    )
    assert done.status_code == 302

    for donation_id in (donor.online, donor.refunded, donor.offline):
        donation = fresh(db, Donation, donation_id)
        assert donation.donor_name is None and donation.donor_email is None
        assert donation.message is None and donation.anonymous is True
        assert donation.offline_reference is None
    assert totals(db) == before_totals
    assert ledger_rows(db) == before_ledger
    assert runner.invoke(args=["reconcile"]).exit_code == 0

    payloads = " ".join(db.session.scalars(select(PaymentEvent.payload))).lower()
    assert EMAIL not in payloads and "rima" not in payloads

    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "donor.erase")).one()
    assert entry.user_id == world.users["admin"]
    assert entry.at is not None and entry.object_type == "donor"
    detail = json.loads(entry.detail)
    assert detail["email_sha256"] == privacy.email_hash(EMAIL)
    assert detail["donations"] == 3 and detail["payment_events"] >= 4
    assert EMAIL not in entry.detail

    again = request(client, "POST", "/admin/donor-data/", data={"email": EMAIL})
    assert "Nothing is held about this address." in again.get_data(as_text=True)


def test_events_after_erasure_still_find_and_move_the_gift(client, db, world, donor):
    admin(client, world)
    client.post("/admin/donor-data/erase", data={"email": EMAIL, "confirmed": "yes"})
    gift = fresh(db, Donation, donor.refunded)
    raised = fresh(db, Campaign, world.other_campaign).raised_minor
    # Refunds are re-read from every stored event, the erased ones included.
    event = stripe_events.charge_refunded(gift, amount_refunded=60_00)
    assert ledger.record_event("stripe", event, json.dumps(event)).startswith("applied")
    db.session.commit()
    assert fresh(db, Donation, donor.refunded).status == DonationStatus.PARTIALLY_REFUNDED
    assert fresh(db, Campaign, world.other_campaign).raised_minor == raised - 20_00
    assert ledger.reconcile() == []


def test_scrubbed_events_read_the_same_to_the_ledger(db, make):
    campaign = make.campaign(tiers=())
    gift = make.donation(campaign, donor_email=EMAIL)
    for event in (
        stripe_events.session_event("checkout.session.completed", gift),
        stripe_events.charge_refunded(gift, amount_refunded=10_00),
        stripe_events.dispute_created(gift),
    ):
        event["data"]["object"]["billing_details"] = {"name": "Rima", "email": EMAIL}
        scrubbed = privacy.scrub_payload(json.dumps(event), EMAIL)
        assert EMAIL not in scrubbed and "Rima" not in scrubbed
        assert read_event(json.loads(scrubbed)) == read_event(event)
    assert privacy.scrub_payload("not json " + EMAIL.upper(), EMAIL) == "not json [erased]"


@pytest.mark.parametrize("role,status", [("manager", 403), ("editor", 403), ("outsider", 403)])
def test_only_platform_admins_reach_donors_data(client, db, world, donor, role, status):
    sign_in(client, world.users[role])
    before = ledger_rows(db)
    assert request(client, "GET", "/admin/donor-data/").status_code == status
    for path in (
        "/admin/donor-data/",
        "/admin/donor-data/export.json",
        "/admin/donor-data/export.csv",
    ):
        assert request(client, "POST", path, data={"email": EMAIL}).status_code == status
    erase = request(
        client, "POST", "/admin/donor-data/erase", data={"email": EMAIL, "confirmed": "yes"}
    )
    assert erase.status_code == status
    assert fresh(db, Donation, donor.online).donor_email == EMAIL
    assert ledger_rows(db) == before
    assert "/admin/donor-data/" not in request(client, "GET", "/admin/").get_data(as_text=True)


def test_anonymous_visitors_are_sent_to_sign_in(client, db, world, donor):
    sign_in(client, None)
    response = request(client, "POST", "/admin/donor-data/export.json", data={"email": EMAIL})
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]


def test_the_menu_links_admins_to_the_page(client, db, world):
    admin(client, world)
    assert 'href="/admin/donor-data/"' in request(client, "GET", "/admin/").get_data(as_text=True)


@pytest.mark.parametrize("email", ["", "not-an-address", "a b@example.org", "x" * 250 + "@e.org"])
def test_a_bad_address_is_refused_and_changes_nothing(client, db, world, donor, email):
    admin(client, world)
    for path in ("/admin/donor-data/", "/admin/donor-data/export.json", "/admin/donor-data/erase"):
        response = request(client, "POST", path, data={"email": email, "confirmed": "yes"})
        assert response.status_code == 422
    assert fresh(db, Donation, donor.online).donor_email == EMAIL
    assert (
        db.session.scalars(select(AuditEntry).where(AuditEntry.action.startswith("donor."))).all()
        == []
    )


def test_erasing_an_address_nobody_used_changes_nothing(client, db, world, donor):
    admin(client, world)
    before = ledger_rows(db)
    response = request(
        client,
        "POST",
        "/admin/donor-data/erase",
        data={"email": "x@example.org", "confirmed": "yes"},
    )
    assert response.status_code == 302
    follow = request(client, "GET", response.headers["Location"]).get_data(as_text=True)
    assert "Nothing is held about this address." in follow
    assert ledger_rows(db) == before
    assert (
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == "donor.erase")).all() == []
    )


def test_an_unreadable_event_naming_the_address_is_exported_and_blanked(client, db, world):
    admin(client, world)
    body = '{"truncated": "' + EMAIL.upper() + '", "list": ["' + EMAIL + '"'
    db.session.add(
        PaymentEvent(
            provider="stripe",
            event_id="unreadable:abc",
            type="",
            payload=body,
            outcome="malformed: not JSON",
        )
    )
    malformed = {"id": "evt_x", "type": "charge.refunded", "note": EMAIL, "tags": [EMAIL]}
    db.session.add(
        PaymentEvent(
            provider="stripe",
            event_id="evt_x",
            type="charge.refunded",
            payload=json.dumps(malformed),
            outcome="malformed: no object",
        )
    )
    db.session.commit()
    document = json.loads(
        client.post("/admin/donor-data/export.json", data={"email": EMAIL}).get_data(as_text=True)
    )
    assert [e["payload"] for e in document["payment_events"]] == [body, malformed]
    request(client, "POST", "/admin/donor-data/erase", data={"email": EMAIL, "confirmed": "yes"})
    payloads = db.session.scalars(select(PaymentEvent.payload).order_by(PaymentEvent.id)).all()
    assert payloads[-2] == '{"truncated": "[erased]", "list": ["[erased]"'
    assert json.loads(payloads[-1]) == {**malformed, "note": "[erased]", "tags": ["[erased]"]}


@pytest.fixture
def household(donor, db, world, make):
    """The donor of ``donor`` also asked for two campaigns' news (one since withdrawn), gives
    monthly (asked to stop after changing its amount), and has an email still waiting."""
    campaign = db.session.get(Campaign, world.campaign)
    other = db.session.get(Campaign, world.other_campaign)
    news.subscribe(campaign, EMAIL, "ar")
    news.unsubscribe(news.subscribe(other, EMAIL.upper(), "en"))
    monthly = movements.online_gift(
        make,
        campaign,
        15_00,
        date(2025, 6, 1),
        frequency=Frequency.MONTHLY,
        donor_name="Rima Khalil",
        donor_email=EMAIL,
    )
    monthly.monthly_amount_minor = 20_00
    monthly.stop_requested_at = datetime(2025, 7, 2, tzinfo=UTC)
    audit.record("donation.monthly_amount", monthly, {"from": 15_00, "to": 20_00}, user=None)
    audit.record("donation.monthly_stop", monthly, {"by": "donor"}, user=None)
    waiting = mail.queue(
        "monthly_stopped",
        to=EMAIL,
        locale="en",
        organization=campaign.organization,
        context={
            "gift": monthly,
            "campaign": campaign,
            "amount_minor": 20_00,
            "manage_url": "http://localhost/monthly/x",
        },
    )
    db.session.flush()
    waiting_id = waiting.id
    ledger.reconcile(fix=True)
    db.session.commit()
    # The job that sends it ran after the commit; as if the mail server were down:
    db.session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == waiting_id)
        .values(status=OutboxStatus.QUEUED, sent_at=None)
    )
    db.session.commit()
    return SimpleNamespace(monthly=monthly.id, waiting=waiting_id, **vars(donor))


def outbox_for(db, email):
    db.session.expire_all()
    return db.session.scalars(
        select(OutboxMessage).where(func.lower(OutboxMessage.recipient) == email)
    ).all()


def test_export_holds_news_monthly_gifts_receipts_and_emails(client, db, world, household):
    admin(client, world)
    document = json.loads(
        client.post("/admin/donor-data/export.json", data={"email": EMAIL}).get_data(as_text=True)
    )
    subscriptions = {s["campaign"]: s for s in document["news_subscriptions"]}
    assert set(subscriptions) == {"clinic", "theirs"}
    assert subscriptions["clinic"]["language"] == "ar"
    assert (
        subscriptions["clinic"]["subscribed_at"] and not subscriptions["clinic"]["unsubscribed_at"]
    )
    assert subscriptions["theirs"]["unsubscribed_at"]
    (monthly,) = document["monthly_gifts"]
    assert monthly["donation_id"] == household.monthly
    assert monthly["state"] == "stopping" and monthly["amount_per_month"] == "20.00"
    assert monthly["stop_requested_at"].startswith("2025-07-02")
    assert [c["action"] for c in monthly["changes"]] == [
        "donation.monthly_amount",
        "donation.monthly_stop",
    ]
    stored = db.session.scalars(select(Receipt)).all()
    mine = [r for r in stored if r.donation_id in {d["id"] for d in document["donations"]}]
    assert len(mine) >= 4  # four gifts and a refund, each with its receipt
    assert {r["number"] for r in document["receipts"]} == {r.label for r in mine}
    assert "40.00" in {r["amount"] for r in document["receipts"] if r["kind"] == "refund"}
    emails = {m["id"]: m for m in document["emails"]}
    assert {m.id for m in outbox_for(db, EMAIL)} == set(emails)
    assert emails[household.waiting]["status"] == "queued"
    assert all(m["recipient"] == EMAIL for m in emails.values())

    text = client.post("/admin/donor-data/export.csv", data={"email": EMAIL}).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))
    kinds = [r["record"] for r in rows]
    assert kinds.count("news_subscription") == 2
    assert kinds.count("monthly_gift") == 1
    assert kinds.count("receipt") == len(mine)
    assert kinds.count("email") == len(emails)
    assert {r["language"] for r in rows if r["record"] == "news_subscription"} == {"ar", "en"}

    page = request(client, "POST", "/admin/donor-data/", data={"email": EMAIL})
    summary = f"News subscriptions: 2. Receipts: {len(mine)}. Emails: {len(emails)}."
    assert summary in page.get_data(as_text=True)


def test_erasure_reaches_news_emails_and_receipts_and_moves_no_total(
    client, runner, db, world, household
):
    admin(client, world)
    before_totals, before_ledger = totals(db), ledger_rows(db)
    before_receipts = sorted(
        (r.label, r.amount_minor, r.currency, str(r.issued_at))
        for r in db.session.scalars(select(Receipt))
    )
    emails_before = len(outbox_for(db, EMAIL))
    assert emails_before >= 2

    done = request(
        client, "POST", "/admin/donor-data/erase", data={"email": EMAIL, "confirmed": "yes"}
    )
    assert done.status_code == 302

    assert totals(db) == before_totals
    assert ledger_rows(db) == before_ledger
    assert runner.invoke(args=["reconcile"]).exit_code == 0
    assert (
        sorted(
            (r.label, r.amount_minor, r.currency, str(r.issued_at))
            for r in db.session.scalars(select(Receipt))
        )
        == before_receipts
    )
    assert db.session.scalars(select(NewsSubscription)).all() == []
    assert outbox_for(db, EMAIL) == []
    for message in db.session.scalars(select(OutboxMessage)):
        stored = " ".join(
            [message.recipient, message.subject, message.text_body, message.html_body]
        ).lower()
        assert EMAIL not in stored and "rima" not in stored
    waiting = fresh(db, OutboxMessage, household.waiting)
    assert waiting.status == OutboxStatus.FAILED and waiting.recipient == privacy.ERASED
    gift = fresh(db, Donation, household.monthly)
    assert gift.monthly_amount_minor == 20_00 and gift.stop_requested_at is not None

    receipt = db.session.scalars(
        select(Receipt).where(Receipt.donation_id == household.online)
    ).first()
    printed = request(client, "GET", receipt_url(receipt, "en").removeprefix("http://localhost"))
    assert printed.status_code == 200
    assert receipt.label in printed.get_data(as_text=True)
    assert "Rima" not in printed.get_data(as_text=True)

    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "donor.erase")).one()
    detail = json.loads(entry.detail)
    assert entry.user_id == world.users["admin"] and entry.at is not None
    assert detail["news_subscriptions"] == 2 and detail["emails"] == emails_before
    assert 0 < detail["receipts_kept"] <= len(before_receipts)
    assert EMAIL not in entry.detail
    follow = request(client, "GET", done.headers["Location"]).get_data(as_text=True)
    assert "news subscriptions: 2" in follow
