"""A donor's message and name can be hidden from the campaign page, and shown again, from
the donation's page; the gift still counts."""

from __future__ import annotations

import pytest

from campaigns.models import AuditEntry, Campaign, Donation
from tests.admin.world import fresh, sign_in


@pytest.fixture
def gift(db, world):
    donation = db.session.get(Donation, world.donation)
    donation.donor_name = "Rania Haddad"
    donation.message = "For the children of Hajin"
    db.session.commit()
    return donation


def public(client) -> str:
    return client.get("/en/campaigns/clinic").get_data(as_text=True)


def hide(client, world, part: str, hidden: str = "1"):
    return client.post(f"/admin/donations/{world.donation}/public/{part}", data={"hidden": hidden})


def test_a_manager_hides_and_shows_the_message(client, db, world, gift):
    sign_in(client, world.users["manager"])
    assert "For the children of Hajin" in public(client)
    page = client.get(f"/admin/donations/{world.donation}").get_data(as_text=True)
    assert "Hide the message" in page and "Hide the name" in page
    total = db.session.get(Campaign, world.campaign).raised_minor

    assert hide(client, world, "message").status_code == 302
    assert fresh(db, Donation, world.donation).message_hidden
    html = public(client)
    assert "For the children of Hajin" not in html
    assert "Rania Haddad" in html
    assert fresh(db, Campaign, world.campaign).raised_minor == total
    assert "Show the message" in client.get(f"/admin/donations/{world.donation}").get_data(
        as_text=True
    )

    hide(client, world, "message", "0")
    assert "For the children of Hajin" in public(client)
    actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions[-2:] == ["donation.hide_message", "donation.show_message"]


def test_a_hidden_name_shows_as_anonymous(client, db, world, gift):
    sign_in(client, world.users["manager"])
    hide(client, world, "name")
    html = public(client)
    assert "Rania Haddad" not in html
    assert "Anonymous" in html
    assert "For the children of Hajin" in html
    hide(client, world, "name", "0")
    assert "Rania Haddad" in public(client)


def test_hiding_twice_records_it_once(client, db, world, gift):
    sign_in(client, world.users["manager"])
    hide(client, world, "name")
    hide(client, world, "name")
    assert db.session.query(AuditEntry).filter_by(action="donation.hide_name").count() == 1


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("outsider", 404), ("nobody", 403)])
def test_only_the_organizations_managers_hide(client, db, world, gift, role, status):
    sign_in(client, world.users[role])
    assert hide(client, world, "message").status_code == status
    assert not fresh(db, Donation, world.donation).message_hidden


@pytest.mark.parametrize(("part", "data", "status"), [
    ("amount", {"hidden": "1"}, 404),
    ("message", {"hidden": "yes"}, 400),
    ("message", {}, 400),
])  # fmt: skip
def test_bad_requests_change_nothing(client, db, world, gift, part, data, status):
    sign_in(client, world.users["manager"])
    url = f"/admin/donations/{world.donation}/public/{part}"
    assert client.post(url, data=data).status_code == status
    assert not fresh(db, Donation, world.donation).message_hidden
