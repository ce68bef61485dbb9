"""Through a real running server, with CSRF on: give monthly, open the management link the
donor would get, stop the gift, and read the email that says so."""

from __future__ import annotations

import re

import pytest
import requests
import sqlalchemy as sa

from campaigns.extensions import db
from campaigns.models import Donation
from campaigns.monthly.links import manage_url
from campaigns.urls import public_address
from tests.factories import Factories
from tests.live import live_app, serving
from tests.monthly.mails import stop_emails

TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')


@pytest.fixture
def live(app, tmp_path, smtp_server):
    served = live_app(app, tmp_path, WTF_CSRF_ENABLED=True, **smtp_server.app_settings)
    with served.app_context():
        make = Factories(db.session)
        organization = make.organization(slug="live-monthly-org", name_en="Live Org")
        make.campaign(organization=organization, slug="live-monthly", tiers=(1000, 2500))
        db.session.commit()
        db.session.remove()
    with serving(served) as url:
        yield served, url


def _token(response) -> str:
    tag = TOKEN.search(response.text)
    assert tag, response.text[:500]
    return VALUE.search(tag.group(0)).group(1)


def test_the_donor_opens_the_link_and_stops_the_gift(live, smtp_server):
    live_app, url = live
    browser = requests.Session()
    form = browser.get(f"{url}/ar/campaigns/live-monthly/donate", timeout=30)
    given = browser.post(
        f"{url}/ar/campaigns/live-monthly/donate",
        data={
            "csrf_token": _token(form),
            "amount": "25",
            "frequency": "monthly",
            "name": "سامي",
            "email": "sami@example.org",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert given.status_code == 303, given.text[:500]
    checkout = browser.get(url + given.headers["Location"].split(url, 1)[-1], timeout=30)
    paid = browser.post(
        checkout.url,
        data={"csrf_token": _token(checkout), "action": "pay"},
        allow_redirects=False,
        timeout=30,
    )
    assert paid.status_code == 303

    with live_app.app_context():
        gift = db.session.scalar(sa.select(Donation).order_by(Donation.id.desc()))
        link = manage_url(gift).replace(public_address(), url)
        db.session.remove()
    assert "/ar/monthly/" in link

    # A different browser: the link alone is the key.
    donor = requests.Session()
    page = donor.get(link, timeout=30)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["X-Robots-Tag"] == "noindex"
    assert "تبرّعك الشهري" in page.text
    assert donor.post(link + "/stop", timeout=30).status_code == 400
    stopped = donor.post(link + "/stop", data={"csrf_token": _token(page)}, timeout=30)
    assert stopped.status_code == 200
    assert stopped.url == link
    assert "أُوقف تبرّعك الشهري" in stopped.text

    with live_app.app_context():
        gift = db.session.get(Donation, gift.id)
        assert gift.subscription_ended_at is not None
        db.session.remove()
    [message] = stop_emails(smtp_server.inbox.wait_for(2))
    assert message["To"] == "sami@example.org"
    assert "أُوقف تبرّعك الشهري" in message["Subject"]
