"""Sessions that end for every copy of their cookie, and device cookies that keep the
owner out of a lockout an attacker causes."""

from __future__ import annotations

import pytest

from campaigns.admin.auth import DEVICE_COOKIE, SESSION_VERSION_KEY
from campaigns.models import LoginAttempt, Role, User
from tests.admin.world import add_user, console, request
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new password"


@pytest.fixture
def owner(db, make):
    org = make.organization()
    user = add_user(db, "amal@example.org", memberships=[(org, Role.MANAGER)])
    db.session.commit()
    return user.id


@pytest.fixture
def limits_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)


def login(client, email="amal@example.org", password=PASSWORD):
    return request(client, "POST", "/admin/login", data={"email": email, "password": password})


def copy_of_session(app, client):
    """Another browser holding a copy of ``client``'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


# Sessions --------------------------------------------------------------------------------


def test_a_copied_cookie_works_while_the_session_lasts(app, client, owner):
    assert login(client).status_code == 302
    thief = copy_of_session(app, client)
    assert console(thief) == 200


def test_a_copied_cookie_is_refused_after_sign_out(app, client, owner):
    login(client)
    thief = copy_of_session(app, client)
    assert request(client, "POST", "/admin/logout").status_code == 302
    assert console(thief) == 302
    assert console(client) == 302


def test_a_copied_cookie_is_refused_after_a_password_change(app, client, db, owner):
    login(client)
    thief = copy_of_session(app, client)
    data = {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert request(client, "POST", "/admin/account/password", data=data).status_code == 302
    assert console(thief) == 302
    assert console(client) == 200  # the owner's own session is carried over


def test_sign_out_everywhere_else(app, client, db, owner):
    login(client)
    thief = copy_of_session(app, client)
    other_browser = app.test_client()
    login(other_browser)
    page = request(client, "GET", "/admin/account/password").get_data(as_text=True)
    assert "Sign out everywhere else" in page
    response = request(client, "POST", "/admin/account/sessions/end", follow_redirects=True)
    assert "Every other session of your account has been signed out." in response.get_data(
        as_text=True
    )
    assert console(thief) == 302
    assert console(other_browser) == 302
    assert console(client) == 200
    assert db.session.get(User, owner).session_version == 1


def test_sign_out_everywhere_is_a_post_with_a_token(app, client, owner, monkeypatch):
    login(client)
    assert request(client, "GET", "/admin/account/sessions/end").status_code == 405
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    assert request(client, "POST", "/admin/account/sessions/end").status_code == 400
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", False)
    thief = copy_of_session(app, client)
    assert console(thief) == 200


def test_a_session_without_its_version_is_refused(client, owner):
    """A cookie from before versions existed, or one made up around a user id."""
    with client.session_transaction() as session:
        session["_user_id"] = str(owner)
        session["_fresh"] = True
    assert console(client) == 302


def test_a_session_of_an_older_version_is_refused(client, db, owner):
    db.session.get(User, owner).session_version = 3
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = str(owner)
        session[SESSION_VERSION_KEY] = 2
    assert console(client) == 302


def test_a_password_reset_from_the_command_line_ends_sessions(app, client, runner, owner):
    login(client)
    result = runner.invoke(
        args=["create-admin", "amal@example.org", "--password-stdin"], input=NEW_PASSWORD + "\n"
    )
    assert result.exit_code == 0, result.output
    assert console(client) == 302


# Device cookies --------------------------------------------------------------------------


def device_cookie(client) -> str:
    return client.get_cookie(DEVICE_COOKIE).value


def owners_browser(app):
    """The owner's browser: it signed in once and signed out again."""
    browser = app.test_client()
    assert login(browser).status_code == 302
    request(browser, "POST", "/admin/logout")
    return browser


def lock_out(app):
    attacker = app.test_client()
    for _ in range(5):
        assert login(attacker, password="a wrong guess").status_code == 200
    return attacker


def test_sign_in_gives_a_device_cookie(app, client, owner):
    response = login(client)
    cookie = next(
        value
        for value in response.headers.getlist("Set-Cookie")
        if value.startswith(f"{DEVICE_COOKIE}=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Max-Age=" in cookie
    assert "Secure" not in cookie


def test_the_device_cookie_is_secure_in_production(app, client, owner, monkeypatch):
    monkeypatch.setitem(app.config, "SESSION_COOKIE_SECURE", True)
    response = login(client)
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith(f"{DEVICE_COOKIE}=") and "Secure" in c for c in cookies)


def test_an_attacker_locks_out_unknown_browsers_but_not_the_owners(app, db, owner, limits_on):
    browser = owners_browser(app)
    attacker = lock_out(app)
    assert login(attacker).status_code == 429
    assert login(app.test_client()).status_code == 429
    assert login(browser).status_code == 302
    assert console(browser) == 200


def test_the_owners_device_is_spared_the_address_limit(app, db, owner, limits_on):
    browser = owners_browser(app)
    attacker = app.test_client()
    for n in range(20):
        login(attacker, email=f"guess{n}@example.org", password="a wrong guess")
    assert login(app.test_client(), email="someone@example.org").status_code == 429
    assert login(browser).status_code == 302


def test_a_device_cookie_for_another_account_does_not_help(app, db, make, owner, limits_on):
    add_user(db, "rami@example.org", memberships=[(make.organization(), Role.EDITOR)])
    db.session.commit()
    other = app.test_client()
    assert login(other, email="rami@example.org").status_code == 302
    request(other, "POST", "/admin/logout")
    lock_out(app)
    assert login(other).status_code == 429


def test_a_tampered_device_cookie_is_ignored(app, db, owner, limits_on):
    browser = owners_browser(app)
    lock_out(app)
    value = device_cookie(browser)
    forged = app.test_client()
    forged.set_cookie(DEVICE_COOKIE, value[:-2] + ("AA" if value[-2:] != "AA" else "BB"))
    assert login(forged).status_code == 429
    rewritten = app.test_client()
    rewritten.set_cookie(DEVICE_COOKIE, "eyJ1c2VyIjoxLCJub25jZSI6IngifQ.AAAAAA.BBBBBB")
    assert login(rewritten).status_code == 429


def test_a_device_has_its_own_small_budget(app, db, owner, limits_on):
    browser = owners_browser(app)
    lock_out(app)
    for _ in range(5):
        assert login(browser, password="the owner mistypes").status_code == 200
    assert login(browser).status_code == 429  # the cookie is spent: an unknown browser now


def test_failures_with_a_device_cookie_do_not_lock_the_account(app, db, owner, limits_on):
    browser = owners_browser(app)
    for _ in range(5):
        login(browser, password="the owner mistypes")
    assert login(app.test_client()).status_code == 302
    devices = {a.device for a in db.session.query(LoginAttempt).filter_by(succeeded=False)}
    assert len(devices) == 1 and None not in devices


def test_the_owners_device_sign_in_does_not_forgive_the_attacker(app, db, owner, limits_on):
    browser = owners_browser(app)
    attacker = lock_out(app)
    assert login(browser).status_code == 302
    assert login(attacker).status_code == 429
