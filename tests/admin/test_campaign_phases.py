"""The console calls a campaign what it is today: scheduled before its start date, open from
it, closed after its end date, with nobody pressing a button on those days."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from campaigns import timeutil
from campaigns.models import Campaign, CampaignState
from tests.admin.world import campaign_form, request, sign_in

START = date(2031, 3, 10)
END = date(2031, 3, 20)


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


def _badge(page: str, title: str) -> str:
    """The state badge in the campaign list's row for ``title``."""
    rows = [row for row in re.findall(r"<tr>(.*?)</tr>", page, re.S) if title in row]
    assert len(rows) == 1, title
    found = re.search(r'<span class="badge state-([a-z]+)">([^<]+)</span>', rows[0])
    assert found, rows[0]
    return f"{found.group(1)}:{found.group(2)}"


@pytest.fixture
def dated(db, manager):
    campaign = db.session.get(Campaign, manager.campaign)
    campaign.starts_on, campaign.ends_on = START, END
    db.session.commit()
    return campaign


@pytest.mark.parametrize(
    ("day", "badge", "hint"),
    [
        (START - timedelta(days=1), "scheduled:Scheduled", "It opens for gifts on Mar 10, 2031"),
        (START, "open:Open", "It closes to new gifts by itself after Mar 20, 2031"),
        (END, "open:Open", "It closes to new gifts by itself after Mar 20, 2031"),
        (END + timedelta(days=1), "closed:Closed", "It closed by itself after its end date"),
    ],
)
def test_the_list_tabs_and_publication_box_follow_the_day(
    client, manager, dated, monkeypatch, day, badge, hint
):
    monkeypatch.setattr(timeutil, "today", lambda: day)
    assert _badge(client.get("/admin/campaigns/").get_data(as_text=True), "Clinic") == badge
    edit = client.get(f"/admin/campaigns/{dated.id}/edit")
    label = badge.split(":")[1]
    assert f'<span class="badge state-{badge.split(":")[0]}">{label}</span>' in edit.get_data(
        as_text=True
    )
    text = _text(edit)
    assert f"State: <strong>{label}</strong>" in text
    assert hint in text
    assert "Published" not in text


def test_a_closed_campaign_and_a_draft_keep_their_names(client, db, manager, dated, monkeypatch):
    monkeypatch.setattr(timeutil, "today", lambda: START)
    dated.state = CampaignState.CLOSED
    db.session.commit()
    listing = client.get("/admin/campaigns/").get_data(as_text=True)
    assert _badge(listing, "Clinic") == "closed:Closed"
    assert _badge(listing, "Draft one") == "draft:Draft"


def test_publishing_ahead_of_the_start_date_schedules_it(client, db, manager, monkeypatch):
    monkeypatch.setattr(timeutil, "today", lambda: START - timedelta(days=5))
    new = client.post(
        "/admin/campaigns/new",
        data=campaign_form(
            organization=str(manager.org),
            starts_on=START.isoformat(),
            ends_on=END.isoformat(),
        ),
    )
    campaign_id = int(new.headers["Location"].split("/")[-2])
    draft = _text(client.get(f"/admin/campaigns/{campaign_id}/edit"))
    assert "Publishing it now schedules it: it opens for gifts on Mar 10, 2031 by itself." in draft
    assert client.post(f"/admin/campaigns/{campaign_id}/publish").status_code == 302
    listing = client.get("/admin/campaigns/").get_data(as_text=True)
    assert _badge(listing, "Water for Hajin") == "scheduled:Scheduled"

    sign_in(client, None)
    page = _text(request(client, "GET", "/campaigns/water-for-hajin"))
    assert "Starts in 5 days" in page
    assert 'action="/campaigns/water-for-hajin/donate"' not in page
    monkeypatch.setattr(timeutil, "today", lambda: START)
    assert 'action="/campaigns/water-for-hajin/donate"' in _text(
        request(client, "GET", "/campaigns/water-for-hajin")
    )
    sign_in(client, manager.users["manager"])
    listing = request(client, "GET", "/admin/campaigns/").get_data(as_text=True)
    assert _badge(listing, "Water for Hajin") == "open:Open"


def test_the_dashboard_names_the_phase_too(client, manager, dated, monkeypatch):
    monkeypatch.setattr(timeutil, "today", lambda: START - timedelta(days=1))
    assert 'class="badge state-scheduled">Scheduled</span>' in client.get("/admin/").get_data(
        as_text=True
    )


def test_in_arabic(client, manager, dated, monkeypatch):
    monkeypatch.setattr(timeutil, "today", lambda: START - timedelta(days=1))
    page = client.get("/ar/admin/campaigns/").get_data(as_text=True)
    assert 'class="badge state-scheduled">مجدولة</span>' in page
    edit = client.get(f"/ar/admin/campaigns/{dated.id}/edit").get_data(as_text=True)
    assert "تُفتح لاستقبال التبرعات تلقائيًا في" in edit
    assert "آذار" in edit  # the month as it is named in Syria
