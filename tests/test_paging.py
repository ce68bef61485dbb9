"""Page numbers and ids far beyond anything stored answer 404 (or are dropped, for a
filter), never 500: SQLite cannot bind an integer past 64 bits and PostgreSQL refuses one
past the column's type, so the bounds are checked before any query."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from flask import g

from campaigns.paging import MAX_ID, MAX_PAGE, Cursor
from campaigns.timeutil import as_utc

HUGE = "99999999999999999999"
PASSWORD = "correct horse battery"


@pytest.fixture
def admin(client, db, make):
    """A platform admin, signed in through the sign-in form; a campaign with a gift."""
    campaign = make.campaign(slug="bounded")
    make.donation(campaign)
    user = make.user(email="bounds-admin@example.org", is_platform_admin=True)
    g.pop("_login_user", None)
    response = client.post(
        "/admin/login", data={"email": user.email, "password": PASSWORD}, follow_redirects=False
    )
    assert response.status_code == 302
    return campaign


@pytest.mark.parametrize("page", [HUGE, str(MAX_PAGE + 1), "1" + "0" * 40])
def test_a_page_beyond_any_list_is_404_on_the_public_list(client, db, page):
    assert client.get("/campaigns/", query_string={"page": page}).status_code == 404


@pytest.mark.parametrize("page", ["1", "2", str(MAX_PAGE), "0", "-3", "abc", ""])
def test_other_pages_of_the_public_list_answer_as_before(client, db, page):
    assert client.get("/campaigns/", query_string={"page": page}).status_code == 200


def test_a_page_beyond_any_list_is_a_json_404_in_the_api(client, db):
    response = client.get("/api/v1/campaigns", query_string={"page": HUGE})
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert client.get("/api/v1/campaigns", query_string={"page": MAX_PAGE}).status_code == 200


@pytest.mark.parametrize(
    "args",
    [
        {"older": HUGE},
        {"older": "abc"},
        {"newer": "1-" + HUGE},
        {"older": f"1-{MAX_ID + 1}"},
        {"older": "1-0"},
        {"newer": "9" * 18 + "-1"},
        {"newer": "-253402300799999999-1"},
        {"older": "253402300799999999-1"},
        {"older": "1733000000000000"},
        {"older": "1733000000000000-5-6"},
        {"older": "1733000000000000-5", "newer": "1733000000000000-5"},
    ],
)
def test_a_cursor_no_page_wrote_is_a_400_in_the_admin_lists(client, admin, args):
    for path in ("/admin/donations/", "/admin/audit/"):
        response = client.get(path, query_string=args)
        assert response.status_code == 400, (path, args)
        assert "<h1" in response.get_data(as_text=True)


def test_the_admin_lists_read_cursors_not_page_numbers(client, admin):
    for path in ("/admin/donations/", "/admin/audit/"):
        assert client.get(path, query_string={"page": HUGE}).status_code == 200, path
        assert client.get(path, query_string={"older": "1733000000000000-5"}).status_code == 200
        assert client.get(path, query_string={"newer": "-5-5"}).status_code == 200, path


@pytest.mark.parametrize(
    "moment",
    [
        datetime(2026, 12, 1, 10, 30, 15, 123456, tzinfo=UTC),
        datetime(1969, 7, 20, 20, 17, 40, tzinfo=UTC),
        datetime(2026, 12, 1, 10, 30),  # as SQLite hands it back: naive, UTC
    ],
)
def test_a_cursor_reads_back_what_it_wrote(moment):
    cursor = Cursor(moment, 42)
    again = Cursor.parse(cursor.token())
    assert again.id == 42
    assert again.at == as_utc(moment)


def test_an_id_beyond_the_id_columns_is_404(client, admin):
    for path in (
        "/admin/campaigns/99999999999999/edit",
        f"/admin/campaigns/{HUGE}/edit",
        f"/admin/campaigns/{MAX_ID + 1}/edit",
        f"/admin/campaigns/{HUGE}/preview",
        f"/admin/donations/{HUGE}",
        f"/admin/updates/{HUGE}/edit",
        f"/admin/organizations/{HUGE}/edit",
    ):
        assert client.get(path).status_code == 404, path
    # The largest id is still looked up, and an existing one found.
    assert client.get(f"/admin/campaigns/{MAX_ID}/edit").status_code == 404
    assert client.get(f"/admin/campaigns/{admin.id}/edit").status_code == 200


def test_a_campaign_filter_beyond_any_id_is_dropped(client, admin):
    for path in ("/admin/updates/", "/admin/donations/"):
        assert client.get(path, query_string={"campaign": HUGE}).status_code == 200, path
