"""Following and handling donations in the console: the list, its CSV export, a
donation's history, offline gifts, refunds; and an organization's members."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from campaigns.models import (
    AuditEntry,
    Campaign,
    Donation,
    DonationSource,
    DonationStatus,
    Membership,
    Role,
    User,
)
from campaigns.models.user import Invitation
from tests.admin.world import fresh, sign_in


def paid_gift(db, campaign_id, amount_minor=5000, **donor) -> int:
    """A gift paid through the test gateway, by the same event path as Stripe's."""
    from campaigns.payments import ledger, services

    campaign = db.session.get(Campaign, campaign_id)
    donor.setdefault("donor_name", "Lina")
    donor.setdefault("donor_email", "lina@example.org")
    donation = ledger.open_donation(campaign, amount_minor, source=DonationSource.TEST, **donor)
    services.settle_test_checkout(donation, paid=True)
    db.session.commit()
    return donation.id


# The list ----------------------------------------------------------------------------------


def listed(client, **args) -> str:
    response = client.get("/admin/donations/", query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_list_filters_by_campaign_state_dates_and_search(client, db, make, manager):
    campaign = fresh(db, Campaign, manager.campaign)
    draft = fresh(db, Campaign, manager.draft)
    old = datetime(2023, 5, 1, tzinfo=UTC)
    make.donation(
        campaign, donor_name="Old Omar", status=DonationStatus.SUCCEEDED, succeeded_at=old
    )
    make.donation(campaign, donor_name="Pending Paul", donor_email="paul@example.net")
    make.donation(draft, donor_name="Draft Dina", status=DonationStatus.FAILED)
    db.session.commit()

    assert "Draft Dina" not in listed(client, campaign=manager.campaign)
    assert "Draft Dina" in listed(client, campaign=manager.draft)
    page = listed(client, status="pending")
    assert "Pending Paul" in page
    assert "Old Omar" not in page
    page = listed(client, date_from="2023-04-30", date_to="2023-05-01")
    assert "Old Omar" in page
    assert "Pending Paul" not in page
    assert "Pending Paul" in listed(client, q="EXAMPLE.NET")
    assert "Old Omar" not in listed(client, q="example.net")
    assert "Old Omar" in listed(client, q="omar")


def test_list_refuses_another_organizations_campaign_filter(client, manager):
    response = client.get("/admin/donations/", query_string={"campaign": manager.other_campaign})
    assert response.status_code == 404


def test_list_is_paginated(client, db, make, manager):
    campaign = fresh(db, Campaign, manager.campaign)
    for n in range(55):
        make.donation(campaign, donor_name=f"Donor {n:02d}")
    db.session.commit()
    first = listed(client)
    assert "56 donations" in first  # and the one the world holds
    older = re.search(r'rel="next" href="/admin/donations/\?older=([0-9-]+)"', first)
    assert older, first
    second = listed(client, older=older.group(1))
    assert 'rel="prev"' in second
    assert 'rel="next"' not in second
    assert second.count("/admin/donations/") < first.count("/admin/donations/")


def test_bad_filter_dates_are_reported_not_fatal(client, manager):
    page = listed(client, date_from="2021/00/19")
    assert 'id="date_from-error"' in page


# The donation's page -----------------------------------------------------------------------


def test_donation_page_shows_events_and_admin_actions(client, db, manager):
    donation_id = paid_gift(db, manager.campaign)
    page = client.get(f"/admin/donations/{donation_id}").get_data(as_text=True)
    assert "checkout.session.completed" in page
    assert "Lina" in page
    client.post(f"/admin/donations/{donation_id}/refund", data={"amount": "10", "confirmed": "yes"})
    page = client.get(f"/admin/donations/{donation_id}").get_data(as_text=True)
    assert "charge.refunded" in page
    assert "donation.refund" in page
    assert "manager@example.org" in page


# Export ------------------------------------------------------------------------------------


def test_csv_export_is_spreadsheet_safe_and_keeps_arabic(client, db, make, manager):
    campaign = fresh(db, Campaign, manager.campaign)
    make.donation(
        campaign,
        donor_name='=HYPERLINK("http://evil","x")',
        donor_email="+1@example.org",
        message="@SUM(A1)",
        amount_minor=123456,
    )
    make.donation(campaign, donor_name="-2+3", message="\tTabbed")
    make.donation(campaign, donor_name="محمد الأحمد", message="شكراً لكم")
    db.session.commit()
    response = client.get("/admin/donations/export.csv", query_string={"campaign": campaign.id})
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.get_data()
    assert raw.startswith("\ufeff".encode())
    text = raw.decode("utf-8-sig")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    by_name = {row["donor_name"]: row for row in rows}
    evil = by_name['\'=HYPERLINK("http://evil","x")']
    assert evil["donor_email"] == "'+1@example.org"
    assert evil["message"] == "'@SUM(A1)"
    assert evil["amount"] == "1234.56"
    assert evil["currency"] == "USD"
    assert by_name["'-2+3"]["message"] == "'\tTabbed"
    assert by_name["محمد الأحمد"]["message"] == "شكراً لكم"
    assert {row["campaign"] for row in rows} == {"clinic"}
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    entry = db.session.query(AuditEntry).filter_by(action="donation.export").one()
    assert entry.user_id == manager.users["manager"]


def test_csv_export_follows_the_filters(client, db, make, manager):
    campaign = fresh(db, Campaign, manager.campaign)
    make.donation(campaign, donor_name="Failed Fadi", status=DonationStatus.FAILED)
    db.session.commit()
    text = client.get("/admin/donations/export.csv?status=succeeded").get_data(as_text=True)
    assert "Ours" in text
    assert "Failed Fadi" not in text


# Offline gifts ----------------------------------------------------------------------------


def offline(**overrides):
    data = {
        "amount": "250",
        "method": "bank_transfer",
        "received_on": "2024-01-05",
        "reference": "TRX-2024-001",
        "donor_name": "Bakery of Hajin",
        "donor_email": "bakery@example.org",
        "message": "For the wells",
    }
    data.update(overrides)
    return data


def test_offline_gift_goes_through_the_ledger_and_raises_the_total(client, db, manager):
    before = fresh(db, Campaign, manager.campaign).raised_minor
    response = client.post(f"/admin/campaigns/{manager.campaign}/offline-gift", data=offline())
    assert response.status_code == 302
    donation = db.session.query(Donation).filter_by(offline_reference="TRX-2024-001").one()
    assert donation.status is DonationStatus.SUCCEEDED
    assert donation.source is DonationSource.OFFLINE
    assert donation.amount_minor == 25000
    assert donation.recorded_by_id == manager.users["manager"]
    assert donation.succeeded_at.date() == date(2024, 1, 5)
    assert fresh(db, Campaign, manager.campaign).raised_minor == before + 25000
    assert db.session.query(AuditEntry).filter_by(action="donation.offline").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"amount": "0"}, "amount"),
        ({"amount": "ten"}, "amount"),
        ({"received_on": "2021/00/19"}, "received_on"),
        ({"received_on": (date.today() + timedelta(days=3)).isoformat()}, "received_on"),
        ({"reference": ""}, "reference"),
        ({"donor_name": ""}, "donor_name"),
        ({"method": "cheque"}, "method"),
        ({"donor_email": "not-an-email"}, "donor_email"),
    ],
)
def test_bad_offline_gift_is_refused_and_nothing_counts(client, db, manager, changes, field):
    before = fresh(db, Campaign, manager.campaign).raised_minor
    url = f"/admin/campaigns/{manager.campaign}/offline-gift"
    response = client.post(url, data=offline(**changes))
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    assert fresh(db, Campaign, manager.campaign).raised_minor == before
    assert db.session.query(Donation).filter_by(source=DonationSource.OFFLINE).count() == 0


def test_offline_gift_form_cannot_set_the_state(client, db, manager):
    url = f"/admin/campaigns/{manager.campaign}/offline-gift"
    client.post(url, data=offline(status="refunded", refunded_minor="100", campaign_id="1"))
    donation = db.session.query(Donation).filter_by(offline_reference="TRX-2024-001").one()
    assert donation.status is DonationStatus.SUCCEEDED
    assert donation.refunded_minor == 0
    assert donation.campaign_id == manager.campaign


# Refunds -----------------------------------------------------------------------------------


def test_refund_asks_for_confirmation_first(client, db, manager):
    donation_id = paid_gift(db, manager.campaign, 5000)
    raised = fresh(db, Campaign, manager.campaign).raised_minor
    response = client.post(f"/admin/donations/{donation_id}/refund", data={"amount": "20"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Refund $20.00 to <bdi>Lina</bdi>?" in page
    assert 'name="confirmed" value="yes"' in page
    assert fresh(db, Donation, donation_id).refunded_minor == 0
    assert fresh(db, Campaign, manager.campaign).raised_minor == raised


def test_partial_then_full_refund_lowers_the_total(client, db, manager):
    donation_id = paid_gift(db, manager.campaign, 5000)
    raised = fresh(db, Campaign, manager.campaign).raised_minor
    url = f"/admin/donations/{donation_id}/refund"
    response = client.post(url, data={"amount": "20", "confirmed": "yes"})
    assert response.status_code == 302
    donation = fresh(db, Donation, donation_id)
    assert donation.status is DonationStatus.PARTIALLY_REFUNDED
    assert donation.refunded_minor == 2000
    assert fresh(db, Campaign, manager.campaign).raised_minor == raised - 2000
    client.post(url, data={"amount": "30", "confirmed": "yes"})
    assert fresh(db, Donation, donation_id).status is DonationStatus.REFUNDED
    assert fresh(db, Campaign, manager.campaign).raised_minor == raised - 5000
    assert db.session.query(AuditEntry).filter_by(action="donation.refund").count() == 2
    # Nothing is left to refund: the page says so instead of offering a form.
    response = client.get(url, follow_redirects=True)
    assert "cannot be refunded" in response.get_data(as_text=True)


@pytest.mark.parametrize(("amount", "message"), [("60", "At most"), ("0", "greater than zero")])
def test_refund_beyond_the_gift_is_refused(client, db, manager, amount, message):
    donation_id = paid_gift(db, manager.campaign, 5000)
    url = f"/admin/donations/{donation_id}/refund"
    response = client.post(url, data={"amount": amount, "confirmed": "yes"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert fresh(db, Donation, donation_id).refunded_minor == 0


def test_refund_form_cannot_set_the_state(client, db, manager):
    donation_id = paid_gift(db, manager.campaign, 5000)
    url = f"/admin/donations/{donation_id}/refund"
    client.post(url, data={"amount": "10", "status": "refunded", "refunded_minor": "5000"})
    donation = fresh(db, Donation, donation_id)
    assert donation.status is DonationStatus.SUCCEEDED
    assert donation.refunded_minor == 0


def test_offline_gift_can_be_refunded(client, db, manager):
    client.post(f"/admin/campaigns/{manager.campaign}/offline-gift", data=offline())
    donation = db.session.query(Donation).filter_by(offline_reference="TRX-2024-001").one()
    raised = fresh(db, Campaign, manager.campaign).raised_minor
    url = f"/admin/donations/{donation.id}/refund"
    assert client.post(url, data={"amount": "250", "confirmed": "yes"}).status_code == 302
    assert fresh(db, Donation, donation.id).status is DonationStatus.REFUNDED
    assert fresh(db, Campaign, manager.campaign).raised_minor == raised - 25000


# Members -----------------------------------------------------------------------------------


def members_of(db, org_id):
    db.session.expire_all()
    return {
        m.user.email: m.role for m in db.session.query(Membership).filter_by(organization_id=org_id)
    }


def test_manager_invites_an_existing_account(client, db, manager):
    """The account joins once it accepts (tests/admin/test_members.py)."""
    url = f"/admin/organizations/{manager.org}/members"
    data = {"email": "Nobody@Example.org", "role": "editor"}
    assert client.post(url, data=data).status_code == 200
    assert "nobody@example.org" not in members_of(db, manager.org)
    invitation = db.session.query(Invitation).one()
    assert (invitation.user.email, invitation.role) == ("nobody@example.org", Role.EDITOR)
    assert db.session.query(AuditEntry).filter_by(action="member.invite").count() == 1


def test_manager_opens_an_account_and_emails_its_invitation(client, db, manager, smtp_server):
    url = f"/admin/organizations/{manager.org}/members"
    response = client.post(url, data={"email": "new@example.org", "role": "manager"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "temporary password" not in page
    assert "was emailed to" in page
    user = db.session.query(User).filter_by(email="new@example.org").one()
    assert not user.is_platform_admin
    assert user.must_change_password
    invitation = db.session.query(Invitation).one()
    assert (invitation.user_id, invitation.role) == (user.id, Role.MANAGER)
    [message] = smtp_server.messages
    assert message["To"] == "new@example.org"
    assert "/admin/join/" in message.get_body(("plain",)).get_content()


def test_adding_someone_twice_is_refused(client, db, manager):
    url = f"/admin/organizations/{manager.org}/members"
    response = client.post(url, data={"email": "editor@example.org", "role": "manager"})
    assert response.status_code == 422
    assert "already a member" in response.get_data(as_text=True)
    assert members_of(db, manager.org)["editor@example.org"] is Role.EDITOR


def test_role_change_and_removal(client, db, manager):
    base = f"/admin/organizations/{manager.org}/members/{manager.editor_membership}"
    assert client.post(f"{base}/role", data={"role": "manager"}).status_code == 302
    assert members_of(db, manager.org)["editor@example.org"] is Role.MANAGER
    assert client.post(f"{base}/remove").status_code == 302
    assert "editor@example.org" not in members_of(db, manager.org)
    actions = {e.action for e in db.session.query(AuditEntry)}
    assert {"member.role", "member.remove"} <= actions


def test_the_last_manager_cannot_leave(client, db, manager):
    mine = (
        db.session.query(Membership)
        .filter_by(user_id=manager.users["manager"], organization_id=manager.org)
        .one()
    )
    base = f"/admin/organizations/{manager.org}/members/{mine.id}"
    response = client.post(f"{base}/remove", follow_redirects=True)
    assert "at least one manager" in response.get_data(as_text=True)
    client.post(f"{base}/role", data={"role": "editor"})
    assert members_of(db, manager.org)["manager@example.org"] is Role.MANAGER


def test_membership_of_another_organization_is_not_found(client, db, world):
    sign_in(client, world.users["manager"])
    theirs = (
        db.session.query(Membership)
        .filter_by(user_id=world.users["outsider"], organization_id=world.other_org)
        .one()
    )
    url = f"/admin/organizations/{world.org}/members/{theirs.id}/remove"
    assert client.post(url).status_code == 404
    assert members_of(db, world.other_org) == {"outsider@example.org": Role.MANAGER}


def test_a_second_click_on_confirm_refunds_nothing_more(client, db, manager):
    donation_id = paid_gift(db, manager.campaign, 5000)
    url = f"/admin/donations/{donation_id}/refund"
    page = client.post(url, data={"amount": "20"}).get_data(as_text=True)
    assert 'name="refunded_before" value="0"' in page
    confirm = {"amount": "20", "confirmed": "yes", "refunded_before": "0"}
    assert client.post(url, data=confirm).status_code == 302
    again = client.post(url, data=confirm)
    assert again.status_code == 422
    assert "changed since you confirmed" in again.get_data(as_text=True)
    assert fresh(db, Donation, donation_id).refunded_minor == 2000


def test_latin_donor_names_are_isolated_in_the_arabic_console(client, db, manager):
    """Without isolation, "Hanan Y." reads ".Hanan Y" in a right-to-left table."""
    donation_id = paid_gift(db, manager.campaign, donor_name="Hanan Y.")
    for url in ("/ar/admin/donations/", f"/ar/admin/donations/{donation_id}", "/ar/admin/"):
        page = client.get(url).get_data(as_text=True)
        assert "<bdi>Hanan Y.</bdi>" in page, url
