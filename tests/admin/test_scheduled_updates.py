"""An update written for later is "Scheduled" in the console, hidden from the public and from
the news subscribers until its time, and mailed by the periodic sweep once it comes."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from flask import current_app

from campaigns import news
from campaigns.models import Campaign, DonationStatus, NewsMailing, Update
from campaigns.news import tasks
from tests.admin.world import request, sign_in


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def _row(page: str, title: str) -> str:
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) if title in row]
    assert len(rows) == 1, title
    return re.sub(r"\s+", " ", html.unescape(rows[0]))


@pytest.fixture
def subscriber(db, make, world):
    campaign = db.session.get(Campaign, world.campaign)
    make.donation(
        campaign,
        donor_email="amal@example.org",
        status=DonationStatus.SUCCEEDED,
        succeeded_at=datetime.now(UTC),
    )
    news.subscribe(campaign, "amal@example.org", "en")
    db.session.commit()
    _sweep()  # the world's own news, published a moment ago, goes out first
    return "amal@example.org"


def _sweep() -> int:
    """Beat's news sweep, as this app's worker runs it (not another test's app)."""
    return current_app.extensions["celery"].tasks[tasks.SWEEP]()


def _mailed(smtp_server, subject: str = "Wells finished") -> list[str]:
    return [str(m["To"]) for m in smtp_server.messages if m["Subject"] == subject]


def _write(client, manager, when: datetime) -> int:
    data = {
        "organization": str(manager.org),
        "campaign": str(manager.campaign),
        "category": "field_report",
        "title_en": "Wells finished",
        "title_ar": "اكتملت الآبار",
        "body_en": "All four wells run.",
        "published_at": when.strftime("%Y-%m-%d %H:%M"),
        "action": "save",
    }
    assert client.post("/admin/updates/new", data=data).status_code == 302
    from campaigns.extensions import db

    return db.session.query(Update).filter_by(slug="wells-finished").one().id


def _time_comes(db, update_id: int) -> None:
    """Only the clock moves past ``published_at``; nobody touches the update."""
    table = Update.__table__
    db.session.execute(
        table.update()
        .where(table.c.id == update_id)
        .values(published_at=datetime.now(UTC) - timedelta(minutes=1))
    )
    db.session.commit()


def test_scheduled_in_the_console_hidden_and_unsent_until_the_sweep_sends_it(
    client, db, manager, subscriber, smtp_server
):
    later = (datetime.now(UTC) + timedelta(hours=2)).replace(second=0, microsecond=0)
    update_id = _write(client, manager, later)

    listing = client.get("/admin/updates/").get_data(as_text=True)
    row = _row(listing, "Wells finished")
    assert "Scheduled" in row and later.strftime("%H:%M") in row
    assert "Published" not in row
    edit = _text(client.get(f"/admin/updates/{update_id}/edit"))
    assert "Scheduled" in edit
    assert "goes to the campaign's news subscribers" in edit
    assert "Published on" not in edit
    assert f'action="/admin/updates/{update_id}/publish"' in edit  # "Publish now" offered

    sign_in(client, None)
    assert request(client, "GET", "/updates/wells-finished").status_code == 404
    assert "Wells finished" not in _text(request(client, "GET", "/campaigns/clinic"))
    assert db.session.query(NewsMailing).filter_by(update_id=update_id).count() == 0
    assert _sweep() == 0  # the beat job, before the time: nothing
    assert _mailed(smtp_server) == []

    _time_comes(db, update_id)
    assert _sweep() == 1  # the beat job, once the time has come
    assert _mailed(smtp_server) == [subscriber]
    assert _sweep() == 0  # and never twice
    assert _mailed(smtp_server) == [subscriber]
    assert request(client, "GET", "/updates/wells-finished").status_code == 200

    sign_in(client, manager.users["manager"])
    row = _row(request(client, "GET", "/admin/updates/").get_data(as_text=True), "Wells finished")
    assert "Scheduled" not in row
    edit = _text(request(client, "GET", f"/admin/updates/{update_id}/edit"))
    assert "Published on" in edit


def test_published_and_draft_updates_keep_their_labels(client, db, manager, make):
    campaign = db.session.get(Campaign, manager.campaign)
    make.update(campaign, title_en="Out already", published_at=datetime.now(UTC))
    make.update(campaign, title_en="Not yet written", published_at=None)
    db.session.commit()
    listing = client.get("/admin/updates/").get_data(as_text=True)
    assert "Scheduled" not in _row(listing, "Out already")
    assert "Draft" in _row(listing, "Not yet written")


def test_in_arabic_a_scheduled_update_is_labelled_as_such(client, db, manager, subscriber):
    update_id = _write(client, manager, datetime.now(UTC) + timedelta(days=1))
    listing = client.get("/ar/admin/updates/").get_data(as_text=True)
    row = _row(listing, "اكتملت الآبار")
    assert "مجدول" in row and "منشور" not in row
    edit = client.get(f"/ar/admin/updates/{update_id}/edit").get_data(as_text=True)
    assert "يظهر على الموقع ويُرسل إلى المشتركين" in edit
