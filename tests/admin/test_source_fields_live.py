"""Through a real server: a manager marks a campaign as an example and as a completed project
with unclear dates, adds a note beside an impact figure and shares an external report; a
visitor then sees each of them on the public pages. A bad source address is refused."""

from __future__ import annotations

import html as html_lib
import re
from datetime import date

import pytest
import requests

from campaigns.extensions import db
from campaigns.models import Role
from tests.factories import PASSWORD, Factories
from tests.live import live_app, serving


def words(markup: str) -> str:
    text = re.sub(r"<[^>]+>", " ", markup)
    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()


@pytest.fixture
def live(app, tmp_path):
    """A second app on the test database, served for real; ``app`` has built the schema."""
    served = live_app(app, tmp_path, WTF_CSRF_ENABLED=False)
    with served.app_context():
        make = Factories(db.session)
        ours = make.organization(slug="live-seeds", name_en="Deir ez-Zor Relief")
        campaign = make.campaign(
            organization=ours,
            slug="live-villages",
            title_en="Eight villages",
            starts_on=date(2021, 1, 1),
            ends_on=None,
            tiers=(),
        )
        make.member(ours, role=Role.MANAGER, email="live-seeds@example.org")
        db.session.commit()
        ids = {"organization": ours.id, "campaign": campaign.id}
        db.session.remove()
    with serving(served) as url:
        yield url, ids


def signed_in(url: str) -> requests.Session:
    browser = requests.Session()
    response = browser.post(
        f"{url}/admin/login",
        data={"email": "live-seeds@example.org", "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text
    return browser


def test_what_the_console_sets_a_visitor_sees(live):
    url, ids = live
    visitor = requests.Session()
    before = visitor.get(f"{url}/campaigns/live-villages", timeout=30)
    assert before.status_code == 200
    assert "Example campaign" not in words(before.text)

    staff = signed_in(url)
    edit = f"{url}/admin/campaigns/{ids['campaign']}/edit"
    assert 'name="is_example"' in staff.get(edit, timeout=30).text
    saved = staff.post(
        edit,
        data={
            "slug": "live-villages",
            "title_en": "Eight villages",
            "sector": "agriculture",
            "currency": "USD",
            "goal": "",
            "starts_on": "2021-01-01",
            "implemented_from": "2021-01-19",
            "implemented_to": "2021-12-31",
            "implemented_precision": "unclear",
            "completed_project": "y",
            "is_example": "y",
            "action": "save",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert saved.status_code == 302, saved.text
    impact = staff.post(
        f"{url}/admin/campaigns/{ids['campaign']}/impact",
        data={
            "rows-0-value": "44",
            "rows-0-label_en": "health facilities",
            "rows-0-note_en": "The breakdown adds up to 45.",
            "rows-0-note_ar": "مجموع التفصيل 45.",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert impact.status_code == 302, impact.text
    report = {
        "organization": str(ids["organization"]),
        "campaign": str(ids["campaign"]),
        "category": "news",
        "title_en": "The villages in the press",
        "body_en": "A paper wrote about the eight villages.",
        "published_at": "2024-03-27 14:30",
        "external_report": "y",
        "source_name": "Enab Baladi",
        "source_url": "javascript:alert(1)",
        "action": "save",
    }
    refused = staff.post(f"{url}/admin/updates/new", data=report, timeout=30)
    assert refused.status_code == 422
    assert re.search(r'<p class="field-error" id="source_url-error">[^<]*https://', refused.text)
    report["source_url"] = "https://www.enabbaladi.net/archives/1"
    shared = staff.post(f"{url}/admin/updates/new", data=report, allow_redirects=False, timeout=30)
    assert shared.status_code == 302, shared.text

    page = visitor.get(f"{url}/campaigns/live-villages", timeout=30)
    assert page.status_code == 200
    seen = words(page.text)
    assert "Example campaign" in seen
    assert "2021 (dates unclear)" in seen
    assert "Note: The breakdown adds up to 45." in seen
    arabic = requests.get(f"{url}/ar/campaigns/live-villages", timeout=30)  # its own visitor
    assert "مجموع التفصيل 45." in words(arabic.text)
    assert "2021 (التواريخ غير واضحة)" in words(arabic.text)

    news = visitor.get(f"{url}/updates/the-villages-in-the-press", timeout=30)
    assert news.status_code == 200
    assert "External report" in words(news.text)
    link = re.search(
        r'<a href="https://www\.enabbaladi\.net/archives/1"[^>]*>([^<]+)</a>', news.text
    )
    assert link and link.group(1) == "Enab Baladi"
    assert "javascript:" not in news.text
