"""Which language a page is in, how the visitor changes it, and how the choice sticks.

The URL prefix (``/ar/...``, ``/en/...``) wins, then the choice saved in the ``lang``
cookie, then ``Accept-Language``, then English.
"""

from __future__ import annotations

import re
from html import unescape

import pytest


def html_tag(response) -> str:
    match = re.search(r"<html\b[^>]*>", response.get_data(as_text=True))
    assert match, "no <html> element"
    return match[0]


def is_arabic(response) -> bool:
    tag = html_tag(response)
    if 'lang="ar"' in tag:
        assert 'dir="rtl"' in tag, tag
        return True
    assert 'lang="en"' in tag and 'dir="ltr"' in tag, tag
    return False


def switcher_href(response, code: str) -> str:
    """The language switcher's link to ``code``."""
    body = response.get_data(as_text=True)
    match = re.search(rf'<a href="([^"]*)" lang="{code}" hreflang="{code}"', body)
    assert match, f"no switcher link to {code}"
    return unescape(match[1])


def test_the_url_prefix_chooses_the_language(client):
    assert is_arabic(client.get("/ar/"))
    assert not is_arabic(client.get("/en/"))
    assert is_arabic(client.get("/ar/campaigns/"))
    assert not is_arabic(client.get("/en/campaigns/"))


def test_the_prefix_wins_over_the_cookie_and_accept_language(client):
    client.set_cookie("lang", "ar")
    assert not is_arabic(client.get("/en/", headers={"Accept-Language": "ar"}))
    client.set_cookie("lang", "en")
    assert is_arabic(client.get("/ar/", headers={"Accept-Language": "en"}))


def test_a_prefixed_visit_saves_the_choice_for_unprefixed_pages(client):
    response = client.get("/ar/campaigns/")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("lang=ar;")
    assert "SameSite=Lax" in cookie and "Max-Age=" in cookie
    assert is_arabic(client.get("/campaigns/"))

    client.get("/en/")
    assert client.get_cookie("lang").value == "en"
    assert not is_arabic(client.get("/campaigns/", headers={"Accept-Language": "ar"}))


def test_no_cookie_is_written_when_the_choice_is_unchanged(client):
    client.set_cookie("lang", "ar")
    cookies = client.get("/ar/").headers.getlist("Set-Cookie")
    assert not [c for c in cookies if c.startswith("lang=")]


def test_the_saved_choice_wins_over_accept_language(client):
    client.set_cookie("lang", "en")
    assert not is_arabic(client.get("/", headers={"Accept-Language": "ar"}))


def test_a_saved_value_that_is_not_a_language_is_ignored(client):
    client.set_cookie("lang", "xx")
    assert is_arabic(client.get("/", headers={"Accept-Language": "ar"}))


@pytest.mark.parametrize(
    ("accept", "arabic"),
    [
        ("ar", True),
        ("ar-SY,ar;q=0.9,en;q=0.5", True),
        ("fr-FR,fr;q=0.9,ar;q=0.5", True),
        ("en-GB,en;q=0.9,ar;q=0.8", False),
        ("fr, de", False),
        (None, False),
    ],
)
def test_without_prefix_or_cookie_accept_language_decides(client, accept, arabic):
    headers = {"Accept-Language": accept} if accept else {}
    assert is_arabic(client.get("/", headers=headers)) is arabic


def test_pages_whose_language_depends_on_the_request_say_so_to_caches(client):
    vary = client.get("/campaigns/").headers.get("Vary", "")
    assert "Cookie" in vary and "Accept-Language" in vary
    assert "Accept-Language" not in client.get("/ar/campaigns/").headers.get("Vary", "")


def test_the_switcher_keeps_the_page_and_its_query(client, make):
    campaign = make.campaign()
    response = client.get("/campaigns/?sector=health&page=1")
    assert switcher_href(response, "ar") == "/ar/campaigns/?sector=health&page=1"

    response = client.get(f"/ar/campaigns/{campaign.slug}")
    assert switcher_href(response, "en") == f"/en/campaigns/{campaign.slug}"

    english = client.get(switcher_href(response, "en"))
    assert english.status_code == 200 and not is_arabic(english)
    assert switcher_href(english, "ar") == f"/ar/campaigns/{campaign.slug}"


def test_the_switcher_is_on_error_pages_too(client):
    response = client.get("/ar/campaigns/no-such-campaign")
    assert response.status_code == 404
    assert is_arabic(response)
    assert switcher_href(response, "en") == "/en/campaigns/no-such-campaign"


def test_the_switcher_keeps_an_escaped_path_escaped(client):
    response = client.get("/campaigns/a%3Fb%20c")
    assert response.status_code == 404
    assert switcher_href(response, "ar") == "/ar/campaigns/a%3Fb%20c"


def test_links_on_an_arabic_page_stay_in_arabic(client, make):
    campaign = make.campaign()
    body = client.get("/ar/").get_data(as_text=True)
    assert 'href="/ar/campaigns/"' in body
    assert f'href="/ar/campaigns/{campaign.slug}"' in body
    local = re.findall(r'(?:href|action)="(/[^"]*)"', body)
    pages = [url for url in local if not url.startswith(("/static/", "/media/"))]
    unprefixed = [url for url in pages if not url.startswith(("/ar/", "/ar?", "/en/"))]
    assert unprefixed == [], "links that would drop the language"


def test_files_are_shared_by_both_languages(client):
    """The stylesheet and photos have one address, so switching language reuses the cache."""
    body = client.get("/ar/").get_data(as_text=True)
    assert 'href="/static/css/site.css"' in body
    assert "/ar/static/" not in body and "/ar/media/" not in body
    with client.get("/static/css/site.css") as stylesheet:
        assert stylesheet.status_code == 200


def test_the_bare_prefix_is_the_home_page(client):
    response = client.get("/ar")
    assert response.status_code == 200 and is_arabic(response)
    assert switcher_href(response, "en") == "/en/"


def test_the_prefix_must_be_a_whole_path_segment(client):
    # "/arabic" is not "/ar" + "abic": no such page, and not an Arabic page.
    response = client.get("/arabic")
    assert response.status_code == 404
    assert not is_arabic(response)


def test_the_donate_form_on_an_arabic_page_posts_to_the_arabic_url(client, make):
    campaign = make.campaign()
    body = client.get(f"/ar/campaigns/{campaign.slug}").get_data(as_text=True)
    assert f'action="/ar/campaigns/{campaign.slug}/donate"' in body

    response = client.post(
        f"/ar/campaigns/{campaign.slug}/donate",
        data={"amount": "25", "frequency": "once", "name": "سارة", "email": "sara@example.org"},
    )
    assert response.status_code == 303
    checkout = response.headers["Location"]
    assert "/ar/" in checkout

    page = client.get(checkout)
    assert page.status_code == 200 and is_arabic(page)
    action = re.search(r'<form[^>]*method="post"[^>]*action="([^"]*)"', page.get_data(as_text=True))
    assert action and action[1].startswith("/ar/")
    paid = client.post(action[1], data={"action": "pay"})
    assert paid.status_code == 303 and "/ar/donations/" in paid.headers["Location"]
    assert is_arabic(client.get(paid.headers["Location"]))


def test_a_rejected_gift_on_an_arabic_page_comes_back_in_arabic(client, make):
    campaign = make.campaign()
    response = client.post(
        f"/ar/campaigns/{campaign.slug}/donate",
        data={"amount": "-5", "frequency": "once", "email": "not an address"},
    )
    assert response.status_code in (400, 422)
    assert is_arabic(response)


def test_signing_in_on_an_arabic_page_stays_in_arabic(client, make):
    user = make.user(email="admin@example.org", password="a long enough password")
    login = client.get("/ar/admin/")
    assert login.status_code == 302
    assert login.headers["Location"].startswith("/ar/admin/login")

    page = client.get(login.headers["Location"])
    assert is_arabic(page)
    # The sign-in form posts back to the page it is on, which keeps the prefix.
    form = re.search(r"<form\b[^>]*>", page.get_data(as_text=True))
    assert form and ('action="/ar/' in form[0] or "action=" not in form[0]), form
    response = client.post(
        login.headers["Location"],
        data={"email": user.email, "password": "a long enough password"},
    )
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/ar/admin/")
    assert is_arabic(client.get(response.headers["Location"]))
