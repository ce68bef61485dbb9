"""Invitations: nobody joins an organization without accepting, and the manager who
invites cannot tell existing accounts from new ones. The invitation is emailed, with a
link that works once: a new account chooses its password there."""

from __future__ import annotations

import json
import re

import pytest

from campaigns.admin import invitation_links
from campaigns.models import AuditEntry, Membership, Organization, Role, User
from campaigns.models.user import Invitation
from tests.admin.world import build_world, console, request, sign_in
from tests.factories import PASSWORD


@pytest.fixture
def world(make, db):
    world = build_world(make, db)
    db.session.commit()
    return world


def invite(client, world, email, role="editor", **extra):
    url = f"/admin/organizations/{world.org}/members"
    return client.post(url, data={"email": email, "role": role, **extra})


def answer_page(response, email: str) -> str:
    """The page without what must differ: the address typed, the per-response tokens and
    the invitation's row number."""
    page = response.get_data(as_text=True)
    page = page.replace(email, "EMAIL")
    page = re.sub(r"/invitations/\d+/", "/invitations/N/", page)
    return re.sub(r'name="csrf_token"[^>]*value="[^"]*"', "TOKEN", page)


def invitations_of(db, email):
    db.session.expire_all()
    return [i for i in db.session.query(Invitation) if i.user.email == email]


def join_link(message) -> str:
    """The path of the join link in an invitation email's text part."""
    text = message.get_body(("plain",)).get_content()
    [link] = re.findall(r"http://localhost(\S*/admin/join/\S+)", text)
    return link


def email_text(message, email: str) -> str:
    """An email's text without what must differ: the address and the link's token."""
    text = message.get_body(("plain",)).get_content().replace(email, "EMAIL")
    return re.sub(r"/admin/join/\S+", "/admin/join/TOKEN", text)


def test_the_answer_does_not_tell_existing_accounts_from_new_ones(client, db, world, smtp_server):
    sign_in(client, world.users["manager"])
    new = invite(client, world, "newcomer@example.org")
    invitation = invitations_of(db, "newcomer@example.org")[0]
    withdraw = f"/admin/organizations/{world.org}/invitations/{invitation.id}/withdraw"
    client.post(withdraw, follow_redirects=True)
    existing = invite(client, world, "outsider@example.org")
    assert new.status_code == existing.status_code == 200
    assert answer_page(new, "newcomer@example.org") == answer_page(existing, "outsider@example.org")
    assert "was emailed to" in new.get_data(as_text=True)
    first, second = smtp_server.messages
    assert (first["To"], second["To"]) == ("newcomer@example.org", "outsider@example.org")
    assert first["Subject"] == second["Subject"]
    assert email_text(first, "newcomer@example.org") == email_text(second, "outsider@example.org")
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


# The emailed link ------------------------------------------------------------------------


def test_the_invitation_is_emailed_in_the_managers_language(client, db, world, smtp_server):
    sign_in(client, world.users["manager"])
    url = f"/ar/admin/organizations/{world.org}/members"
    response = client.post(url, data={"email": "newcomer@example.org", "role": "manager"})
    assert response.status_code == 200
    assert "أُرسلت بالبريد" in response.get_data(as_text=True)
    [message] = smtp_server.messages
    assert message["To"] == "newcomer@example.org"
    assert "انضمّ إلى" in message["Subject"]
    organization = db.session.get(Organization, world.org)
    assert message["From"].addresses[0].display_name == organization.name_ar
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "مدير" in text and "7 أيام" in text
    assert 'dir="rtl"' in html and "<script" not in html
    assert join_link(message).startswith("/ar/admin/join/")
    assert join_link(message) in html


def test_a_new_account_chooses_its_password_through_the_link_once(
    app, client, db, world, smtp_server
):
    sign_in(client, world.users["manager"])
    invite(client, world, "newcomer@example.org", role="manager")
    link = join_link(smtp_server.messages[0])
    newcomer = app.test_client()
    page = request(newcomer, "GET", link)
    assert page.status_code == 200
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "Set my password and join" in page.get_data(as_text=True)
    short = {"new_password": "short", "confirm": "short"}
    assert request(newcomer, "POST", link, data=short).status_code == 422
    assert len(invitations_of(db, "newcomer@example.org")) == 1
    own = "my very own password"
    done = request(newcomer, "POST", link, data={"new_password": own, "confirm": own})
    assert done.status_code == 303
    assert done.headers["Location"].endswith("/admin/login")
    assert invitations_of(db, "newcomer@example.org") == []
    user = db.session.query(User).filter_by(email="newcomer@example.org").one()
    assert not user.must_change_password
    [membership] = user.memberships
    assert (membership.organization_id, membership.role) == (world.org, Role.MANAGER)
    data = {"email": "newcomer@example.org", "password": own}
    assert request(newcomer, "POST", "/admin/login", data=data).status_code == 302
    assert console(newcomer) == 200
    again = request(newcomer, "POST", link, data={"new_password": "x" * 12, "confirm": "x" * 12})
    assert again.status_code == 404
    assert "This invitation link does not work" in again.get_data(as_text=True)


def test_a_new_account_has_no_password_anybody_knows(app, client, db, world, smtp_server):
    sign_in(client, world.users["manager"])
    invite(client, world, "newcomer@example.org")
    user = db.session.query(User).filter_by(email="newcomer@example.org").one()
    assert user.must_change_password
    page = "\n".join(m.get_body(("plain",)).get_content() for m in smtp_server.messages)
    assert "password:" not in page.lower()
    newcomer = app.test_client()
    for password in ("", PASSWORD, "temporary"):
        data = {"email": "newcomer@example.org", "password": password}
        assert request(newcomer, "POST", "/admin/login", data=data).status_code != 302
    assert console(newcomer) == 302


def test_an_existing_account_accepts_through_the_link(app, client, db, world, smtp_server):
    sign_in(client, world.users["manager"])
    invite(client, world, "outsider@example.org", role="editor")
    link = join_link(smtp_server.messages[0])
    visitor = app.test_client()
    page = request(visitor, "GET", link).get_data(as_text=True)
    assert "Set my password" not in page and "Accept" in page
    assert request(visitor, "POST", link).status_code == 303
    membership = (
        db.session.query(Membership)
        .filter_by(organization_id=world.org, user_id=world.users["outsider"])
        .one()
    )
    assert membership.role is Role.EDITOR
    from campaigns.security import verify_password

    outsider = db.session.get(User, world.users["outsider"])
    db.session.refresh(outsider)
    assert verify_password(outsider.password_hash, PASSWORD)
    assert request(visitor, "POST", link).status_code == 404


def test_declining_through_the_link_uses_it_up(app, client, db, world, smtp_server):
    sign_in(client, world.users["manager"])
    invite(client, world, "nobody@example.org")
    link = join_link(smtp_server.messages[0])
    visitor = app.test_client()
    assert request(visitor, "POST", link + "/decline").status_code == 303
    assert invitations_of(db, "nobody@example.org") == []
    assert db.session.query(Membership).filter_by(user_id=world.users["nobody"]).count() == 0
    assert db.session.query(AuditEntry).filter_by(action="member.decline").count() == 1
    assert request(visitor, "GET", link).status_code == 404
    assert request(visitor, "POST", link).status_code == 404


def test_expired_tampered_and_withdrawn_links_are_refused(client, db, world, smtp_server):
    sign_in(client, world.users["manager"])
    invite(client, world, "nobody@example.org")
    invitation = invitations_of(db, "nobody@example.org")[0]
    token = invitation_links.make_token(invitation)
    assert invitation_links.invitation_for(token) == invitation
    assert invitation_links.invitation_for(token, max_age_seconds=-1) is None
    assert invitation_links.invitation_for(token[:-2] + "xy") is None
    assert invitation_links.invitation_for("not-a-token") is None
    assert client.get(f"/admin/join/{token}x").status_code == 404
    withdraw = f"/admin/organizations/{world.org}/invitations/{invitation.id}/withdraw"
    client.post(withdraw)
    # Invited again: a new invitation, and the first link stays dead.
    invite(client, world, "nobody@example.org")
    assert len(invitations_of(db, "nobody@example.org")) == 1
    response = client.get(f"/admin/join/{token}")
    assert response.status_code == 404
    assert "the invitation was withdrawn" in response.get_data(as_text=True)
    assert client.get(join_link(smtp_server.messages[-1])).status_code == 200


def test_an_existing_account_keeps_its_password(client, db, world):
    sign_in(client, world.users["manager"])
    invite(client, world, "outsider@example.org")
    outsider = db.session.get(User, world.users["outsider"])
    db.session.refresh(outsider)
    assert not outsider.must_change_password
    from campaigns.security import verify_password

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
