"""One answer to "why can't this campaign take a gift today", and the page, the form and the
donate POST all give it, once."""

from datetime import UTC, date, datetime, timedelta

import pytest
from werkzeug.exceptions import NotFound

from campaigns.catalog import acceptance, visibility
from campaigns.models import CampaignState, Donation
from campaigns.payments import forms
from campaigns.payments.campaign_page import render_campaign_page

TODAY = date.today()
NOT_PUBLISHED = "This campaign is not published, so it cannot receive gifts."
ENDED = "This campaign has ended and no longer receives gifts. Thank you for your care."
UPCOMING = "This campaign has not started yet; gifts open on"

CASES = {
    "draft": ({"state": CampaignState.DRAFT}, NOT_PUBLISHED),
    "archived": ({"state": CampaignState.ARCHIVED}, NOT_PUBLISHED),
    "closed": ({"state": CampaignState.CLOSED}, ENDED),
    "ended": (
        {"starts_on": TODAY - timedelta(days=30), "ends_on": TODAY - timedelta(days=1)},
        ENDED,
    ),
    "not yet started": ({"starts_on": TODAY + timedelta(days=3)}, UPCOMING),
    "open": ({}, None),
    "last day": ({"ends_on": TODAY}, None),
    "open-ended": ({"ends_on": None}, None),
}
PUBLIC_CASES = [name for name, (overrides, _) in CASES.items() if "state" not in overrides]
PUBLIC_CASES.append("closed")


def gift(**overrides) -> dict:
    data = {"amount": "25", "frequency": "once", "name": "Lina", "email": "lina@example.org"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("case", CASES)
def test_gift_refusal_says_why_or_nothing(app, make, case):
    overrides, expected = CASES[case]
    campaign = make.campaign(**overrides)
    with app.test_request_context():
        refusal = acceptance.gift_refusal(campaign)
    if expected is None:
        assert refusal is None
    else:
        assert refusal is not None and refusal.startswith(expected)


def test_gift_refusal_names_the_day_gifts_open(app, make):
    campaign = make.campaign(starts_on=date(2031, 5, 4), ends_on=None)
    with app.test_request_context():
        assert acceptance.gift_refusal(campaign, today=date(2031, 5, 1)) == (
            "This campaign has not started yet; gifts open on May 4, 2031."
        )
        assert acceptance.gift_refusal(campaign, today=date(2031, 5, 4)) is None


def test_a_campaign_ends_after_its_last_day(make):
    campaign = make.campaign(starts_on=date(2030, 1, 1), ends_on=date(2030, 1, 31))
    assert not acceptance.has_ended(campaign, date(2030, 1, 31))
    assert acceptance.has_ended(campaign, date(2030, 2, 1))
    assert acceptance.timing(campaign, date(2030, 2, 1)) == acceptance.Timing.ENDED
    campaign.state = CampaignState.CLOSED
    assert acceptance.has_ended(campaign, date(2030, 1, 15))


@pytest.mark.parametrize("case", PUBLIC_CASES)
def test_page_form_and_post_agree(client, db, make, case):
    overrides, expected = CASES[case]
    campaign = make.campaign(**overrides)
    action = f'action="/campaigns/{campaign.slug}/donate"'
    page = client.get(f"/campaigns/{campaign.slug}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    posted = client.post(f"/campaigns/{campaign.slug}/donate", data=gift())
    answer = posted.get_data(as_text=True)
    made = db.session.query(Donation).filter_by(campaign_id=campaign.id).count()
    if expected is None:
        assert action in html
        assert posted.status_code == 303
        assert made == 1
        return
    # The page says why, once, and offers no form; the POST refuses with the same words.
    assert html.count(expected) == 1
    assert action not in html
    assert posted.status_code == 422
    assert answer.count(expected) == 1
    assert action not in answer
    assert made == 0


def test_has_ended_reads_the_same_for_a_closed_and_an_expired_campaign(client, make):
    closed = make.campaign(state=CampaignState.CLOSED)
    expired = make.campaign(starts_on=TODAY - timedelta(days=9), ends_on=TODAY - timedelta(1))
    for campaign in (closed, expired):
        html = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
        assert ENDED in html
        assert "no longer takes gifts" not in html
        assert "is closed and no longer" not in html


def test_the_refusal_is_decided_once_per_page(client, make, monkeypatch):
    calls = []
    real = forms.gift_refusal
    monkeypatch.setattr(forms, "gift_refusal", lambda c: calls.append(c.id) or real(c))
    upcoming = make.campaign(starts_on=TODAY + timedelta(days=2))
    client.get(f"/campaigns/{upcoming.slug}")
    assert calls == [upcoming.id]
    calls.clear()
    client.post(f"/campaigns/{upcoming.slug}/donate", data=gift())
    assert calls == [upcoming.id]


def test_the_preview_of_a_draft_says_it_is_not_published_and_offers_no_form(app, make):
    draft = make.campaign(state=CampaignState.DRAFT, title_en="Still a draft")
    with app.test_request_context(f"/admin/campaigns/{draft.id}/preview"):
        body, status = render_campaign_page(draft)
    assert status == 200
    assert body.count(NOT_PUBLISHED) == 1
    assert "donate-form" not in body


@pytest.mark.parametrize("state", [CampaignState.DRAFT, CampaignState.ARCHIVED])
def test_hidden_campaigns_do_not_exist_for_visitors(app, make, state):
    hidden = make.campaign(state=state)
    with app.test_request_context():
        assert visibility.public_campaign(hidden.slug) is None
        with pytest.raises(NotFound):
            visibility.public_campaign_or_404(hidden.slug)


@pytest.mark.parametrize("state", [CampaignState.PUBLISHED, CampaignState.CLOSED])
def test_published_and_closed_campaigns_are_public(app, make, state):
    shown = make.campaign(state=state)
    with app.test_request_context():
        assert visibility.public_campaign_or_404(shown.slug) is shown
    assert visibility.is_public(shown)


def test_an_update_is_public_once_published_and_while_its_campaign_is(make):
    campaign = make.campaign()
    update = make.update(campaign)
    assert visibility.is_public_update(update)
    update.published_at = None
    assert not visibility.is_public_update(update)
    update.published_at = datetime.now(UTC) + timedelta(days=1)
    assert not visibility.is_public_update(update)
    update.published_at = datetime.now(UTC) - timedelta(days=1)
    campaign.state = CampaignState.DRAFT
    assert not visibility.is_public_update(update)
