"""Invitations: nobody joins an organization without accepting, and the manager who
invites cannot tell existing accounts from new ones. Temporary passwords open nothing
but the page that replaces them."""

from __future__ import annotations

import json
import re

import pytest

from campaigns.models import AuditEntry, Membership, Role, User
from campaigns.models.user import Invitation
from tests.admin.world import build_world, console, request, sign_in


@pytest.fixture
def world(make, db):
    world = build_world(make, db)
    db.session.commit()
    return world


def invite(client, world, email, role="editor", **extra):
    url = f"/admin/organizations/{world.org}/members"
    return client.post(url, data={"email": email, "role": role, **extra})


def temporary_password(page: str) -> str:
    return page.split('<code class="secret" dir="ltr">')[1].split("</code>")[0]


def answer_page(response, email: str) -> str:
    """The page without what must differ: the address typed, the one-time password, the
    per-response tokens and the invitation's row number."""
    page = response.get_data(as_text=True)
    page = page.replace(temporary_password(page), "PASSWORD").replace(email, "EMAIL")
    page = re.sub(r"/invitations/\d+/", "/invitations/N/", page)
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "TOKEN", page)


def invitations_of(db, email):
    db.session.expire_all()
    return [i for i in db.session.query(Invitation) if i.user.email == email]


def test_the_answer_does_not_tell_existing_accounts_from_new_ones(client, db, world):
    sign_in(client, world.users["manager"])
    new = invite(client, world, "newcomer@example.org")
    invitation = invitations_of(db, "newcomer@example.org")[0]
    withdraw = f"/admin/organizations/{world.org}/invitations/{invitation.id}/withdraw"
    client.post(withdraw, follow_redirects=True)
    existing = invite(client, world, "outsider@example.org")
    assert new.status_code == existing.status_code == 200
    assert answer_page(new, "newcomer@example.org") == answer_page(existing, "outsider@example.org")
    entries = db.session.query(AuditEntry).filter_by(action="member.invite").all()
    details = [json.loads(e.detail) for e in entries]
    assert [d.pop("email") for d in details] == ["newcomer@example.org", "outsider@example.org"]
    assert details[0] == details[1] == {"role": "editor"}
    assert {e.organization_id for e in entries} == {world.org}


def test_an_existing_account_is_not_attached_silently(client, db, world):
    sign_in(client, world.users["manager"])
    invite(client, world, "outsider@example.org", role="manager")
    members = db.session.query(Membership).filter_by(organization_id=world.org)
    assert "outsider@example.org" not in {m.user.email for m in members}
    page = client.get(f"/admin/organizations/{world.org}/members").get_data(as_text=True)
    assert "Invitations not answered yet" in page
    assert "outsider@example.org" in page
    # The outsider may not act for the organization yet.
    sign_in(client, world.users["outsider"])
    assert client.get(f"/admin/organizations/{world.org}/members").status_code == 404


def test_the_invited_account_accepts_in_its_console(client, db, world):
    sign_in(client, world.users["manager"])
    invite(client, world, "outsider@example.org", role="manager")
    sign_in(client, world.users["outsider"])
    assert "Invitations (<bdi>1</bdi>)" in client.get("/admin/").get_data(as_text=True)
    page = client.get("/admin/invitations/").get_data(as_text=True)
    assert "invites you to join as Manager" in page
    invitation = invitations_of(db, "outsider@example.org")[0]
    response = client.post(f"/admin/invitations/{invitation.id}/accept", follow_redirects=True)
    assert "You joined" in response.get_data(as_text=True)
    assert invitations_of(db, "outsider@example.org") == []
    membership = (
        db.session.query(Membership)
        .filter_by(organization_id=world.org, user_id=world.users["outsider"])
        .one()
    )
    assert membership.role is Role.MANAGER
    entry = db.session.query(AuditEntry).filter_by(action="member.add").one()
    assert (entry.user_id, entry.organization_id) == (world.users["outsider"], world.org)
    sign_in(client, world.users["outsider"])
    assert client.get(f"/admin/organizations/{world.org}/members").status_code == 200


def test_the_invited_account_may_decline(client, db, world):
    sign_in(client, world.users["manager"])
    invite(client, world, "nobody@example.org")
    sign_in(client, world.users["nobody"])
    invitation = invitations_of(db, "nobody@example.org")[0]
    assert client.post(f"/admin/invitations/{invitation.id}/decline").status_code == 302
    assert invitations_of(db, "nobody@example.org") == []
    assert db.session.query(Membership).filter_by(user_id=world.users["nobody"]).count() == 0
    assert db.session.query(AuditEntry).filter_by(action="member.decline").count() == 1


def test_nobody_answers_someone_elses_invitation(client, db, world):
    sign_in(client, world.users["manager"])
    invite(client, world, "nobody@example.org")
    invitation = invitations_of(db, "nobody@example.org")[0]
    for user in ("outsider", "editor", "manager"):
        sign_in(client, world.users[user])
        assert client.post(f"/admin/invitations/{invitation.id}/accept").status_code == 404
        assert "Invitations (" not in client.get("/admin/").get_data(as_text=True)
    assert len(invitations_of(db, "nobody@example.org")) == 1
    assert db.session.query(Membership).filter_by(user_id=world.users["nobody"]).count() == 0


def test_an_answer_is_a_post(client, db, world):
    sign_in(client, world.users["manager"])
    invite(client, world, "nobody@example.org")
    invitation = invitations_of(db, "nobody@example.org")[0]
    sign_in(client, world.users["nobody"])
    assert client.get(f"/admin/invitations/{invitation.id}/accept").status_code == 405
    assert client.post(f"/admin/invitations/{invitation.id}/maybe").status_code == 404


def test_inviting_twice_is_refused(client, db, world):
    sign_in(client, world.users["manager"])
    invite(client, world, "nobody@example.org")
    response = invite(client, world, "nobody@example.org", role="manager")
    assert response.status_code == 422
    assert "already invited" in response.get_data(as_text=True)
    assert [i.role for i in invitations_of(db, "nobody@example.org")] == [Role.EDITOR]


def test_a_manager_withdraws_only_their_organizations_invitations(client, db, world, make):
    sign_in(client, world.users["outsider"])
    url = f"/admin/organizations/{world.other_org}/members"
    client.post(url, data={"email": "nobody@example.org", "role": "editor"})
    theirs = invitations_of(db, "nobody@example.org")[0]
    sign_in(client, world.users["manager"])
    wrong = f"/admin/organizations/{world.org}/invitations/{theirs.id}/withdraw"
    assert client.post(wrong).status_code == 404
    assert len(invitations_of(db, "nobody@example.org")) == 1
    sign_in(client, world.users["outsider"])
    right = f"/admin/organizations/{world.other_org}/invitations/{theirs.id}/withdraw"
    assert client.post(right).status_code == 302
    assert invitations_of(db, "nobody@example.org") == []


def test_an_editor_cannot_invite(client, db, world):
    sign_in(client, world.users["editor"])
    assert invite(client, world, "nobody@example.org").status_code == 403
    assert invitations_of(db, "nobody@example.org") == []


# Temporary passwords ---------------------------------------------------------------------


def test_a_temporary_password_opens_only_the_password_page(app, client, db, world):
    sign_in(client, world.users["manager"])
    password = temporary_password(invite(client, world, "newcomer@example.org").get_data(True))
    newcomer = app.test_client()
    data = {"email": "newcomer@example.org", "password": password}
    assert request(newcomer, "POST", "/admin/login", data=data).status_code == 302
    for url in ("/admin/", "/admin/campaigns/", "/admin/invitations/"):
        response = request(newcomer, "GET", url)
        assert response.status_code == 302, url
        assert response.headers["Location"].endswith("/admin/account/password")
    page = request(newcomer, "GET", "/admin/account/password", follow_redirects=True)
    text = page.get_data(as_text=True)
    assert "Choose your own password before you continue." in text
    assert "You signed in with a temporary password." in text
    same = {"current_password": password, "new_password": password, "confirm": password}
    response = request(newcomer, "POST", "/admin/account/password", data=same)
    assert response.status_code == 422
    assert "Choose a password other than the current one." in response.get_data(as_text=True)
    assert console(newcomer) == 302
    own = "my very own password"
    mine = {"current_password": password, "new_password": own, "confirm": own}
    response = request(newcomer, "POST", "/admin/account/password", data=mine)
    assert response.headers["Location"].endswith("/admin/invitations/")
    assert console(newcomer) == 200
    db.session.expire_all()
    assert (
        not db.session.query(User)
        .filter_by(email="newcomer@example.org")
        .one()
        .must_change_password
    )


def test_an_account_with_a_temporary_password_can_sign_out(app, client, db, world):
    sign_in(client, world.users["manager"])
    password = temporary_password(invite(client, world, "newcomer@example.org").get_data(True))
    newcomer = app.test_client()
    data = {"email": "newcomer@example.org", "password": password}
    request(newcomer, "POST", "/admin/login", data=data)
    response = request(newcomer, "POST", "/admin/logout")
    assert response.headers["Location"].endswith("/admin/login")


def test_an_existing_account_keeps_its_password(client, db, world):
    sign_in(client, world.users["manager"])
    invite(client, world, "outsider@example.org")
    outsider = db.session.get(User, world.users["outsider"])
    db.session.refresh(outsider)
    assert not outsider.must_change_password
    from campaigns.security import verify_password
    from tests.factories import PASSWORD

    assert verify_password(outsider.password_hash, PASSWORD)


def test_the_invitations_page_in_arabic(client, db, world):
    sign_in(client, world.users["manager"])
    invite(client, world, "nobody@example.org", role="manager")
    sign_in(client, world.users["nobody"])
    page = client.get("/ar/admin/invitations/").get_data(as_text=True)
    assert "الدعوات" in page and "قبول" in page and "رفض" in page
    assert "invites you" not in page


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/admin/invitations/"),
        ("POST", "/admin/invitations/{id}/accept"),
        ("POST", "/admin/invitations/{id}/decline"),
        ("POST", "/admin/organizations/{org}/invitations/{id}/withdraw"),
        ("POST", "/admin/account/sessions/end"),
    ],
)
def test_anonymous_visitors_are_asked_to_sign_in(client, db, world, method, path):
    sign_in(client, world.users["manager"])
    invite(client, world, "nobody@example.org")
    invitation = invitations_of(db, "nobody@example.org")[0]
    sign_in(client, None)
    client.post("/admin/logout")
    url = path.format(id=invitation.id, org=world.org)
    response = client.open(url, method=method)
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]
    assert len(invitations_of(db, "nobody@example.org")) == 1
