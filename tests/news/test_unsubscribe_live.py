"""Following the unsubscribe link of a real email to a real server, as a mail client does.

The app is served by werkzeug in a thread, on the test database with its data committed for
real (deleted afterwards); the update is mailed to a real SMTP server, and the link is read
from the message that arrived there.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
import requests
import sqlalchemy as sa

from campaigns import news
from campaigns.catalog import writes
from campaigns.extensions import db
from campaigns.models import DonationStatus, NewsSubscription
from tests.factories import Factories
from tests.live import live_app, serving


@pytest.fixture
def live(app, tmp_path, smtp_server):
    served = live_app(app, tmp_path, **smtp_server.app_settings)
    with serving(served):
        yield served


def test_the_one_click_link_of_a_real_email_unsubscribes(live, smtp_server):
    with live.app_context():
        make = Factories(db.session)
        campaign = make.campaign(slug="live-news-well")
        make.donation(
            campaign,
            donor_email="amal@example.org",
            status=DonationStatus.SUCCEEDED,
            succeeded_at=datetime.now(UTC),
        )
        news.subscribe(campaign, "amal@example.org", "en")
        update = make.update(campaign, published_at=None)
        writes.publish_update(update)
        db.session.commit()
        db.session.remove()

    [message] = smtp_server.inbox.wait_for(1)
    [link] = re.fullmatch(r"<(.+)>", message["List-Unsubscribe"]).groups()
    assert link.startswith(live.config["PUBLIC_URL"] + "/news/unsubscribe/")

    page = requests.get(link, timeout=30)
    assert page.status_code == 200 and "<form" in page.text
    # What a mail client sends for RFC 8058: no cookie, no CSRF token.
    clicked = requests.post(link, data={"List-Unsubscribe": "One-Click"}, timeout=30)
    assert clicked.status_code == 200

    with live.app_context():
        subscription = db.session.scalar(sa.select(NewsSubscription))
        assert subscription.unsubscribed_at is not None
        db.session.remove()
