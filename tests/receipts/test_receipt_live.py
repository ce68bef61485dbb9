"""A receipt end to end through a real server: a signed webhook confirms the gift, the
receipt arrives at the SMTP server, and its link opens the receipt over HTTP.

The app is served by werkzeug in a thread and its work is committed for real, as on a
server; everything the test stored is deleted afterwards.
"""

from __future__ import annotations

import json
import re

import pytest
import requests

from campaigns.extensions import db
from campaigns.models import DonationSource
from tests.factories import Factories
from tests.live import live_app, serving
from tests.stripe_server.events import WEBHOOK_SECRET, session_event, signature_header


@pytest.fixture
def live(app, smtp_server, tmp_path):
    served = live_app(
        app,
        tmp_path,
        WTF_CSRF_ENABLED=False,
        STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        **smtp_server.app_settings,
    )
    with served.app_context():
        make = Factories(db.session)
        organization = make.organization(slug="live-receipts", name_en="Live Relief")
        campaign = make.campaign(organization=organization, slug="live-water")
        gift = make.donation(campaign, amount_minor=3000, source=DonationSource.STRIPE)
        event = session_event("checkout.session.completed", gift)
        db.session.commit()
        db.session.remove()
    with serving(served) as url:
        yield url, event


def test_the_link_in_a_received_receipt_opens_it(live, smtp_server):
    url, event = live
    body = json.dumps(event)
    answer = requests.post(
        f"{url}/webhooks/stripe",
        data=body,
        headers={
            "Content-Type": "application/json",
            "Stripe-Signature": signature_header(body, WEBHOOK_SECRET),
        },
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    (message,) = smtp_server.inbox.wait_for(1)
    text = message.get_body(preferencelist=("plain",)).get_content()
    (link,) = re.findall(re.escape(url) + r"/receipts/\S+", text)

    page = requests.get(link, timeout=30)

    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "$30.00" in page.text and "Live Relief" in page.text
    assert re.search(r"\d{4}-000001", page.text)
    assert requests.get(link[:-3] + "xyz", timeout=30).status_code == 404
