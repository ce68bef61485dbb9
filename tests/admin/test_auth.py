"""Signing in and out: sessions, throttling, CSRF, and the create-admin command."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from campaigns.models import AuditEntry, LoginAttempt, User
from tests.admin.world import add_user, sign_in
from tests.factories import PASSWORD


@pytest.fixture
def manager(db, make):
    org = make.organization()
    from campaigns.models import Role

    user = add_user(db, "amal@example.org", memberships=[(org, Role.MANAGER)])
    db.session.commit()
    return user.id


@pytest.fixture
def limits_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)


def login(client, email="amal@example.org", password=PASSWORD, **extra):
    return client.post("/admin/login", data={"email": email, "password": password, **extra})


def test_admin_pages_ask_anonymous_visitors_to_sign_in(client):
    response = client.get("/admin/campaigns/")
    assert response.status_code == 302
    assert "/admin/login" in response.headers["Location"]


def test_sign_in_opens_the_console_and_is_audited(client, db, manager):
    response = login(client)
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "amal@example.org" in page.get_data(as_text=True)
    entry = db.session.query(AuditEntry).filter_by(action="user.sign_in").one()
    assert entry.user_id == manager
    assert db.session.get(User, manager).last_login_at is not None


def test_email_is_matched_without_regard_to_case(client, manager):
    assert login(client, email="  AMAL@Example.org ").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, manager):
    response = login(client, password="not the password")
    assert response.status_code == 200
    assert "The email or password is not right." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_unknown_account_gets_the_same_answer(client, manager):
    response = login(client, email="ghost@example.org")
    assert "The email or password is not right." in response.get_data(as_text=True)


def test_inactive_account_cannot_sign_in(client, db, manager):
    db.session.get(User, manager).active = False
    db.session.commit()
    assert login(client).status_code == 200
    assert client.get("/admin/").status_code == 302


def test_sign_in_starts_a_new_session(client, manager):
    """Whatever was in the session before signing in (a planted value) is gone after."""
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    login(client)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == str(manager)


def test_next_parameter_stays_on_this_site(client, manager):
    response = login(client, next="https://evil.example/steal")
    assert response.headers["Location"].endswith("/admin/")
    client.post("/admin/logout")
    response = login(client, next="//evil.example/")
    assert response.headers["Location"].endswith("/admin/")
    client.post("/admin/logout")
    response = login(client, next="/admin/campaigns/")
    assert response.headers["Location"].endswith("/admin/campaigns/")


def test_sign_out_is_a_post_and_ends_the_session(client, db, manager):
    sign_in(client, manager)
    assert client.get("/admin/logout").status_code == 405
    response = client.post("/admin/logout")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 302
    assert db.session.query(AuditEntry).filter_by(action="user.sign_out").count() == 1


def test_session_cookie_is_httponly_and_samesite_lax(client, manager):
    response = login(client)
    cookie = next(
        value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_session_cookie_is_secure_in_production(monkeypatch, tmp_path):
    from campaigns.config import from_environment

    monkeypatch.setenv("CAMPAIGNS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    settings = from_environment(str(tmp_path))
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SESSION_COOKIE_HTTPONLY"] is True


def test_admin_pages_are_not_cached(client, manager):
    sign_in(client, manager)
    assert client.get("/admin/").headers["Cache-Control"] == "no-store"


# Throttling ------------------------------------------------------------------------------


def test_five_failures_lock_the_account_for_a_while(client, db, manager, limits_on):
    for _ in range(5):
        assert login(client, password="wrong").status_code == 200
    response = login(client)  # even the right password is refused now
    assert response.status_code == 429
    text = response.get_data(as_text=True)
    assert "Too many failed attempts to sign in" in text
    assert "15 minutes" in text
    assert client.get("/admin/").status_code == 302


def test_the_lock_lifts_when_the_failures_age(client, db, manager, limits_on):
    long_ago = datetime.now(UTC) - timedelta(minutes=16)
    for _ in range(5):
        db.session.add(
            LoginAttempt(email="amal@example.org", address="10.0.0.9", succeeded=False, at=long_ago)
        )
    db.session.commit()
    assert login(client).status_code == 302


def test_failures_from_one_address_are_limited_across_accounts(client, db, manager, limits_on):
    now = datetime.now(UTC)
    for n in range(20):
        db.session.add(
            LoginAttempt(
                email=f"guess{n}@example.org", address="127.0.0.1", succeeded=False, at=now
            )
        )
    db.session.commit()
    assert login(client).status_code == 429


def test_a_success_forgives_earlier_failures(client, db, manager, limits_on):
    for _ in range(4):
        login(client, password="wrong")
    assert login(client).status_code == 302
    client.post("/admin/logout")
    for _ in range(4):
        login(client, password="wrong")
    assert login(client).status_code == 302


def test_throttling_can_be_turned_off(client, db, manager):
    """RATELIMIT_ENABLED=false (the test default) lets every attempt through."""
    for _ in range(8):
        login(client, password="wrong")
    assert login(client).status_code == 302


# CSRF ------------------------------------------------------------------------------------


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def _token(page: str) -> str:
    return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)


def test_a_post_without_csrf_token_is_refused(client, db, manager, csrf_on):
    response = login(client)
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


def test_a_post_with_the_token_from_the_form_is_accepted(client, manager, csrf_on):
    token = _token(client.get("/admin/login").get_data(as_text=True))
    assert login(client, csrf_token=token).status_code == 302


def test_sign_out_needs_the_token_too(client, manager, csrf_on):
    sign_in(client, manager)
    assert client.post("/admin/logout").status_code == 400
    assert client.get("/admin/").status_code == 200


def test_changing_a_campaign_without_token_is_refused(client, db, make, manager, csrf_on):
    from campaigns.models import Campaign, Membership

    org_id = db.session.query(Membership).filter_by(user_id=manager).one().organization_id
    campaign = make.campaign(organization_id=org_id)
    db.session.commit()
    sign_in(client, manager)
    response = client.post(f"/admin/campaigns/{campaign.id}/archive")
    assert response.status_code == 400
    assert db.session.get(Campaign, campaign.id).state.value == "published"


# Own password ----------------------------------------------------------------------------


def test_changing_ones_password(client, db, manager):
    sign_in(client, manager)
    response = client.post(
        "/admin/account/password",
        data={"current_password": "nope", "new_password": "a" * 12, "confirm": "a" * 12},
    )
    assert response.status_code == 422
    assert "This is not your current password." in response.get_data(as_text=True)
    response = client.post(
        "/admin/account/password",
        data={"current_password": PASSWORD, "new_password": "short", "confirm": "short"},
    )
    assert response.status_code == 422
    response = client.post(
        "/admin/account/password",
        data={"current_password": PASSWORD, "new_password": "b" * 12, "confirm": "b" * 12},
    )
    assert response.status_code == 302
    client.post("/admin/logout")
    assert login(client, password="b" * 12).status_code == 302


# flask create-admin ----------------------------------------------------------------------


def test_create_admin_from_stdin(runner, db):
    result = runner.invoke(
        args=["create-admin", "Root@Example.org", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.query(User).filter_by(email="root@example.org").one()
    assert user.is_platform_admin
    assert user.password_hash.startswith("$argon2id$")


def test_create_admin_prompts_twice(runner, db):
    result = runner.invoke(
        args=["create-admin", "root@example.org"],
        input="a long enough password\na long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert db.session.query(User).filter_by(email="root@example.org").one().is_platform_admin


def test_create_admin_resets_an_existing_password(runner, db, manager):
    result = runner.invoke(
        args=["create-admin", "amal@example.org", "--password-stdin"],
        input="the new long password\n",
    )
    assert result.exit_code == 0, result.output
    assert "Reset the password" in result.output
    from campaigns.security import verify_password

    user = db.session.get(User, manager)
    assert verify_password(user.password_hash, "the new long password")


def test_create_admin_refuses_a_malformed_email(runner, db):
    result = runner.invoke(
        args=["create-admin", "not-an-email", "--password-stdin"], input="long enough pw\n"
    )
    assert result.exit_code != 0
    assert "EMAIL" in result.output
    assert db.session.query(User).count() == 0


def test_create_admin_refuses_a_short_password(runner, db):
    result = runner.invoke(
        args=["create-admin", "root@example.org", "--password-stdin"], input="short\n"
    )
    assert result.exit_code != 0
    assert "at least 10 characters" in result.output
    assert db.session.query(User).count() == 0


def test_forms_carry_a_token_that_is_accepted(client, db, make, csrf_on):
    """With CSRF on, the tokens the pages render let the real forms through."""
    from campaigns.models import Campaign
    from tests.admin.world import build_world, campaign_form

    world = build_world(make, db)
    sign_in(client, world.users["manager"])
    edit = f"/admin/campaigns/{world.draft}/edit"
    token = _token(client.get(edit).get_data(as_text=True))
    draft = db.session.get(Campaign, world.draft)
    data = campaign_form(draft, title_en="Signed form", csrf_token=token)
    assert client.post(edit, data=data).status_code == 302
    chapters = client.get(f"/admin/campaigns/{world.campaign}/chapters/").get_data(as_text=True)
    token = _token(chapters)
    url = f"/admin/campaigns/{world.campaign}/chapters/{world.chapter}/delete"
    assert client.post(url, data={"csrf_token": token}).status_code == 302
    assert client.post("/admin/logout", data={"csrf_token": token}).status_code == 302
