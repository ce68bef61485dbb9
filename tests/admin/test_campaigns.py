"""Writing campaigns in the console: validation, slugs, tiers, history, impact, cover
images, updates, publication, and what no form may set."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from PIL import Image

from campaigns.models import (
    AuditEntry,
    Campaign,
    CampaignState,
    Chapter,
    DatePrecision,
    DonationTier,
    ImpactFigure,
    Update,
)
from tests.admin.world import campaign_form, fresh, sign_in


def campaigns_count(db) -> int:
    return db.session.query(Campaign).count()


def error_beside(page: str, field: str) -> str:
    """The error text shown under ``field``, or fail if there is none."""
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', page)
    assert match, f"no error beside {field}"
    return match.group(1)


# Creating and editing ------------------------------------------------------------------


def test_create_campaign_as_draft_in_the_managers_organization(client, db, manager):
    response = client.post(
        "/admin/campaigns/new", data=campaign_form(organization=str(manager.org))
    )
    assert response.status_code == 302
    campaign = db.session.query(Campaign).filter_by(slug="water-for-hajin").one()
    assert campaign.state is CampaignState.DRAFT
    assert campaign.organization_id == manager.org
    assert campaign.goal_minor == 25000_00
    assert campaign.title_ar == "مياه لهجين"
    entry = db.session.query(AuditEntry).filter_by(action="campaign.create").one()
    assert entry.object_id == campaign.id
    assert entry.user_id == manager.users["manager"]


def test_form_cannot_set_totals_state_or_organization(client, db, manager):
    """Extra fields posted by hand are ignored."""
    data = campaign_form(
        organization=str(manager.org),
        raised_minor="99999",
        donor_count="42",
        state="published",
        organization_id=str(manager.other_org),
        featured="y",
        id="1",
    )
    assert client.post("/admin/campaigns/new", data=data).status_code == 302
    campaign = db.session.query(Campaign).filter_by(slug="water-for-hajin").one()
    assert campaign.raised_minor == 0
    assert campaign.donor_count == 0
    assert campaign.state is CampaignState.DRAFT
    assert campaign.organization_id == manager.org
    assert campaign.featured is False


def test_editing_cannot_move_a_campaign_or_change_its_totals(client, db, manager):
    data = campaign_form(
        fresh(db, Campaign, manager.campaign),
        organization=str(manager.other_org),
        raised_minor="1",
        donor_count="7",
        state="archived",
    )
    assert client.post(f"/admin/campaigns/{manager.campaign}/edit", data=data).status_code == 302
    campaign = fresh(db, Campaign, manager.campaign)
    assert campaign.organization_id == manager.org
    assert campaign.raised_minor == 0
    assert campaign.donor_count == 0
    assert campaign.state is CampaignState.PUBLISHED


def test_manager_cannot_create_in_another_organization(client, db, manager):
    before = campaigns_count(db)
    response = client.post(
        "/admin/campaigns/new", data=campaign_form(organization=str(manager.other_org))
    )
    assert response.status_code == 422
    assert campaigns_count(db) == before


def test_platform_admin_picks_the_organization_and_may_feature(client, db, world):
    sign_in(client, world.users["admin"])
    data = campaign_form(organization=str(world.other_org), featured="y")
    assert client.post("/admin/campaigns/new", data=data).status_code == 302
    campaign = db.session.query(Campaign).filter_by(slug="water-for-hajin").one()
    assert campaign.organization_id == world.other_org
    assert campaign.featured is True


def test_the_form_puts_arabic_beside_english(client, manager):
    page = client.get(f"/admin/campaigns/{manager.campaign}/edit").get_data(as_text=True)
    for name in ("title", "summary", "story", "places", "beneficiaries"):
        assert re.search(rf'<[^>]*dir="ltr"[^>]*id="{name}_en"[^>]*lang="en"', page), name
        assert re.search(rf'<[^>]*dir="rtl"[^>]*id="{name}_ar"[^>]*lang="ar"', page), name


def test_the_console_speaks_arabic_under_ar(client, manager):
    response = client.get(f"/ar/admin/campaigns/{manager.campaign}/edit")
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in response.get_data(as_text=True)


# Validation ------------------------------------------------------------------------------

INVALID = [
    pytest.param({"starts_on": "2021/00/19"}, "starts_on", "not a date", id="impossible-date"),
    pytest.param({"starts_on": "someday"}, "starts_on", "YYYY-MM-DD", id="unreadable-date"),
    pytest.param(
        {"starts_on": "27/03/2024", "ends_on": "15/12/2023"},
        "ends_on",
        "before the start",
        id="end-before-start",
    ),
    pytest.param({"goal": "0"}, "goal", "greater than zero", id="zero-goal"),
    pytest.param({"goal": "-100"}, "goal", "Write an amount", id="negative-goal"),
    pytest.param({"goal": "12.345"}, "goal", "Write an amount", id="too-many-decimals"),
    pytest.param({"currency": "XYZ"}, "currency", "ISO 4217", id="unknown-currency"),
    pytest.param({"currency": "DOLLARS"}, "currency", "", id="long-currency"),
    pytest.param({"slug": "clinic"}, "slug", "Another page", id="duplicate-slug"),
    pytest.param({"slug": "Bad Slug!"}, "slug", "lower-case", id="malformed-slug"),
    pytest.param({"title_en": ""}, "title_en", "", id="no-english-title"),
    pytest.param(
        {"min_amount": "50", "max_amount": "10"}, "max_amount", "smaller", id="max-below-min"
    ),
    pytest.param(
        {"implemented_from": "2020-05-01", "implemented_to": "2019-01-01"},
        "implemented_to",
        "before its start",
        id="work-ends-before-it-starts",
    ),
]


@pytest.mark.parametrize(("changes", "field", "message"), INVALID)
def test_invalid_new_campaign_is_refused_beside_the_field(
    client, db, manager, changes, field, message
):
    before = campaigns_count(db)
    data = campaign_form(organization=str(manager.org), **changes)
    response = client.post("/admin/campaigns/new", data=data)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in error_beside(page, field)
    assert 'aria-invalid="true"' in page
    assert campaigns_count(db) == before


@pytest.mark.parametrize(("changes", "field", "message"), INVALID)
def test_invalid_edit_saves_nothing(client, db, manager, changes, field, message):
    draft = fresh(db, Campaign, manager.draft)
    data = campaign_form(draft, **{"title_en": "A new title", **changes})
    response = client.post(f"/admin/campaigns/{manager.draft}/edit", data=data)
    assert response.status_code == 422
    assert message in error_beside(response.get_data(as_text=True), field)
    unchanged = fresh(db, Campaign, manager.draft)
    assert unchanged.title_en == "Draft one"
    assert unchanged.slug == "draft-one"
    assert db.session.query(AuditEntry).filter_by(action="campaign.edit").count() == 0


def test_arabic_digits_and_day_first_dates_are_understood(client, db, manager):
    data = campaign_form(
        organization=str(manager.org), goal="١٥٠٠٠", starts_on="27/03/2024", ends_on=""
    )
    assert client.post("/admin/campaigns/new", data=data).status_code == 302
    campaign = db.session.query(Campaign).filter_by(slug="water-for-hajin").one()
    assert campaign.goal_minor == 15000_00
    assert campaign.starts_on.isoformat() == "2024-03-27"
    assert campaign.ends_on is None


def test_currency_is_fixed_once_a_campaign_has_donations(client, db, manager):
    campaign = fresh(db, Campaign, manager.campaign)
    response = client.post(
        f"/admin/campaigns/{manager.campaign}/edit", data=campaign_form(campaign, currency="EUR")
    )
    assert response.status_code == 422
    assert "cannot change" in error_beside(response.get_data(as_text=True), "currency")
    assert fresh(db, Campaign, manager.campaign).currency == "USD"


def test_currency_may_change_before_any_donation(client, db, manager):
    draft = fresh(db, Campaign, manager.draft)
    data = campaign_form(draft, currency="eur")
    assert client.post(f"/admin/campaigns/{manager.draft}/edit", data=data).status_code == 302
    assert fresh(db, Campaign, manager.draft).currency == "EUR"


def test_slug_comes_from_the_title_and_stays_unique(client, db, manager):
    for _ in range(2):
        data = campaign_form(organization=str(manager.org), title_en="Bread for Idlib!")
        assert client.post("/admin/campaigns/new", data=data).status_code == 302
    slugs = {c.slug for c in db.session.query(Campaign).filter(Campaign.slug.like("bread%"))}
    assert slugs == {"bread-for-idlib", "bread-for-idlib-2"}


def test_slug_can_be_edited(client, db, manager):
    draft = fresh(db, Campaign, manager.draft)
    data = campaign_form(draft, slug="better-address")
    assert client.post(f"/admin/campaigns/{manager.draft}/edit", data=data).status_code == 302
    assert fresh(db, Campaign, manager.draft).slug == "better-address"


def test_edit_is_audited_with_the_fields_that_changed(client, db, manager):
    draft = fresh(db, Campaign, manager.draft)
    data = campaign_form(draft, title_en="Draft renamed", goal=str(draft.goal_minor // 100))
    client.post(f"/admin/campaigns/{manager.draft}/edit", data=data)
    entry = db.session.query(AuditEntry).filter_by(action="campaign.edit").one()
    assert '"title_en"' in entry.detail


# Markdown, preview and sanitising --------------------------------------------------------

HOSTILE = (
    "Hello **donors**.\n\n<script>alert('x')</script>\n\n"
    '<img src=x onerror="alert(1)">\n\n[click](javascript:alert(2))'
)


def assert_harmless(page: str) -> None:
    assert not re.search(r"<script", page, re.IGNORECASE)
    assert not re.search(r"<[^>]*\sonerror\s*=", page, re.IGNORECASE)
    assert not re.search(r"<a[^>]*javascript:", page, re.IGNORECASE)


def test_preview_button_renders_sanitised_markdown_and_saves_nothing(client, db, manager):
    draft = fresh(db, Campaign, manager.draft)
    data = campaign_form(draft, story_en=HOSTILE, action="preview")
    response = client.post(f"/admin/campaigns/{manager.draft}/edit", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<strong>donors</strong>" in page
    assert_harmless(page)
    assert fresh(db, Campaign, manager.draft).story_en != HOSTILE


def test_hostile_story_is_saved_as_typed_and_shown_harmlessly(client, db, manager):
    campaign = fresh(db, Campaign, manager.campaign)
    data = campaign_form(campaign, story_en=HOSTILE, story_ar=HOSTILE)
    assert client.post(f"/admin/campaigns/{manager.campaign}/edit", data=data).status_code == 302
    assert fresh(db, Campaign, manager.campaign).story_en == HOSTILE
    for url in (
        f"/admin/campaigns/{manager.campaign}/edit",
        f"/admin/campaigns/{manager.campaign}/preview",
        "/campaigns/clinic",
        "/ar/campaigns/clinic",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        assert_harmless(page)
    assert "<strong>donors</strong>" in client.get("/campaigns/clinic").get_data(as_text=True)


def test_a_draft_can_be_previewed_by_its_editors(client, db, manager):
    response = client.get(f"/admin/campaigns/{manager.draft}/preview")
    assert response.status_code == 200
    assert "Draft one" in response.get_data(as_text=True)


# Publication -------------------------------------------------------------------------------


def test_publish_close_archive_restore(client, db, manager):
    url = f"/admin/campaigns/{manager.draft}"
    assert client.post(f"{url}/publish").status_code == 302
    assert fresh(db, Campaign, manager.draft).state is CampaignState.PUBLISHED
    assert client.post(f"{url}/close").status_code == 302
    assert fresh(db, Campaign, manager.draft).state is CampaignState.CLOSED
    assert client.post(f"{url}/archive").status_code == 302
    assert fresh(db, Campaign, manager.draft).state is CampaignState.ARCHIVED
    assert client.post(f"{url}/restore").status_code == 302
    assert fresh(db, Campaign, manager.draft).state is CampaignState.DRAFT
    actions = [e.action for e in db.session.query(AuditEntry).order_by(AuditEntry.id)]
    assert actions == ["campaign.publish", "campaign.close", "campaign.archive", "campaign.restore"]


def test_a_move_that_makes_no_sense_is_refused(client, db, manager):
    response = client.post(f"/admin/campaigns/{manager.draft}/close", follow_redirects=True)
    assert "cannot be changed that way" in response.get_data(as_text=True)
    assert fresh(db, Campaign, manager.draft).state is CampaignState.DRAFT


def test_a_draft_is_deleted_but_a_campaign_with_gifts_is_not(client, db, manager):
    assert client.post(f"/admin/campaigns/{manager.draft}/delete").status_code == 302
    assert fresh(db, Campaign, manager.draft) is None
    client.post(f"/admin/campaigns/{manager.campaign}/delete")
    assert fresh(db, Campaign, manager.campaign) is not None


# Tiers ---------------------------------------------------------------------------------------


def tiers_of(db, campaign_id):
    db.session.expire_all()
    query = db.session.query(DonationTier).filter_by(campaign_id=campaign_id)
    return [(t.amount_minor, t.description_en) for t in query.order_by(DonationTier.position)]


def tier_post(rows):
    data = {}
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"rows-{n}-{key}"] = value
    return data


def current_rows(db, campaign_id):
    db.session.expire_all()
    tiers = (
        db.session.query(DonationTier)
        .filter_by(campaign_id=campaign_id)
        .order_by(DonationTier.position)
    )
    return [
        {"tier_id": str(t.id), "position": str(n + 1), "amount": str(t.amount_minor // 100)}
        for n, t in enumerate(tiers)
    ]


def test_tier_page_lists_tiers_with_blank_rows_to_add(client, manager):
    page = client.get(f"/admin/campaigns/{manager.campaign}/tiers").get_data(as_text=True)
    assert 'name="rows-4-amount"' in page
    assert 'name="rows-7-amount"' in page  # five tiers and three blank rows
    assert 'value="100.00"' in page


def test_tiers_are_added_removed_and_reordered(client, db, manager):
    rows = current_rows(db, manager.campaign)  # 10, 20, 30, 50, 100
    rows[0]["position"] = "9"  # 10 goes last
    rows[1]["remove"] = "y"  # 20 goes
    rows.append({"position": "0", "amount": "7.50", "description_en": "A meal"})
    rows.append({"position": "", "amount": "", "description_en": ""})  # blank row
    response = client.post(f"/admin/campaigns/{manager.campaign}/tiers", data=tier_post(rows))
    assert response.status_code == 302
    amounts = [a for a, _ in tiers_of(db, manager.campaign)]
    assert amounts == [750, 3000, 5000, 10000, 1000]
    assert db.session.query(AuditEntry).filter_by(action="campaign.tiers").count() == 1


def test_two_tiers_can_swap_amounts(client, db, manager):
    rows = current_rows(db, manager.campaign)
    rows[0]["amount"], rows[1]["amount"] = rows[1]["amount"], rows[0]["amount"]
    response = client.post(f"/admin/campaigns/{manager.campaign}/tiers", data=tier_post(rows))
    assert response.status_code == 302
    assert [a for a, _ in tiers_of(db, manager.campaign)][:2] == [2000, 1000]


@pytest.mark.parametrize(
    ("amount", "message"),
    [("0", "more than zero"), ("-5", "Write an amount"), ("20", "same amount")],
)
def test_bad_tiers_are_refused_and_nothing_changes(client, db, manager, amount, message):
    before = tiers_of(db, manager.campaign)
    rows = current_rows(db, manager.campaign)
    rows.append({"position": "9", "amount": amount, "description_en": "Bad"})
    rows[0]["description_en"] = "Changed too"
    response = client.post(f"/admin/campaigns/{manager.campaign}/tiers", data=tier_post(rows))
    assert response.status_code == 422
    assert message in error_beside(response.get_data(as_text=True), f"rows-{len(rows) - 1}-amount")
    assert tiers_of(db, manager.campaign) == before


def test_another_campaigns_tier_id_is_ignored(client, db, manager, make):
    other_tier = fresh(db, Campaign, manager.other_campaign).tiers[0]
    other_id, other_amount = other_tier.id, other_tier.amount_minor
    rows = [{"tier_id": str(other_id), "position": "1", "amount": "999"}]
    client.post(f"/admin/campaigns/{manager.campaign}/tiers", data=tier_post(rows))
    assert fresh(db, DonationTier, other_id).amount_minor == other_amount


# History chapters and impact figures -------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "iso", "precision"),
    [
        ("2013", "2013-01-01", DatePrecision.YEAR),
        ("2013-06", "2013-06-01", DatePrecision.MONTH),
        ("06/2013", "2013-06-01", DatePrecision.MONTH),
        ("2013-06-15", "2013-06-15", DatePrecision.DAY),
        ("15/06/2013", "2013-06-15", DatePrecision.DAY),
    ],
)
def test_chapter_dates_keep_their_precision(client, db, manager, typed, iso, precision):
    data = {"happened_on": typed, "title_en": "Beginnings", "body_en": "We started."}
    response = client.post(f"/admin/campaigns/{manager.campaign}/chapters/new", data=data)
    assert response.status_code == 302
    chapter = db.session.query(Chapter).filter_by(title_en="Beginnings").one()
    assert chapter.happened_on.isoformat() == iso
    assert chapter.precision is precision


@pytest.mark.parametrize("typed", ["2013-13", "2021/00/19", "yesterday", "2023-02-30"])
def test_impossible_chapter_dates_are_refused(client, db, manager, typed):
    data = {"happened_on": typed, "title_en": "Beginnings"}
    response = client.post(f"/admin/campaigns/{manager.campaign}/chapters/new", data=data)
    assert response.status_code == 422
    error_beside(response.get_data(as_text=True), "happened_on")
    assert db.session.query(Chapter).filter_by(title_en="Beginnings").count() == 0


def test_chapter_edit_preview_and_delete(client, db, manager):
    url = f"/admin/campaigns/{manager.campaign}/chapters/{manager.chapter}"
    preview = client.post(
        f"{url}/edit",
        data={
            "happened_on": "2014",
            "title_en": "X",
            "body_en": HOSTILE,
            "action": "preview",
        },
    )
    assert preview.status_code == 200
    assert_harmless(preview.get_data(as_text=True))
    assert fresh(db, Chapter, manager.chapter).title_en == "Founding"
    data = {"happened_on": "2014-02", "title_en": "Refounding", "position": "3"}
    assert client.post(f"{url}/edit", data=data).status_code == 302
    chapter = fresh(db, Chapter, manager.chapter)
    assert (chapter.title_en, chapter.position, chapter.precision) == (
        "Refounding",
        3,
        DatePrecision.MONTH,
    )
    assert client.post(f"{url}/delete").status_code == 302
    assert fresh(db, Chapter, manager.chapter) is None


def test_impact_figures_are_added_and_removed(client, db, manager):
    url = f"/admin/campaigns/{manager.campaign}/impact"
    data = {
        "rows-0-position": "2",
        "rows-0-value": "44",
        "rows-0-label_en": "health facilities",
        "rows-0-label_ar": "منشأة صحية",
        "rows-1-position": "1",
        "rows-1-value": "1200",
        "rows-1-label_en": "students",
    }
    assert client.post(url, data=data).status_code == 302
    db.session.expire_all()
    figures = (
        db.session.query(ImpactFigure)
        .filter_by(campaign_id=manager.campaign)
        .order_by(ImpactFigure.position)
        .all()
    )
    assert [(f.value, f.label_en) for f in figures] == [
        (1200, "students"),
        (44, "health facilities"),
    ]
    remove = {"rows-0-figure_id": str(figures[0].id), "rows-0-remove": "y"}
    assert client.post(url, data=remove).status_code == 302
    assert db.session.query(ImpactFigure).filter_by(campaign_id=manager.campaign).count() == 1


def test_impact_figure_needs_a_number_and_a_label(client, db, manager):
    url = f"/admin/campaigns/{manager.campaign}/impact"
    response = client.post(url, data={"rows-0-value": "-3", "rows-0-label_en": ""})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    error_beside(page, "rows-0-value")
    assert db.session.query(ImpactFigure).count() == 0


# Cover image -------------------------------------------------------------------------------


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 450), (20, 120, 80)).save(buffer, "PNG")
    return buffer.getvalue()


def test_cover_upload_is_checked_and_stored(client, db, manager):
    url = f"/admin/campaigns/{manager.campaign}/cover"
    data = {"image": (io.BytesIO(png_bytes()), "cover.png")}
    response = client.post(url, data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    name = fresh(db, Campaign, manager.campaign).cover_image
    assert name
    assert name in client.get(url).get_data(as_text=True)
    assert client.post(f"{url}/remove").status_code == 302
    assert fresh(db, Campaign, manager.campaign).cover_image is None


def test_a_non_image_renamed_jpg_is_refused(client, db, manager):
    url = f"/admin/campaigns/{manager.campaign}/cover"
    fake = io.BytesIO(b"<?php system($_GET['c']); ?> definitely a photo")
    response = client.post(
        url, data={"image": (fake, "holiday.jpg")}, content_type="multipart/form-data"
    )
    assert response.status_code == 422
    assert "JPEG, PNG or WebP" in error_beside(response.get_data(as_text=True), "image")
    assert fresh(db, Campaign, manager.campaign).cover_image is None


# Updates -----------------------------------------------------------------------------------


def update_form(**overrides):
    data = {
        "campaign": "0",
        "category": "field_report",
        "title_en": "Wells finished",
        "body_en": "All four wells run.",
        "published_at": "",
    }
    data.update(overrides)
    return data


def test_update_about_the_organization_as_a_draft(client, db, manager):
    response = client.post("/admin/updates/new", data=update_form(organization=str(manager.org)))
    assert response.status_code == 302
    update = db.session.query(Update).filter_by(slug="wells-finished").one()
    assert update.campaign_id is None
    assert update.organization_id == manager.org
    assert update.published_at is None


def test_update_on_a_campaign_with_a_publish_time(client, db, manager):
    data = update_form(
        organization=str(manager.org),
        campaign=str(manager.campaign),
        published_at="2024-03-27 14:30",
    )
    assert client.post("/admin/updates/new", data=data).status_code == 302
    update = db.session.query(Update).filter_by(slug="wells-finished").one()
    assert update.campaign_id == manager.campaign
    assert update.published_at.strftime("%Y-%m-%d %H:%M") == "2024-03-27 14:30"


def test_update_cannot_be_attached_to_another_organizations_campaign(client, db, manager):
    data = update_form(organization=str(manager.org), campaign=str(manager.other_campaign))
    assert client.post("/admin/updates/new", data=data).status_code == 422
    assert db.session.query(Update).filter_by(slug="wells-finished").count() == 0


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"published_at": "2024-02-30 10:00"}, "published_at"),
        ({"slug": "Not OK"}, "slug"),
        ({"body_en": ""}, "body_en"),
        ({"category": "gossip"}, "category"),
    ],
)
def test_invalid_update_is_refused_beside_the_field(client, db, manager, changes, field):
    data = update_form(organization=str(manager.org), **changes)
    response = client.post("/admin/updates/new", data=data)
    assert response.status_code == 422
    assert field in response.get_data(as_text=True)
    error_beside(response.get_data(as_text=True), field)
    assert db.session.query(Update).filter_by(title_en="Wells finished").count() == 0


def test_update_preview_publish_unpublish(client, db, manager):
    url = f"/admin/updates/{manager.update}"
    preview = client.post(f"{url}/edit", data=update_form(body_en=HOSTILE, action="preview"))
    assert preview.status_code == 200
    assert_harmless(preview.get_data(as_text=True))
    assert client.post(f"{url}/unpublish").status_code == 302
    assert fresh(db, Update, manager.update).published_at is None
    assert client.post(f"{url}/publish").status_code == 302
    assert fresh(db, Update, manager.update).published_at is not None


def test_dashboard_shows_figures_and_a_chart(client, db, manager, make):
    from campaigns.payments import ledger

    campaign = fresh(db, Campaign, manager.campaign)
    for amount in (2500, 7500):
        ledger.record_offline_gift(
            campaign,
            amount,
            donor_name="Cash donor",
            method="cash",
            reference="R",
            received_on=date.today(),
        )
    db.session.commit()
    page = client.get("/admin/").get_data(as_text=True)
    assert "$100.00" in page  # raised: the two gifts
    assert "$50.00" in page  # average gift
    assert '<svg viewBox="0 0 600 160" role="img"' in page
    assert "<title id=" in page and "<desc id=" in page
    assert page.count("<rect ") == 1  # both gifts on the same day
    assert "Latest donations" in page
    assert "Cash donor" in page


def test_dashboard_puts_open_campaigns_first_and_leaves_out_project_records(
    client, db, manager, make
):
    open_campaign = fresh(db, Campaign, manager.campaign)
    organization = open_campaign.organization
    ended = make.campaign(
        organization=organization, state=CampaignState.CLOSED, title_en="An ended appeal"
    )
    record = make.campaign(
        organization=organization,
        state=CampaignState.CLOSED,
        goal_minor=None,
        implemented_from=date(2021, 7, 1),
        implemented_to=date(2021, 11, 20),
        beneficiaries_reached=42045,
        title_en="Toilets and desks for ten schools",
    )
    db.session.commit()
    page = client.get("/admin/").get_data(as_text=True)
    assert page.index(open_campaign.title_en) < page.index(ended.title_en)
    assert record.title_en not in page
