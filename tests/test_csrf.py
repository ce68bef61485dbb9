"""CSRF tokens masked per response (BREACH): no two pages carry the same token string,
each still validates, and a forged or unmasked one is refused."""

from __future__ import annotations

import gzip
import re

import pytest

from campaigns.csrf import mask, unmask
from campaigns.models import Role
from tests.admin.world import add_user, sign_in


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def tokens(page: str) -> list[str]:
    return re.findall(r'name="csrf_token"[^>]*value="([^"]+)"', page)


def login_page_token(client) -> str:
    response = client.get("/admin/login", headers={"Accept-Encoding": "gzip"})
    body = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        body = gzip.decompress(body)
    return tokens(body.decode())[0]


def wrong_password(client, token):
    data = {"email": "amal@example.org", "password": "not it", "csrf_token": token}
    return client.post("/admin/login", data=data)


def test_a_mask_is_different_every_time_and_comes_off():
    token = "IjFhMmIzYyI.ZzZzZz.c2lnbmF0dXJl"
    masked = {mask(token) for _ in range(20)}
    assert len(masked) == 20
    assert token not in "".join(masked)
    assert {unmask(m) for m in masked} == {token}


@pytest.mark.parametrize("sent", ["!!!", "abc", "A" * 7, "_-_-", "\u0661\u0662", "gICA"])
def test_garbage_is_read_without_an_error(sent):
    assert isinstance(unmask(sent), str)


def test_nothing_sent_stays_nothing():
    assert unmask(None) is None
    assert unmask("") is None


def test_two_responses_carry_different_tokens_and_both_validate(client, db, csrf_on):
    first, second = login_page_token(client), login_page_token(client)
    assert first != second
    assert wrong_password(client, first).status_code == 200
    assert wrong_password(client, second).status_code == 200


def test_each_form_of_a_page_has_its_own_mask(client, db, make, csrf_on):
    """A form rendered twice repeats its string; what matters is that the next response
    differs (BREACH compares a guess with a secret that must not repeat across them)."""
    org = make.organization()
    user = add_user(db, "amal@example.org", memberships=[(org, Role.MANAGER)])
    db.session.commit()
    sign_in(client, user.id)
    page = client.get(f"/admin/organizations/{org.id}/members").get_data(as_text=True)
    found = tokens(page)
    assert len(found) >= 3
    assert len(set(found)) >= 3  # the menu's sign-out, the buttons, the invitation form
    assert len({unmask(t) for t in found}) == 1


def test_a_forged_token_is_refused(client, db, csrf_on):
    token = login_page_token(client)
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    assert wrong_password(client, flipped).status_code == 400
    assert wrong_password(client, token[:-4]).status_code == 400
    assert wrong_password(client, "not a token at all").status_code == 400


def test_an_unmasked_token_is_refused(client, db, csrf_on):
    """Only masked tokens are taken, so no page needs to carry the constant one."""
    token = login_page_token(client)
    assert wrong_password(client, unmask(token)).status_code == 400


def test_a_token_of_another_session_is_refused(app, client, db, csrf_on):
    theirs = login_page_token(app.test_client())
    login_page_token(client)
    assert wrong_password(client, theirs).status_code == 400


def test_the_header_token_is_unmasked_too(client, db, csrf_on):
    token = login_page_token(client)
    data = {"email": "amal@example.org", "password": "not it"}
    response = client.post("/admin/login", data=data, headers={"X-CSRFToken": token})
    assert response.status_code == 200
