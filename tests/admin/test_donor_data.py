"""Donors' data on request: a platform admin exports everything held about an email and
erases it; the ledger keeps its amounts, dates and states, so no total moves."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from campaigns.admin import privacy
from campaigns.models import AuditEntry, Campaign, Donation, DonationStatus, PaymentEvent
from campaigns.payments import ledger
from campaigns.payments.gateways.stripe_events import read_event
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
