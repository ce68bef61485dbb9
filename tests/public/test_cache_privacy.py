"""No visitor sees another's data on a cached page, and the donate form keeps its CSRF check."""

from __future__ import annotations

import pytest

from campaigns import create_app
from tests.public.cache_helpers import csrf_token, text


@pytest.fixture(scope="module")
def csrf_app(app):
    """The test app's database and settings, with CSRF protection on as in production."""
    config = {key: app.config[key] for key in ("SQLALCHEMY_DATABASE_URI", "UPLOAD_DIR")}
    return create_app(
        {
            **config,
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "WTF_CSRF_ENABLED": True,
            "STRIPE_SECRET_KEY": None,
            "RATELIMIT_ENABLED": False,
        }
    )


@pytest.fixture
def visitors(csrf_app, db):
    """Two browsers, each with its own cookies.

    Each of their requests has its own app context, as in production, and ends by closing
    the session: a test commits what it made first (into the savepoint the test rolls back).
    """
    return csrf_app.test_client(), csrf_app.test_client()


def gift(token: str, name: str) -> dict:
    return {
        "csrf_token": token,
        "amount": "25",
        "frequency": "once",
        "name": name,
        "email": "donor@example.org",
    }


def test_two_visitors_never_share_a_token_and_both_can_give(visitors, db, make):
    campaign = make.campaign()
    db.session.commit()
    url = f"/campaigns/{campaign.slug}"
    first, second = visitors
    page_one = first.get(url).get_data(as_text=True)  # rendered and stored
    page_two = second.get(url).get_data(as_text=True)  # from the cache
    assert "<!--csrf-token-->" not in page_one + page_two
    one, two = csrf_token(page_one), csrf_token(page_two)
    assert one != two

    # Each token belongs to its own visitor's session only.
    refused = first.post(f"{url}/donate", data=gift(two, "Sami"))
    assert refused.status_code == 400
    for client, token in ((first, one), (second, two)):
        response = client.post(f"{url}/donate", data=gift(token, "Sami"))
        assert response.status_code == 303, response.get_data(as_text=True)


def test_a_token_page_is_private_and_revalidates_per_session(visitors, db, make):
    campaign = make.campaign()
    db.session.commit()
    url = f"/campaigns/{campaign.slug}"
    first, second = visitors
    response = first.get(url)
    assert response.headers["Cache-Control"] == "private, no-cache"
    assert "Cookie" in response.headers["Vary"]
    etag = response.headers["ETag"]

    again = first.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    # Another session's copy carries another token: the first one's ETag does not fit it.
    other = second.get(url, headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag


def test_a_flash_message_reaches_only_its_visitor(visitors, db, make):
    campaign = make.campaign()
    db.session.commit()
    url = f"/campaigns/{campaign.slug}"
    first, second = visitors
    second.get(url)  # the shared copy exists before the flash
    with first.session_transaction() as session:
        session["_flashes"] = [("info", "Your gift to Fatima's appeal was saved")]
    mine = first.get(url)
    assert "Fatima" in text(mine)
    assert mine.headers["Cache-Control"] == "private, no-cache"
    assert "Fatima" not in text(second.get(url))
    assert "Fatima" not in text(first.get(url))  # shown once, as flashes are


def test_a_prefilled_form_never_reaches_another_visitor(visitors, db, make):
    campaign = make.campaign(tiers=(1000, 2000))
    donation = make.donation(campaign, donor_name="Lina Haddad", donor_email="lina@example.org")
    db.session.commit()
    url = f"/campaigns/{campaign.slug}"
    first, second = visitors

    cancelled = first.get(f"/donations/{donation.reference}/cancelled")
    assert "Lina Haddad" in cancelled.get_data(as_text=True)
    token = csrf_token(first.get(url).get_data(as_text=True))
    bad = first.post(f"{url}/donate", data={**gift(token, "Yusuf Karim"), "email": "nope"})
    assert bad.status_code == 422 and "Yusuf Karim" in bad.get_data(as_text=True)

    for client in (second, first):
        page = client.get(url).get_data(as_text=True)
        assert "Lina Haddad" not in page and "Yusuf Karim" not in page


def test_a_signed_in_account_is_served_its_own_render(visitors, db, make):
    campaign = make.campaign()
    db.session.commit()
    url = f"/campaigns/{campaign.slug}"
    first, second = visitors
    user = make.user()
    with first.session_transaction() as session:
        session["_user_id"] = str(user.id)
    assert first.get(url).headers["Cache-Control"] == "private, no-cache"
    assert "ETag" not in first.get(url).headers
    assert "ETag" in second.get(url).headers  # everyone else still gets the shared copy


# --- pages with no per-visitor part ----------------------------------------------------


def test_lists_are_public_and_answer_304_to_their_etag(client, make):
    make.campaign(title_en="Bread for Deir ez-Zor")
    client.get("/en/")  # the language cookie, once
    response = client.get("/en/")
    assert response.headers["Cache-Control"] == "public, max-age=0, s-maxage=0, must-revalidate"
    etag = response.headers["ETag"]
    assert client.get("/en/", headers={"If-None-Match": etag}).status_code == 304

    # Compressed, the ETag turns weak; it still validates the copy the browser holds.
    zipped = client.get("/en/", headers={"Accept-Encoding": "gzip"})
    weak = zipped.headers["ETag"]
    assert weak.startswith("W/")
    assert client.get("/en/", headers={"If-None-Match": weak}).status_code == 304

    make.campaign(title_en="A new appeal")
    fresh = client.get("/en/", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and "A new appeal" in text(fresh)


def test_a_cdn_may_keep_pages_without_a_form_for_the_configured_time(app, client, make):
    make.campaign()
    client.get("/en/campaigns/")
    app.config["CACHE_SHARED_MAX_AGE"] = 3
    try:
        control = client.get("/en/campaigns/").headers["Cache-Control"]
    finally:
        app.config["CACHE_SHARED_MAX_AGE"] = 0
    assert control == "public, max-age=0, s-maxage=3, must-revalidate"


def test_a_response_that_sets_a_cookie_is_never_public(client, make):
    make.campaign()
    first = client.get("/ar/")  # remembers the language in a cookie
    assert "lang=ar" in first.headers.get("Set-Cookie", "")
    assert first.headers["Cache-Control"] == "private, no-cache"
    assert client.get("/ar/").headers["Cache-Control"].startswith("public")


def test_error_pages_are_neither_cached_nor_stored(client, db, make):
    campaign = make.campaign()
    missing = client.get("/campaigns/no-such-campaign")
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "no-store"
    assert "ETag" not in missing.headers

    client.get(f"/campaigns/{campaign.slug}")
    campaign.state = type(campaign.state)("draft")
    db.session.flush()
    hidden = client.get(f"/campaigns/{campaign.slug}")
    assert hidden.status_code == 404 and hidden.headers["Cache-Control"] == "no-store"
