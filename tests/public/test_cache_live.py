"""The cached campaign page through a real server: each visitor's own token in the shared
page, compressed, in both languages, revalidated with a 304, and a gift shown within 5 s."""

from __future__ import annotations

import time
from datetime import date

import pytest
import requests

from campaigns.extensions import db
from campaigns.models import Campaign, OfflineMethod
from campaigns.payments import ledger
from tests.factories import Factories
from tests.live import live_app, serving
from tests.public.cache_helpers import TOKEN


@pytest.fixture
def live(app, tmp_path):
    served = live_app(app, tmp_path, WTF_CSRF_ENABLED=True)
    with served.app_context():
        campaign = Factories(db.session).campaign(
            slug="live-cache-water", title_en="Water for Hajin", title_ar="مياه لهجين"
        )
        db.session.commit()
        slug = campaign.slug
    with serving(served) as url:
        yield served, url, slug


def token_of(page: requests.Response) -> str:
    found = TOKEN.search(page.text)
    assert found, "no CSRF field on the page"
    return found.group(1)


def gift(token: str) -> dict:
    return {
        "csrf_token": token,
        "amount": "25",
        "frequency": "once",
        "name": "Sami",
        "email": "sami@example.org",
    }


def test_each_visitor_gets_a_working_token_in_the_compressed_shared_page(live):
    _app, url, slug = live
    page_url = f"{url}/en/campaigns/{slug}"
    first, second = requests.Session(), requests.Session()
    first.get(page_url, timeout=10)  # rendered and stored
    pages = [visitor.get(page_url, timeout=10) for visitor in (first, second)]
    for page in pages:
        assert page.status_code == 200
        assert page.headers["Content-Encoding"] == "gzip"  # requests has decompressed it
        assert "Water for Hajin" in page.text and "<!--csrf-token-->" not in page.text
        assert page.headers["Cache-Control"] == "private, no-cache"
        assert "Content-Security-Policy" in page.headers
    one, two = token_of(pages[0]), token_of(pages[1])
    assert one != two

    donate = f"{url}/en/campaigns/{slug}/donate"
    refused = first.post(donate, data=gift(two), allow_redirects=False, timeout=10)
    assert refused.status_code == 400
    for visitor, token in ((first, one), (second, two)):
        answer = visitor.post(donate, data=gift(token), allow_redirects=False, timeout=10)
        assert answer.status_code == 303


def test_both_languages_and_a_304_on_revalidation(live):
    _app, url, slug = live
    visitor = requests.Session()
    arabic = visitor.get(f"{url}/ar/campaigns/{slug}", timeout=10)
    arabic = visitor.get(f"{url}/ar/campaigns/{slug}", timeout=10)  # from the cache
    assert "مياه لهجين" in arabic.text and 'dir="rtl"' in arabic.text
    english = visitor.get(f"{url}/en/campaigns/{slug}", timeout=10)
    assert "Water for Hajin" in english.text and "مياه لهجين" not in english.text

    etag = english.headers["ETag"]
    again = visitor.get(f"{url}/en/campaigns/{slug}", headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304 and again.content == b""
    stranger = requests.get(
        f"{url}/en/campaigns/{slug}", headers={"If-None-Match": etag}, timeout=10
    )
    assert stranger.status_code == 200  # another visitor's copy holds another token


def test_a_counted_gift_shows_within_five_seconds(live):
    served, url, slug = live
    page_url = f"{url}/en/campaigns/{slug}"
    assert "Nadia" not in requests.get(page_url, timeout=10).text
    with served.app_context():
        campaign = db.session.query(Campaign).filter_by(slug=slug).one()
        ledger.record_offline_gift(
            campaign,
            40_00,
            donor_name="Nadia",
            anonymous=False,
            method=OfflineMethod.CASH,
            reference=None,
            received_on=date.today(),
        )
        db.session.commit()
    deadline = time.monotonic() + 5
    while "Nadia" not in (page := requests.get(page_url, timeout=10).text):
        assert time.monotonic() < deadline, "the gift was not on the page within 5 s"
        time.sleep(0.2)
    assert "$40.00" in page
