"""A campaign published ahead of its dates opens on its start date and closes after its end
date by itself: the page, the donate form and its POST, and the API agree on every day, and
the page cache never serves yesterday's answer."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest

from campaigns import timeutil
from campaigns.catalog import acceptance
from campaigns.catalog.acceptance import Phase
from campaigns.models import CampaignState, Donation

START = date(2031, 3, 10)
END = date(2031, 3, 20)


def _text(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(response.get_data(as_text=True)))


@pytest.mark.parametrize(
    ("state", "day", "expected"),
    [
        (CampaignState.DRAFT, START, Phase.DRAFT),
        (CampaignState.ARCHIVED, START, Phase.ARCHIVED),
        (CampaignState.PUBLISHED, START - timedelta(days=1), Phase.SCHEDULED),
        (CampaignState.PUBLISHED, START, Phase.OPEN),
        (CampaignState.PUBLISHED, END, Phase.OPEN),
        (CampaignState.PUBLISHED, END + timedelta(days=1), Phase.CLOSED),
        (CampaignState.CLOSED, START - timedelta(days=1), Phase.CLOSED),
        (CampaignState.CLOSED, START, Phase.CLOSED),
    ],
)
def test_the_phase_reads_the_state_with_the_dates(make, state, day, expected):
    campaign = make.campaign(state=state, starts_on=START, ends_on=END)
    assert acceptance.phase(campaign, day) is expected


def test_an_open_ended_campaign_stays_open(make):
    campaign = make.campaign(starts_on=START, ends_on=None)
    assert acceptance.phase(campaign, START + timedelta(days=3650)) is Phase.OPEN


def _gift(client, slug: str):
    data = {"amount": "25", "frequency": "once", "name": "Lina", "email": "lina@example.org"}
    return client.post(f"/campaigns/{slug}/donate", data=data)


@pytest.mark.parametrize(
    ("day", "status", "open_for_gifts", "words"),
    [
        (START - timedelta(days=2), "upcoming", False, "Starts in 2 days"),
        (START - timedelta(days=1), "upcoming", False, "Starts in 1 day"),
        (START, "active", True, "10 days left"),
        (END, "active", True, "Last day"),
        (END + timedelta(days=1), "ended", False, "This campaign has ended"),
    ],
)
def test_page_form_post_and_api_agree_on_each_day(
    client, db, make, monkeypatch, day, status, open_for_gifts, words
):
    campaign = make.campaign(slug="scheduled-well", starts_on=START, ends_on=END)
    monkeypatch.setattr(timeutil, "today", lambda: day)

    page = client.get("/campaigns/scheduled-well")
    assert page.status_code == 200
    assert words in _text(page)
    has_form = 'action="/campaigns/scheduled-well/donate"' in page.get_data(as_text=True)
    assert has_form is open_for_gifts

    api = client.get("/api/v1/campaigns/scheduled-well").get_json()
    assert api["status"] == status
    listed = client.get("/api/v1/campaigns?per_page=100").get_json()["campaigns"]
    assert [c["status"] for c in listed if c["slug"] == "scheduled-well"] == [status]

    given = _gift(client, "scheduled-well")
    donations = db.session.query(Donation).filter_by(campaign_id=campaign.id).count()
    if open_for_gifts:
        assert given.status_code == 303
        assert donations == 1
    else:
        assert given.status_code == 422
        assert donations == 0
        refusal = "gifts open on" if status == "upcoming" else "This campaign has ended"
        assert refusal in _text(given)


def test_the_cached_page_changes_on_the_opening_and_closing_days(client, make, monkeypatch):
    make.campaign(slug="cached-well", starts_on=START, ends_on=END)
    form = 'action="/campaigns/cached-well/donate"'
    days = iter([START - timedelta(days=1), START, END, END + timedelta(days=1)])
    today = {"day": next(days)}
    monkeypatch.setattr(timeutil, "today", lambda: today["day"])

    before = client.get("/campaigns/cached-well")
    assert form not in before.get_data(as_text=True)
    assert form not in client.get("/campaigns/cached-well").get_data(as_text=True)  # from cache

    today["day"] = next(days)  # the start date: nothing stored changed, only the day
    assert form in client.get("/campaigns/cached-well").get_data(as_text=True)
    today["day"] = next(days)
    assert form in client.get("/campaigns/cached-well").get_data(as_text=True)
    today["day"] = next(days)  # the day after the end date
    after = client.get("/campaigns/cached-well")
    assert form not in after.get_data(as_text=True)
    assert "This campaign has ended" in _text(after)


def test_the_lists_show_a_scheduled_campaign_as_coming_and_drop_it_once_ended(
    client, make, monkeypatch
):
    make.campaign(slug="listed-well", title_en="Listed well", starts_on=START, ends_on=END)
    monkeypatch.setattr(timeutil, "today", lambda: START - timedelta(days=1))
    assert "Listed well" in _text(client.get("/campaigns/?status=active"))
    monkeypatch.setattr(timeutil, "today", lambda: END + timedelta(days=1))
    assert "Listed well" not in _text(client.get("/campaigns/?status=active"))
    assert "Listed well" in _text(client.get("/campaigns/?status=ended"))


def test_every_phase_has_a_name_in_both_languages(app):
    from flask_babel import force_locale

    from campaigns.catalog import labels

    assert set(labels.PHASE_LABELS) == set(Phase)
    with app.test_request_context(), force_locale("ar"):
        arabic = {str(label) for label in labels.PHASE_LABELS.values()}
    with app.test_request_context(), force_locale("en"):
        english = {str(label) for label in labels.PHASE_LABELS.values()}
    assert len(arabic) == len(english) == len(Phase)
    assert not arabic & english


def test_an_update_is_scheduled_until_its_moment(make):
    from datetime import UTC, datetime

    from campaigns.catalog.visibility import UpdateStatus, is_public_update, update_status

    at = datetime(2031, 3, 10, 14, 30, tzinfo=UTC)
    update = make.update(published_at=at)
    before, after = at - timedelta(seconds=1), at
    assert update_status(update, before) is UpdateStatus.SCHEDULED
    assert not is_public_update(update, before)
    assert update_status(update, after) is UpdateStatus.PUBLISHED
    assert is_public_update(update, after)
    update.published_at = None
    assert update_status(update, after) is UpdateStatus.DRAFT
