"""The payment events page in a real Chromium: axe finds nothing serious, in both languages,
on a phone, with events of each kind on it."""

from __future__ import annotations

import json

import pytest

from campaigns.extensions import db
from campaigns.i18n import LANGUAGES
from campaigns.payments import ledger
from tests.browser.helpers import describe_violations, run_axe, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def stored_events(live_app) -> list[str]:
    """A malformed event and one waiting for a payment nobody knows; neither moves a total.

    Stored before any page opens, so that the ledger's own error lines about them are not
    taken for the server's."""
    malformed = {"id": "evt_browser_malformed", "type": "checkout.session.completed",
                 "data": {"object": "cs_test_123"}}  # fmt: skip
    waiting = {
        "id": "evt_browser_waiting",
        "type": "charge.refunded",
        "created": 1_796_000_000,
        "data": {"object": {"object": "charge", "id": "ch_browser_unknown", "amount": 20_00,
                            "amount_refunded": 5_00, "currency": "usd",
                            "payment_intent": "pi_browser_unknown", "metadata": {}}},
    }  # fmt: skip
    with live_app.app_context():
        for event in (malformed, waiting):
            ledger.record_event("stripe", event, json.dumps(event))
        db.session.commit()
        db.session.remove()
    return [malformed["id"], waiting["id"]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_payment_events_page(stored_events, new_page, admin, language):
    page = new_page("phone", bypass_csp=True)
    sign_in(page, admin, f"/{language}")
    response = page.goto(f"/{language}/admin/payment-events/")
    assert response.status == 200
    body = page.locator("main, body").first.inner_text()
    for event_id in stored_events:
        assert event_id in body
    html = page.locator("html")
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    violations = run_axe(page)
    assert not violations, f"{page.url}\n" + describe_violations(violations)
