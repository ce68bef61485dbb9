"""Duplicating a campaign: a draft copy of its content and settings, none of its life."""

from __future__ import annotations

import json
from datetime import date

import pytest

from campaigns import news
from campaigns.catalog import copies
from campaigns.models import (
    AuditEntry,
    Campaign,
    CampaignState,
    DatePrecision,
    Donation,
    NewsSubscription,
    Update,
)
from tests.admin.world import fresh, request, sign_in


@pytest.fixture
def original(db, make, world):
    """The world's published campaign, filled in: settings, history, impact, a subscriber."""
    campaign = db.session.get(Campaign, world.campaign)
    campaign.title_ar = "العيادة"
    campaign.summary_ar = "عيادة في هجين."
    campaign.story_en = "We run a **clinic**."
    campaign.places_en = "Hajin"
    campaign.min_amount_minor = 5_00
    campaign.max_amount_minor = 5_000_00
    campaign.starts_on, campaign.ends_on = date(2031, 1, 1), date(2031, 6, 30)
    campaign.featured = True
    campaign.cover_image = "cover-abc.jpg"
    campaign.raised_base_minor, campaign.donor_base_count = 12_345_00, 7
    campaign.tiers[1].description_ar = "يساعد."
    make.chapter(campaign, title_en="Second year", title_ar="السنة الثانية", body_en="More.")
    make.chapter(
        campaign,
        title_en="A month",
        happened_on=date(2019, 6, 1),
        precision=DatePrecision.MONTH,
        position=5,
    )
    make.impact(campaign, value=44, label_en="health facilities", detail_en="13 + 9 + 4 + 19")
    make.impact(campaign, value=3, label_en="villages", label_ar="قرى")
    news.subscribe(campaign, "amal@example.org", "en")
    db.session.commit()
    return campaign


def _duplicate(client, campaign_id: int):
    return client.post(f"/admin/campaigns/{campaign_id}/duplicate")


def _copy_of(db, response) -> Campaign:
    assert response.status_code == 302
    copy_id = int(response.headers["Location"].rstrip("/").split("/")[-2])
    assert response.headers["Location"].endswith(f"/admin/campaigns/{copy_id}/edit")
    return fresh(db, Campaign, copy_id)


def test_the_copy_is_a_draft_with_the_content_and_none_of_the_life(client, db, manager, original):
    response = _duplicate(client, original.id)
    copy = _copy_of(db, response)
    source = fresh(db, Campaign, original.id)

    assert copy.id != source.id
    assert copy.state is CampaignState.DRAFT
    assert copy.organization_id == source.organization_id
    assert copy.slug == "clinic-copy"
    assert copy.title_en == "Clinic (copy)"
    assert copy.title_ar == "العيادة (نسخة)"
    for name in ("summary_en", "summary_ar", "story_en", "places_en", "sector", "currency"):
        assert getattr(copy, name) == getattr(source, name), name
    for name in ("goal_minor", "min_amount_minor", "max_amount_minor", "starts_on", "ends_on"):
        assert getattr(copy, name) == getattr(source, name), name
    assert copy.cover_image == "cover-abc.jpg"
    assert copy.featured is False

    def tiers(c):
        return [(t.amount_minor, t.description_en, t.description_ar) for t in c.tiers]

    def chapters(c):
        return [
            (ch.happened_on, ch.precision, ch.title_en, ch.title_ar, ch.body_en, ch.position)
            for ch in c.chapters
        ]

    def figures(c):
        return [(f.value, f.label_en, f.label_ar, f.detail_en) for f in c.impact_figures]

    assert tiers(copy) == tiers(source) and len(copy.tiers) == 5
    assert chapters(copy) == chapters(source) and len(copy.chapters) == 3
    assert figures(copy) == figures(source) and len(copy.impact_figures) == 2

    # None of its life: money, donors, news, subscribers.
    assert (copy.raised_minor, copy.donor_count) == (0, 0)
    assert db.session.query(Donation).filter_by(campaign_id=copy.id).count() == 0
    assert db.session.query(Update).filter_by(campaign_id=copy.id).count() == 0
    assert db.session.query(NewsSubscription).filter_by(campaign_id=copy.id).count() == 0
    # The original keeps all of it.
    assert (source.raised_minor, source.donor_count) == (12_345_00, 7)
    assert source.state is CampaignState.PUBLISHED
    assert db.session.query(Donation).filter_by(campaign_id=source.id).count() == 1
    assert db.session.query(NewsSubscription).filter_by(campaign_id=source.id).count() == 1

    entry = db.session.query(AuditEntry).filter_by(action="campaign.duplicate").one()
    assert entry.object_id == copy.id
    assert entry.user_id == manager.users["manager"]
    assert entry.organization_id == manager.org
    assert json.loads(entry.detail) == {
        "from_id": source.id,
        "from_slug": "clinic",
        "slug": copy.slug,
    }


def test_the_edit_page_offers_it_and_the_copy_says_what_it_is(client, db, manager, original):
    page = client.get(f"/admin/campaigns/{original.id}/edit").get_data(as_text=True)
    assert f'action="/admin/campaigns/{original.id}/duplicate"' in page
    assert "Duplicate this campaign" in page

    followed = client.post(f"/admin/campaigns/{original.id}/duplicate", follow_redirects=True)
    text = followed.get_data(as_text=True)
    assert followed.status_code == 200
    assert "This is a copy, saved as a draft." in text
    assert "Clinic (copy)" in text

    arabic = client.get(f"/ar/admin/campaigns/{original.id}/edit").get_data(as_text=True)
    assert "نسخ هذه الحملة" in arabic


def test_each_copy_gets_its_own_address_and_the_public_cannot_see_it(client, db, manager, original):
    first = _copy_of(db, _duplicate(client, original.id))
    second = _copy_of(db, _duplicate(client, original.id))
    of_copy = _copy_of(db, _duplicate(client, first.id))
    assert (first.slug, second.slug, of_copy.slug) == (
        "clinic-copy",
        "clinic-copy-2",
        "clinic-copy-copy",
    )
    assert of_copy.title_en == "Clinic (copy) (copy)"
    sign_in(client, None)
    assert request(client, "GET", "/campaigns/clinic-copy").status_code == 404
    assert request(client, "GET", "/api/v1/campaigns/clinic-copy").status_code == 404


def test_a_long_title_and_slug_still_fit(db, make, app):
    for column in ("title_en", "title_ar"):
        assert Campaign.__table__.c[column].type.length == copies.TITLE_MAX
    campaign = make.campaign(slug="a" * 80, title_en="T" * 200, title_ar="ع" * 200)
    with app.test_request_context():
        copy = copies.duplicate_campaign(campaign)
    assert len(copy.slug) <= 80 and copy.slug.endswith("-copy")
    assert len(copy.title_en) <= 200 and copy.title_en.endswith("… (copy)")
    assert len(copy.title_ar) <= 200 and copy.title_ar.endswith("(نسخة)")


@pytest.mark.parametrize(
    ("who", "target", "status"),
    [
        ("editor", "campaign", 302),
        ("outsider", "campaign", 404),
        ("manager", "other_campaign", 404),
        ("nobody", "campaign", 403),
    ],
)
def test_who_may_duplicate(client, db, world, who, target, status):
    sign_in(client, world.users[who])
    before = db.session.query(Campaign).count()
    response = request(client, "POST", f"/admin/campaigns/{getattr(world, target)}/duplicate")
    assert response.status_code == status
    assert db.session.query(Campaign).count() == before + (1 if status == 302 else 0)


def test_signed_out_it_asks_to_sign_in_and_a_get_copies_nothing(client, db, world):
    before = db.session.query(Campaign).count()
    signed_out = request(client, "POST", f"/admin/campaigns/{world.campaign}/duplicate")
    assert signed_out.status_code == 302 and "/admin/login" in signed_out.headers["Location"]
    sign_in(client, world.users["manager"])
    assert request(client, "GET", f"/admin/campaigns/{world.campaign}/duplicate").status_code == 405
    assert db.session.query(Campaign).count() == before


def test_a_campaign_that_breaks_a_rule_is_not_copied(client, db, manager, make):
    broken = db.session.get(Campaign, manager.campaign)
    make.impact(broken, value=1, label_en="")  # stored before the rule existed
    db.session.commit()
    before = db.session.query(Campaign).count()
    response = _duplicate(client, broken.id)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/campaigns/{broken.id}/edit")
    assert db.session.query(Campaign).count() == before
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Say what was counted, in English." in page
