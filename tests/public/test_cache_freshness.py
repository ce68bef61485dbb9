"""Cached public pages show every change they display on the next request."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from campaigns import caching
from campaigns.extensions import cache
from campaigns.models import Donation, OfflineMethod
from campaigns.payments import ledger
from tests.public.cache_helpers import TOKEN, counted_statements, text


def give_through_the_test_gateway(client, db, campaign, amount="25", name="Rania"):
    """A gift as a donor makes it: the form, then "Pay" on the test checkout (event path)."""
    data = {"amount": amount, "frequency": "once", "name": name, "email": "r@example.org"}
    assert client.post(f"/campaigns/{campaign.slug}/donate", data=data).status_code == 303
    donation = db.session.query(Donation).order_by(Donation.id.desc()).first()
    response = client.post(f"/test-checkout/{donation.reference}", data={"action": "pay"})
    assert response.status_code == 303
    return donation


class Clock:
    """The cache's clock, moved by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch):
    moved = Clock()
    monkeypatch.setattr(caching, "_clock", moved)
    return moved


def test_a_recent_page_costs_no_query_then_one_to_recheck(app, client, make, clock):
    campaign = make.campaign(title_en="Clinic fuel")
    url = f"/campaigns/{campaign.slug}"
    first = client.get(url)
    for path in (url, "/"):
        client.get(path)
        with counted_statements() as statements:
            again = client.get(path)
        assert again.status_code == 200
        assert statements == []  # served without asking the database

    clock.now += app.config["PAGE_CACHE_RECHECK_SECONDS"]
    for path in ("/", url):
        with counted_statements() as statements:
            again = client.get(path)
        assert len(statements) == 1, statements  # the key's one query
    same = [TOKEN.sub("", page.get_data(as_text=True)) for page in (again, first)]
    assert same[0] == same[1]


def test_a_gift_in_another_process_shows_within_five_seconds(app, client, db, make, clock):
    """A write this process never saw (another worker, another host) changes nothing here
    until the page is rechecked: that takes at most PAGE_CACHE_RECHECK_SECONDS."""
    assert 0 < app.config["PAGE_CACHE_RECHECK_SECONDS"] < 5
    campaign = make.campaign(goal_minor=1_000_00)
    url = f"/campaigns/{campaign.slug}"
    assert "$0.00" in text(client.get(url))
    stale = dict(app.extensions["page_cache_recent"])  # this process's table, before the gift
    ledger.record_offline_gift(
        campaign,
        40_00,
        donor_name="Omar",
        anonymous=False,
        method=OfflineMethod.CASH,
        reference=None,
        received_on=date.today(),
    )
    db.session.commit()
    # As if the gift had been written by another process: the table still holds the old page.
    app.extensions["page_cache_recent"].update(stale)
    assert "$0.00" in text(client.get(url))
    clock.now += app.config["PAGE_CACHE_RECHECK_SECONDS"] - 0.5
    assert "$0.00" in text(client.get(url))
    clock.now += 0.5
    clock.now += app.config["PAGE_CACHE_RECHECK_SECONDS"]
    page = text(client.get(url))
    assert "$40.00" in page and "Omar" in page


def test_a_gift_counted_through_the_event_path_shows_at_once(client, db, make):
    campaign = make.campaign(goal_minor=1_000_00)
    url = f"/campaigns/{campaign.slug}"
    assert "$0.00" in text(client.get(url))
    client.get("/")  # stored, too

    give_through_the_test_gateway(client, db, campaign, amount="25")

    page = text(client.get(url))
    assert "$25.00" in page and "1 donor" in page and "Rania" in page
    assert "$25.00" in text(client.get("/"))


def test_a_refund_shows_at_once(client, make):
    campaign = make.campaign(goal_minor=1_000_00)
    donation = ledger.record_offline_gift(
        campaign,
        40_00,
        donor_name="Omar",
        anonymous=False,
        method=OfflineMethod.CASH,
        reference=None,
        received_on=date.today(),
    )
    url = f"/campaigns/{campaign.slug}"
    assert "$40.00" in text(client.get(url))

    ledger.refund_directly(donation, 15_00)
    assert "$25.00" in text(client.get(url))
    ledger.refund_directly(donation, 25_00)
    page = text(client.get(url))
    assert "$0.00" in page and "Omar" not in page


def test_an_edit_of_the_campaign_or_of_its_tiers_shows_at_once(client, db, make):
    campaign = make.campaign(title_en="Old title")
    url = f"/campaigns/{campaign.slug}"
    assert "Old title" in text(client.get(url))

    campaign.title_en = "New title"
    db.session.flush()
    assert "New title" in text(client.get(url))

    campaign.tiers[0].description_en = "Fuel for a week"
    db.session.flush()
    assert "Fuel for a week" in text(client.get(url))

    make.chapter(campaign, title_en="The first winter")
    assert "The first winter" in text(client.get(url))

    campaign.organization.name_en = "Renamed NGO"
    db.session.flush()
    assert "Renamed NGO" in text(client.get(url))
    assert "Renamed NGO" in text(client.get(f"/organizations/{campaign.organization.slug}"))


def test_a_new_update_shows_at_once(client, make):
    campaign = make.campaign()
    url = f"/campaigns/{campaign.slug}"
    client.get(url)
    make.update(campaign, title_en="Trucks reached Hajin")
    assert "Trucks reached Hajin" in text(client.get(url))


def test_a_scheduled_update_shows_once_its_time_has_come(client, db, make):
    campaign = make.campaign()
    url = f"/campaigns/{campaign.slug}"
    update = make.update(
        campaign, title_en="Later news", published_at=datetime.now(UTC) + timedelta(hours=1)
    )
    assert "Later news" not in text(client.get(url))
    # Its time comes: only the clock moves past ``published_at`` (``updated_at`` kept).
    table = type(update).__table__
    db.session.execute(
        table.update()
        .where(table.c.id == update.id)
        .values(published_at=datetime.now(UTC) - timedelta(seconds=1), updated_at=update.updated_at)
    )
    assert "Later news" in text(client.get(url))


def test_the_day_changing_shows_at_once(client, make, monkeypatch):
    today = date.today()
    campaign = make.campaign(starts_on=today - timedelta(days=5), ends_on=today + timedelta(days=3))
    url = f"/campaigns/{campaign.slug}"
    assert "3 days left" in text(client.get(url))

    monkeypatch.setattr(caching, "today", lambda: today + timedelta(days=1))
    assert "2 days left" in text(client.get(url))


def test_each_language_has_its_own_copy(client, make):
    campaign = make.campaign(title_en="Water", title_ar="ماء")
    assert "Water" in text(client.get(f"/en/campaigns/{campaign.slug}"))
    assert "ماء" in text(client.get(f"/ar/campaigns/{campaign.slug}"))
    assert "Water" in text(client.get(f"/en/campaigns/{campaign.slug}"))
    arabic = client.get(f"/campaigns/{campaign.slug}", headers={"Accept-Language": "ar"})
    # The visitor's saved choice (the cookie set by /en/) wins over the browser's language.
    assert "Water" in text(arabic)


def test_anything_outside_the_key_is_fresh_within_the_entry_lifetime(app):
    assert 0 < app.config["CACHE_DEFAULT_TIMEOUT"] <= 5
    with app.app_context():
        assert cache.cache.default_timeout == app.config["CACHE_DEFAULT_TIMEOUT"]
