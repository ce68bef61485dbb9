"""The donate form's limits through a real server: a family on one connection gives, then a
run of failed attempts from it is stopped with the form kept and a ``Retry-After``."""

from __future__ import annotations

import html

import pytest
import requests
import sqlalchemy as sa
from limits import parse

from campaigns.extensions import db
from campaigns.models import Donation, DonationStatus
from tests.factories import Factories
from tests.live import live_app, serving


@pytest.fixture
def live(app, tmp_path):
    served = live_app(
        app,
        tmp_path,
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="memory://",
    )
    with served.app_context():
        Factories(db.session).campaign(slug="live-limits")
        db.session.commit()
        db.session.remove()
    with serving(served) as url:
        yield served, url


def _gift(name: str, email: str, amount: str = "25") -> dict:
    return {"amount": amount, "frequency": "once", "name": name, "email": email}


def test_a_family_gives_then_failures_are_stopped(live):
    live_app, url = live
    donate = f"{url}/campaigns/live-limits/donate"
    with requests.Session() as browser:
        for name in ("Lina", "Omar", "Sara", "Yusuf", "Maya", "Karim"):
            assert browser.get(f"{url}/campaigns/live-limits", timeout=30).status_code == 200
            started = browser.post(
                donate, data=_gift(name, f"{name.lower()}@family.example"), timeout=30,
                allow_redirects=False,
            )  # fmt: skip
            assert started.status_code == 303, started.text[:300]
            paid = browser.post(
                url + started.headers["Location"], data={"action": "pay"}, timeout=30
            )
            assert paid.status_code == 200
        with live_app.app_context():
            statuses = db.session.scalars(sa.select(Donation.status).order_by(Donation.id)).all()
            db.session.remove()
        assert statuses == [DonationStatus.SUCCEEDED] * 6

        budget = parse(live_app.config["DONATE_FAILURES_PER_ADDRESS"]).amount
        for _ in range(budget):
            refused = browser.post(
                donate, data=_gift("Nour", "nour@example.org", "abc"), timeout=30
            )
            assert refused.status_code == 422
        stopped = browser.post(donate, data=_gift("Nour", "nour@example.org"), timeout=30)
    assert stopped.status_code == 429
    retry_after = int(stopped.headers["Retry-After"])
    assert 0 < retry_after <= 3600
    page = html.unescape(stopped.text)
    assert 'value="Nour"' in page
    assert 'value="nour@example.org"' in page
    assert "Please try again in" in page
