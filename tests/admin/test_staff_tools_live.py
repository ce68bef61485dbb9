"""The staff tools through a real server, with CSRF protection on as in production: a
campaign duplicated, a scheduled campaign opening on its day at every door, an update
scheduled for later and then mailed by the sweep, and the payment events page.

The app is served by werkzeug in a thread, on the test database with its data committed for
real (deleted afterwards); the news goes to a real SMTP server.
"""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, date, datetime, timedelta

import pytest
import requests
import sqlalchemy as sa

from campaigns import news, timeutil
from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignState,
    Donation,
    DonationSource,
    DonationStatus,
    Role,
    Update,
)
from campaigns.news import tasks
from campaigns.payments import ledger
from tests.factories import PASSWORD, Factories
from tests.live import live_app, serving
from tests.stripe_server.events import session_event

_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')
START = date(2031, 3, 10)


@pytest.fixture
def live(app, tmp_path, smtp_server):
    served = live_app(app, tmp_path, SESSION_COOKIE_SECURE=False, **smtp_server.app_settings)
    with serving(served) as base:
        yield served, base


class Browser:
    """Cookies and CSRF tokens, as a browser keeps them."""

    def __init__(self, base: str):
        self.base = base
        self.http = requests.Session()

    def get(self, path: str) -> requests.Response:
        return self.http.get(self.base + path, timeout=30)

    def post(self, path: str, form_page: str, **fields) -> requests.Response:
        token = _TOKEN.search(self.get(form_page).text).group(1)
        return self.http.post(self.base + path, data={"csrf_token": token, **fields}, timeout=30)

    def sign_in(self, email: str) -> None:
        done = self.post("/admin/login", "/admin/login", email=email, password=PASSWORD)
        assert done.status_code == 200 and done.url.endswith("/admin/")


def _text(response: requests.Response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.text))


@pytest.fixture
def site(live):
    live_app, base = live
    with live_app.app_context():
        make = Factories(db.session)
        org = make.organization(slug="live-sunrise", name_en="Sunrise Relief")
        clinic = make.campaign(organization=org, slug="live-clinic", title_en="Clinic")
        make.chapter(clinic, title_en="Founding")
        make.impact(clinic, value=44, label_en="health facilities")
        make.campaign(
            organization=org,
            slug="live-later",
            title_en="Later well",
            starts_on=START,
            ends_on=START + timedelta(days=30),
        )
        gift = make.donation(
            clinic,
            source=DonationSource.STRIPE,
            amount_minor=40_00,
            donor_email="amal@example.org",
            donor_name="Amal Private",
        )
        make.donation(
            clinic,
            donor_email="amal@example.org",
            status=DonationStatus.SUCCEEDED,
            succeeded_at=datetime.now(UTC),
        )
        news.subscribe(clinic, "amal@example.org", "en")
        make.user("root@example.org", is_platform_admin=True)
        make.user("boss@example.org", memberships=[(org, Role.MANAGER)])
        wrong = session_event("checkout.session.completed", gift)
        wrong["data"]["object"]["amount_total"] = 99_00
        ledger.record_event("stripe", wrong, json.dumps(wrong))
        db.session.commit()
        ids = {"org": org.id, "clinic": clinic.id, "gift": gift.id, "event": wrong["id"]}
        db.session.remove()
    return live_app, Browser(base), ids


def test_duplicate_a_campaign_through_the_console(site):
    live_app, browser, ids = site
    browser.sign_in("boss@example.org")
    edit = f"/admin/campaigns/{ids['clinic']}/edit"

    refused = browser.http.post(browser.base + f"/admin/campaigns/{ids['clinic']}/duplicate")
    assert refused.status_code == 400  # no CSRF token, no copy
    copied = browser.post(f"/admin/campaigns/{ids['clinic']}/duplicate", edit)
    assert copied.status_code == 200
    assert copied.url.endswith("/edit") and not copied.url.endswith(edit)
    page = _text(copied)
    assert "This is a copy, saved as a draft." in page
    assert 'value="live-clinic-copy"' in copied.text
    assert "Clinic (copy)" in page
    with live_app.app_context():
        copy = db.session.scalar(sa.select(Campaign).where(Campaign.slug == "live-clinic-copy"))
        assert copy.state is CampaignState.DRAFT
        assert [c.title_en for c in copy.chapters] == ["Founding"]
        assert [f.value for f in copy.impact_figures] == [44]
        assert len(copy.tiers) == 5 and copy.raised_minor == 0
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Donation.id)).where(Donation.campaign_id == copy.id)
            )
            == 0
        )
        db.session.remove()
    assert browser.get("/campaigns/live-clinic-copy").status_code == 404


def test_a_scheduled_campaign_opens_on_its_day_at_every_door(site, monkeypatch):
    _live_app, browser, _ids = site
    donor = Browser(browser.base)
    monkeypatch.setattr(timeutil, "today", lambda: START - timedelta(days=1))

    page = donor.get("/campaigns/live-later")
    assert "Starts in 1 day" in _text(page)
    assert 'action="/campaigns/live-later/donate"' not in page.text
    refused = donor.post(
        "/campaigns/live-later/donate",
        "/admin/login",  # any form gives the visitor's token (the campaign page has none)
        amount="25",
        frequency="once",
        name="Lina",
        email="lina@example.org",
    )
    assert refused.status_code == 422 and "gifts open on" in _text(refused)
    assert donor.get("/api/v1/campaigns/live-later").json()["status"] == "upcoming"
    browser.sign_in("boss@example.org")
    assert 'state-scheduled">Scheduled<' in browser.get("/admin/campaigns/").text

    monkeypatch.setattr(timeutil, "today", lambda: START)  # the day comes; nobody acts
    page = donor.get("/campaigns/live-later")
    assert 'action="/campaigns/live-later/donate"' in page.text
    given = donor.post(
        "/campaigns/live-later/donate",
        "/campaigns/live-later",
        amount="25",
        frequency="once",
        name="Lina",
        email="lina@example.org",
    )
    assert given.status_code == 200 and "/test-checkout/" in given.url
    assert donor.get("/api/v1/campaigns/live-later").json()["status"] == "active"
    assert 'state-open">Open<' in browser.get("/admin/campaigns/").text


def test_an_update_scheduled_for_later_waits_then_the_sweep_mails_it(site, smtp_server):
    live_app, browser, ids = site
    browser.sign_in("boss@example.org")
    later = datetime.now(UTC) + timedelta(hours=2)
    saved = browser.post(
        "/admin/updates/new",
        "/admin/updates/new",
        organization=str(ids["org"]),
        campaign=str(ids["clinic"]),
        category="field_report",
        title_en="Wells finished",
        body_en="All four wells run.",
        published_at=later.strftime("%Y-%m-%d %H:%M"),
        action="save",
    )
    assert saved.status_code == 200 and "Scheduled" in saved.text
    listing = browser.get("/admin/updates/").text
    assert 'state-scheduled">Scheduled<' in listing
    assert Browser(browser.base).get("/updates/wells-finished").status_code == 404
    with live_app.app_context():
        assert live_app.extensions["celery"].tasks[tasks.SWEEP]() == 0
        db.session.remove()
    assert [m for m in smtp_server.messages if m["Subject"] == "Wells finished"] == []

    with live_app.app_context():  # the time comes
        db.session.execute(
            sa.update(Update)
            .where(Update.slug == "wells-finished")
            .values(published_at=datetime.now(UTC) - timedelta(minutes=1))
        )
        db.session.commit()
        assert live_app.extensions["celery"].tasks[tasks.SWEEP]() == 1  # the beat job
        db.session.remove()
    smtp_server.inbox.wait_for(1)
    mailed = [m for m in smtp_server.messages if m["Subject"] == "Wells finished"]
    assert [str(m["To"]) for m in mailed] == ["amal@example.org"]
    assert Browser(browser.base).get("/updates/wells-finished").status_code == 200
    assert 'state-scheduled">Scheduled<' not in browser.get("/admin/updates/").text


def test_the_payment_events_page_for_platform_admins_only(site):
    _live_app, browser, ids = site
    browser.sign_in("boss@example.org")
    assert browser.get("/admin/payment-events/").status_code == 403
    assert "/admin/payment-events/" not in browser.get("/admin/").text

    admin = Browser(browser.base)
    admin.sign_in("root@example.org")
    assert 'href="/admin/payment-events/"' in admin.get("/admin/").text
    page = admin.get("/admin/payment-events/")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    text = _text(page)
    assert ids["event"] in text
    assert "Contradicted its donation" in text and "amount_total 9900" in text
    assert f'href="/admin/donations/{ids["gift"]}"' in page.text
    assert "amal@example.org" not in text and "Amal Private" not in text
    arabic = admin.get("/ar/admin/payment-events/")
    assert 'dir="rtl"' in arabic.text and "خالف تبرعه" in arabic.text
