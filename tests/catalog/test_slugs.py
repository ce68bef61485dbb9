"""A page address taken by another organization's hidden page is never confirmed in an error."""

from datetime import UTC, datetime, timedelta

import pytest

from campaigns.catalog import ContentError, writes
from campaigns.models import CampaignState, UpdateCategory


def campaign_data(**overrides) -> dict:
    data = {
        "title_en": "Winter appeal",
        "sector": "relief",
        "currency": "USD",
        "goal": "25000",
        "starts_on": "2024-03-01",
        "ends_on": "2030-12-31",
    }
    data.update(overrides)
    return data


def update_data(**overrides) -> dict:
    data = {"title_en": "Wells dug", "body_en": "Four wells.", "category": "news"}
    data.update(overrides)
    return data


@pytest.mark.parametrize("state", [CampaignState.DRAFT, CampaignState.ARCHIVED])
def test_another_organizations_hidden_campaign_slug_is_not_revealed(app, make, state):
    make.campaign(slug="winter-appeal", state=state)
    writer = make.organization()
    with app.test_request_context():
        saved = writes.save_campaign(None, campaign_data(slug="winter-appeal"), organization=writer)
    assert saved.slug != "winter-appeal"
    assert saved.slug.startswith("winter-appeal-")


@pytest.mark.parametrize("state", [CampaignState.PUBLISHED, CampaignState.CLOSED])
def test_a_public_campaigns_slug_is_still_refused(app, make, state):
    make.campaign(slug="winter-appeal", state=state)
    writer = make.organization()
    with app.test_request_context(), pytest.raises(ContentError) as refused:
        writes.save_campaign(None, campaign_data(slug="winter-appeal"), organization=writer)
    assert "already" in refused.value.errors["slug"]


def test_the_writers_own_draft_slug_is_still_refused(app, make):
    writer = make.organization()
    make.campaign(slug="winter-appeal", state=CampaignState.DRAFT, organization=writer)
    with app.test_request_context(), pytest.raises(ContentError) as refused:
        writes.save_campaign(None, campaign_data(slug="winter-appeal"), organization=writer)
    assert "already" in refused.value.errors["slug"]


def test_editing_keeps_a_campaigns_own_slug(app, make):
    writer = make.organization()
    mine = make.campaign(slug="winter-appeal", state=CampaignState.DRAFT, organization=writer)
    with app.test_request_context():
        writes.save_campaign(mine, campaign_data(slug="winter-appeal"))
    assert mine.slug == "winter-appeal"


@pytest.mark.parametrize(
    "hidden",
    [
        {"published_at": None},
        {"published_at": datetime.now(UTC) + timedelta(days=3)},
    ],
)
def test_another_organizations_unpublished_update_slug_is_not_revealed(app, make, hidden):
    make.update(slug="wells-dug", **hidden)
    writer = make.organization()
    with app.test_request_context():
        saved = writes.save_update(
            None, update_data(slug="wells-dug"), organization=writer, campaign=None
        )
    assert saved.slug.startswith("wells-dug-")
    assert saved.category is UpdateCategory.NEWS


def test_an_update_about_a_draft_campaign_is_hidden_too(app, make):
    draft = make.campaign(state=CampaignState.DRAFT)
    make.update(draft, slug="wells-dug")
    writer = make.organization()
    with app.test_request_context():
        saved = writes.save_update(
            None, update_data(slug="wells-dug"), organization=writer, campaign=None
        )
    assert saved.slug != "wells-dug"


def test_a_published_update_slug_is_still_refused(app, make):
    make.update(slug="wells-dug")
    writer = make.organization()
    with app.test_request_context(), pytest.raises(ContentError) as refused:
        writes.save_update(None, update_data(slug="wells-dug"), organization=writer, campaign=None)
    assert "already" in refused.value.errors["slug"]
