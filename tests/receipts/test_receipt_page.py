"""The printable receipt behind the signed link: genuine, forged, and too old."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous import URLSafeTimedSerializer
from itsdangerous.timed import TimestampSigner

from campaigns.models import DonationSource, Receipt
from campaigns.receipts import links
from tests.stripe_server.events import deliver, session_event


def link_in(message) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    (url,) = re.findall(r"http://localhost(/\S*receipts/\S+)", text)
    return url


@pytest.fixture
def receipt(client, db, gift, inbox) -> Receipt:
    deliver(client, session_event("checkout.session.completed", gift))
    return db.session.query(Receipt).filter_by(donation_id=gift.id).one()


def test_the_emailed_link_opens_the_printable_receipt(client, receipt, inbox):
    response = client.get(link_in(inbox[0]))
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Robots-Tag"] == "noindex"
    page = response.get_data(as_text=True)
    assert receipt.label in page
    assert "$40.00" in page and "Clean water" in page and "Deir Relief Association" in page
    assert "Registration number: DZ-2019-0042" in page
    assert "@media print" in page
    assert '<html lang="en" dir="ltr">' in page


def test_an_arabic_donor_link_opens_the_receipt_in_arabic(client, db, make, campaign, inbox):
    gift = make.donation(campaign, amount_minor=4000, source=DonationSource.STRIPE, locale="ar")
    deliver(client, session_event("checkout.session.completed", gift))
    path = link_in(inbox[0])
    assert path.startswith("/ar/receipts/")
    page = client.get(path).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    assert "إيصال تبرع" in page and "مياه نظيفة" in page and "جمعية إغاثة الدير" in page


def test_a_tampered_link_is_not_found(client, receipt, inbox):
    path = link_in(inbox[0])
    head, _dot, signature = path.rpartition(".")
    forged = head + "." + ("A" if signature[0] != "A" else "B") + signature[1:]
    assert client.get(forged).status_code == 404
    assert client.get("/receipts/not-a-token").status_code == 404


def test_a_token_signed_for_something_else_is_not_found(app, client, receipt):
    other = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt="another-purpose")
    assert client.get(f"/receipts/{other.dumps(receipt.id)}").status_code == 404


def test_an_expired_link_is_refused_with_a_clear_page(app, client, receipt, monkeypatch):
    three_years_ago = int(time.time()) - 3 * 365 * 24 * 3600
    with app.app_context(), monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: three_years_ago)
        token = links.token_for(receipt)
    response = client.get(f"/receipts/{token}")
    assert response.status_code == 410
    assert response.headers["Cache-Control"] == "no-store"
    page = response.get_data(as_text=True)
    assert "This receipt link has expired" in page
    assert receipt.label not in page


def test_the_link_lifetime_is_configurable(app, client, receipt, monkeypatch):
    with app.app_context(), monkeypatch.context() as patch:
        patch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) - 120)
        token = links.token_for(receipt)
    assert client.get(f"/receipts/{token}").status_code == 200
    monkeypatch.setitem(app.config, "RECEIPT_LINK_MAX_AGE", 60)
    assert client.get(f"/receipts/{token}").status_code == 410
