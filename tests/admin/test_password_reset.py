"""Password reset by email: same answer for any address, a link that expires and works once."""

from __future__ import annotations

import re

import pytest

from campaigns.admin import password_reset
from campaigns.models import OutboxMessage
from tests.factories import PASSWORD

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def member(make, db):
    return make.user("reset-me@example.org")


def _ask(client, email: str, prefix: str = ""):
    return client.post(f"{prefix}/admin/password/forgot", data={"email": email})


def _link(message) -> str:
    text = message.get_body(("plain",)).get_content()
    [link] = re.findall(r"http://localhost\S*/admin/password/reset/\S+", text)
    return link.removeprefix("http://localhost")


def _sign_in(client, email: str, password: str):
    return client.post(
        "/admin/login", data={"email": email, "password": password}, follow_redirects=False
    )


def test_the_sign_in_page_offers_it(client, db):
    page = client.get("/admin/login").get_data(as_text=True)
    assert 'href="/admin/password/forgot"' in page


def test_known_and_unknown_addresses_get_the_same_answer(client, db, member, smtp_server):
    known = _ask(client, "Reset-Me@example.org")
    unknown = _ask(client, "nobody@example.org")

    assert known.status_code == unknown.status_code == 200

    def body(response):  # the page, without its per-response CSRF token
        return re.sub(r'value="[^"]+"', "", response.get_data(as_text=True))

    assert body(known) == body(unknown)
    assert [str(m["To"]) for m in smtp_server.messages] == ["reset-me@example.org"]
    assert db.session.query(OutboxMessage).count() == 1


def test_the_link_sets_a_new_password_once(client, db, member, smtp_server):
    _ask(client, "reset-me@example.org", prefix="/ar")
    [message] = smtp_server.messages
    assert message["Subject"] == "اختر كلمة مرور جديدة"
    link = _link(message)
    assert link.startswith("/ar/admin/password/reset/")

    assert client.get(link).status_code == 200
    done = client.post(link, data={"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302

    assert _sign_in(client, "reset-me@example.org", PASSWORD).status_code != 302
    assert _sign_in(client, "reset-me@example.org", NEW_PASSWORD).status_code == 302
    client.post("/admin/logout")

    again = client.post(link, data={"new_password": "another one", "confirm": "another one"})
    assert again.status_code == 404
    assert "expired or has been used" in client.get("/en" + link.removeprefix("/ar")).get_data(
        as_text=True
    )


def test_an_expired_or_tampered_link_is_refused(app, client, db, member):
    token = password_reset.make_token(member)
    assert password_reset.user_for(token) == member
    assert password_reset.user_for(token, max_age=-1) is None
    assert password_reset.user_for(token[:-2] + "xy") is None
    assert password_reset.user_for("not-a-token") is None
    db.session.commit()
    assert client.get(f"/admin/password/reset/{token}x").status_code == 404


def test_a_bad_new_password_is_refused_and_changes_nothing(app, client, db, member):
    token = password_reset.make_token(member)
    db.session.commit()
    short = client.post(
        f"/admin/password/reset/{token}", data={"new_password": "short", "confirm": "short"}
    )
    assert short.status_code == 422
    assert _sign_in(client, "reset-me@example.org", PASSWORD).status_code == 302


def test_an_empty_request_is_refused(client, db, smtp_server):
    assert _ask(client, "").status_code == 400
    assert smtp_server.messages == []
