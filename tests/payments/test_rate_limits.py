"""Limits on the donate form that spare families: what counts, what never does, and the page
a stopped donor sees."""

from __future__ import annotations

import html
import json
import math
import re

import pytest
from limits import parse

from campaigns.extensions import cache
from campaigns.models import Donation, DonationStatus
from campaigns.payments import ledger
from campaigns.payments.gateways import test as test_gateway

FAMILY = ("Lina", "Omar", "Sara", "Yusuf", "Maya", "Karim")


@pytest.fixture
def limited(app, monkeypatch):
    """Limits on, with empty counters (the test app turns them off)."""
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    with app.app_context():
        app.extensions.pop("campaigns.donate_limits", None)
        cache.clear()
    yield app
    with app.app_context():
        app.extensions.pop("campaigns.donate_limits", None)
        cache.clear()


def budget(app, setting: str) -> int:
    return parse(app.config[setting]).amount


def gift(name="Lina Haddad", email="lina@example.org", **overrides) -> dict:
    data = {
        "amount": "25",
        "frequency": "once",
        "name": name,
        "email": email,
        "message": "For the clinics.",
    }
    data.update(overrides)
    return data


def donate(client, campaign, **data):
    return client.post(f"/campaigns/{campaign.slug}/donate", data=gift(**data))


def fail(client, campaign):
    """A gift the form sends back (an amount that is not one)."""
    response = donate(client, campaign, amount="abc")
    assert response.status_code == 422
    return response


def give_and_pay(client, campaign, name, email):
    started = donate(client, campaign, name=name, email=email)
    assert started.status_code == 303, started.get_data(as_text=True)[:500]
    checkout = started.headers["Location"]
    paid = client.post(checkout, data={"action": "pay"})
    assert paid.status_code == 303
    return checkout.rsplit("/", 1)[1]


def status_of(db, reference: str) -> DonationStatus:
    return db.session.query(Donation).filter_by(reference=reference).one().status


def test_a_family_on_one_connection_is_never_stopped(limited, client, db, make):
    first, second = make.campaign(), make.campaign()
    references = []
    for name in FAMILY:
        email = f"{name.lower()}@family.example"
        assert client.get(f"/campaigns/{first.slug}").status_code == 200
        assert client.get(f"/campaigns/{first.slug}/donate").status_code == 200
        fail(client, first)  # everybody mistypes once
        references.append(give_and_pay(client, first, name, email))
        references.append(give_and_pay(client, second, name, email))
    assert len(references) == 2 * len(FAMILY)
    assert {status_of(db, r) for r in references} == {DonationStatus.SUCCEEDED}
    db.session.refresh(first)
    assert first.donor_count == len(FAMILY)


def test_a_run_of_failures_is_stopped_keeping_what_was_typed(limited, client, db, make):
    campaign = make.campaign()
    for _ in range(budget(limited, "DONATE_FAILURES_PER_ADDRESS")):
        fail(client, campaign)
    stopped = donate(
        client, campaign, name="Rana Khalil", email="rana@example.org", message="Good luck!"
    )
    assert stopped.status_code == 429
    page = html.unescape(stopped.get_data(as_text=True))
    assert 'value="Rana Khalil"' in page
    assert 'value="rana@example.org"' in page
    assert 'value="25"' in page
    assert "Good luck!" in page
    retry_after = int(stopped.headers["Retry-After"])
    assert 0 < retry_after <= 3600
    minutes = math.ceil(retry_after / 60)
    assert f"Please try again in {minutes} minutes" in page
    assert "Nothing was charged" in page
    assert db.session.query(Donation).filter_by(campaign_id=campaign.id).count() == 0
    # Another connection is not held back by this one.
    other = client.post(
        f"/campaigns/{campaign.slug}/donate",
        data=gift(),
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert other.status_code == 303


def test_the_stop_is_told_in_arabic(limited, client, make):
    campaign = make.campaign()
    for _ in range(budget(limited, "DONATE_FAILURES_PER_ADDRESS")):
        fail(client, campaign)
    stopped = client.post(f"/ar/campaigns/{campaign.slug}/donate", data=gift())
    assert stopped.status_code == 429
    page = stopped.get_data(as_text=True)
    assert "لم يُقتطع أي مبلغ" in page
    minutes = math.ceil(int(stopped.headers["Retry-After"]) / 60)
    assert re.search(rf"\b{minutes}\b", page)
    assert 'value="Lina Haddad"' in page


def test_page_views_never_count(limited, client, make):
    campaign = make.campaign()
    allowed = budget(limited, "DONATE_FAILURES_PER_ADDRESS")
    for _ in range(allowed - 1):
        fail(client, campaign)
    for _ in range(3 * allowed):
        assert client.get(f"/campaigns/{campaign.slug}").status_code == 200
        assert client.get(f"/campaigns/{campaign.slug}/donate").status_code == 200
    fail(client, campaign)  # the last failure the budget allows, views notwithstanding
    assert donate(client, campaign).status_code == 429


def test_emails_are_counted_apart_up_to_the_address_budget(limited, client, db, make):
    campaign = make.campaign()
    for _ in range(budget(limited, "DONATE_GIFTS_PER_EMAIL")):
        give_and_pay(client, campaign, "Lina", "lina@example.org")
    again = donate(client, campaign, name="Lina", email="LINA@example.org")
    assert again.status_code == 429
    page = html.unescape(again.get_data(as_text=True))
    assert "Several gifts were started with this email address" in page
    assert 'value="LINA@example.org"' in page
    assert int(again.headers["Retry-After"]) > 0
    # Her brother, on the same connection, gives as usual.
    give_and_pay(client, campaign, "Omar", "omar@example.org")
    # Until the connection itself runs out of failures: then nobody on it starts a gift.
    for _ in range(budget(limited, "DONATE_FAILURES_PER_ADDRESS")):
        fail(client, campaign)
    stopped = donate(client, campaign, name="Omar", email="omar@example.org")
    assert stopped.status_code == 429
    assert "Too many attempts from this connection" in html.unescape(stopped.get_data(as_text=True))


def test_an_abandoned_checkout_counts_once(limited, client, db, make):
    campaign = make.campaign()
    for _ in range(budget(limited, "DONATE_FAILURES_PER_ADDRESS") - 2):
        fail(client, campaign)
    started = donate(client, campaign)
    reference = started.headers["Location"].rsplit("/", 1)[1]
    for _ in range(3):  # the donor comes back, and reloads the page
        assert client.get(f"/donations/{reference}/cancelled").status_code == 200
    fail(client, campaign)  # still allowed: the abandoned gift counted once
    assert donate(client, campaign).status_code == 429


@pytest.mark.parametrize("end", ["decline", "expire"])
def test_a_declined_or_expired_checkout_counts(limited, client, db, make, end):
    campaign = make.campaign()
    for _ in range(budget(limited, "DONATE_FAILURES_PER_ADDRESS") - 1):
        fail(client, campaign)
    started = donate(client, campaign)
    checkout = started.headers["Location"]
    reference = checkout.rsplit("/", 1)[1]
    if end == "decline":
        assert client.post(checkout, data={"action": "decline"}).status_code == 303
    else:
        donation = db.session.query(Donation).filter_by(reference=reference).one()
        event = test_gateway.test_event(
            "checkout.session.expired", test_gateway.session_object(donation, paid=False)
        )
        ledger.record_event("test", event, json.dumps(event))
        db.session.commit()
    assert status_of(db, reference) in (DonationStatus.FAILED, DonationStatus.EXPIRED)
    assert donate(client, campaign).status_code == 429


def test_a_paid_gift_is_not_counted_as_abandoned(limited, client, db, make):
    campaign = make.campaign()
    for _ in range(budget(limited, "DONATE_FAILURES_PER_ADDRESS") - 1):
        fail(client, campaign)
    give_and_pay(client, campaign, "Lina", "lina@example.org")
    fail(client, campaign)
    assert donate(client, campaign).status_code == 429


def test_limits_off_when_disabled(client, make):
    campaign = make.campaign()
    statuses = {donate(client, campaign, amount="abc").status_code for _ in range(30)}
    assert statuses == {422}
