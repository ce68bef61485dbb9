"""Where the console goes after signing in: a path on this site only, and never a target
with control characters (``/%0D%0A//evil.example`` answered 500: a line break cannot go
into the ``Location`` header, and some readers drop it and see ``///evil.example``)."""

from __future__ import annotations

import pytest
from flask import g

from campaigns.admin.views.support import safe_next

PASSWORD = "correct horse battery"
EVIL = "/%0D%0A//evil.example"


@pytest.mark.parametrize(
    "target",
    [
        "/\r\n//evil.example",
        "/\n//evil.example",
        "/\t/evil.example",
        "/admin/\x00",
        "/admin/\x7f",
        "/admin/\x85",
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
    ],
)
def test_a_target_off_the_site_or_with_control_characters_is_refused(app, target):
    with app.test_request_context("/admin/login", query_string={"next": target}):
        assert safe_next() == "/admin/"


@pytest.mark.parametrize("target", ["/admin/campaigns/", "/admin/donations/?q=a%20b", "/ar/"])
def test_a_path_on_the_site_is_kept(app, target):
    with app.test_request_context("/admin/login", query_string={"next": target}):
        assert safe_next() == target


def _sign_in(client, make, next_path: str):
    user = make.user(email="next-admin@example.org", is_platform_admin=True)
    g.pop("_login_user", None)
    return client.post(
        f"/admin/login?next={next_path}",
        data={"email": user.email, "password": PASSWORD},
    )


def test_signing_in_with_a_line_break_in_next_goes_to_the_dashboard(client, make):
    response = _sign_in(client, make, EVIL)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


def test_a_signed_in_visit_with_a_line_break_in_next_goes_to_the_dashboard(client, make):
    assert _sign_in(client, make, "/admin/").status_code == 302
    for path in (f"/admin/login?next={EVIL}", "/admin/login?next=/%00//evil.example"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response.headers["Location"] == "/admin/", path


def test_the_sign_in_page_shows_with_a_line_break_in_next(client, db):
    assert client.get(f"/admin/login?next={EVIL}").status_code == 200
