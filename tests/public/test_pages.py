"""The public pages as a visitor reads them: home, list, campaign, organization, update."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from PIL import Image

from campaigns.models import CampaignState, DatePrecision, OfflineMethod, Sector, UpdateCategory
from campaigns.payments import ledger

TODAY = date.today()


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def text_of(html: str) -> str:
    """The page's visible words, tags removed, whitespace squeezed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def gift(campaign, amount_minor: int, name: str, anonymous: bool = False, message=None):
    return ledger.record_offline_gift(
        campaign,
        amount_minor,
        donor_name=name,
        anonymous=anonymous,
        method=OfflineMethod.CASH,
        reference=None,
        received_on=TODAY,
        message=message,
    )


# --- home ------------------------------------------------------------------------------------


def test_home_shows_featured_and_open_campaigns_with_progress(client, make):
    featured = make.campaign(title_en="Clean water for Hajin", featured=True, goal_minor=10_000_00)
    gift(featured, 2_500_00, "Rania")
    other = make.campaign(title_en="School desks")
    ended = make.campaign(
        title_en="Winter blankets",
        starts_on=TODAY - timedelta(days=60),
        ends_on=TODAY - timedelta(days=1),
    )
    draft = make.campaign(title_en="Secret draft", state=CampaignState.DRAFT)

    html = page(client, "/")
    words = text_of(html)
    assert "Featured campaigns" in words
    assert featured.title_en in words and other.title_en in words
    assert ended.title_en not in words
    assert draft.title_en not in words
    assert "$2,500.00 raised" in words
    assert "25%" in words
    assert "of a $10,000.00 goal" in words
    assert html.index(featured.title_en) < html.index(other.title_en)
    # A featured campaign is listed once, not again among the open ones.
    assert html.count(f'href="/campaigns/{featured.slug}"') == 1
    # The organizations behind public campaigns are one click away.
    assert f'href="/organizations/{featured.organization.slug}"' in html
    assert f'href="/organizations/{draft.organization.slug}"' not in html


def test_home_in_arabic_is_right_to_left_with_arabic_titles(client, make):
    campaign = make.campaign(title_ar="مياه نظيفة لهجين")
    html = page(client, "/ar/")
    assert '<html lang="ar" dir="rtl">' in html
    assert "مياه نظيفة لهجين" in html
    assert f'href="/ar/campaigns/{campaign.slug}"' in html


# --- campaign list ---------------------------------------------------------------------------


def test_list_shows_published_and_closed_but_never_drafts_or_archived(client, make):
    published = make.campaign(title_en="Published one")
    closed = make.campaign(title_en="Closed one", state=CampaignState.CLOSED)
    draft = make.campaign(title_en="Draft one", state=CampaignState.DRAFT)
    archived = make.campaign(title_en="Archived one", state=CampaignState.ARCHIVED)
    words = text_of(page(client, "/campaigns/"))
    assert published.title_en in words and closed.title_en in words
    assert draft.title_en not in words and archived.title_en not in words


def test_list_filters_by_sector_organization_and_status(client, make):
    org = make.organization(name_en="Zour Civil Initiative")
    water = make.campaign(organization=org, sector=Sector.INFRASTRUCTURE, title_en="Water pipes")
    farms = make.campaign(organization=org, sector=Sector.AGRICULTURE, title_en="Farm tunnels")
    clinic = make.campaign(sector=Sector.HEALTH, title_en="Field clinic")
    ended = make.campaign(
        organization=org,
        sector=Sector.AGRICULTURE,
        title_en="Old drainage",
        starts_on=TODAY - timedelta(days=90),
        ends_on=TODAY - timedelta(days=30),
    )
    closed = make.campaign(sector=Sector.HEALTH, title_en="Closed clinic", state="closed")

    def titles(query: str) -> set[str]:
        words = text_of(page(client, "/campaigns/" + query))
        everything = (water, farms, clinic, ended, closed)
        return {c.title_en for c in everything if c.title_en in words}

    assert titles("?sector=agriculture") == {"Farm tunnels", "Old drainage"}
    assert titles(f"?organization={org.slug}") == {"Water pipes", "Farm tunnels", "Old drainage"}
    assert titles("?status=active") >= {"Water pipes", "Farm tunnels", "Field clinic"}
    assert not titles("?status=active") & {"Old drainage", "Closed clinic"}
    assert titles("?status=ended") == {"Old drainage", "Closed clinic"}
    assert titles(f"?sector=agriculture&status=ended&organization={org.slug}") == {"Old drainage"}
    # Values nobody can pick from the form are ignored rather than failing.
    assert titles("?sector=nonsense&status=whenever") >= {"Water pipes", "Closed clinic"}


def test_filter_form_is_a_plain_get_form_that_keeps_the_choice(client, make):
    org = make.organization()
    make.campaign(organization=org, sector=Sector.AGRICULTURE)
    html = page(client, f"/campaigns/?sector=agriculture&status=active&organization={org.slug}")
    assert re.search(r'<form class="filters" method="get" action="/campaigns/"', html)
    assert '<option value="agriculture" selected>' in html
    assert '<option value="active" selected>' in html
    assert f'<option value="{org.slug}" selected>' in html
    assert "<script" not in html


def test_list_is_paginated_and_keeps_the_filters(client, make):
    org = make.organization()
    for n in range(14):
        make.campaign(organization=org, sector=Sector.EDUCATION, title_en=f"School {n:02d}")
    first = page(client, f"/campaigns/?sector=education&organization={org.slug}")
    assert "14 campaigns" in text_of(first)
    assert "Page 1 of 2" in text_of(first)
    next_link = re.search(r'<a rel="next" href="([^"]+)"', first).group(1).replace("&amp;", "&")
    assert "sector=education" in next_link and f"organization={org.slug}" in next_link
    second = page(client, next_link)
    on_first = set(re.findall(r"School \d\d", text_of(first)))
    on_second = set(re.findall(r"School \d\d", text_of(second)))
    assert len(on_first) == 12 and len(on_second) == 2
    assert not on_first & on_second
    assert 'rel="prev"' in second
    # A page past the end is empty, not an error.
    assert "No campaign matches" in text_of(page(client, "/campaigns/?page=9"))


# --- campaign page ---------------------------------------------------------------------------


def test_campaign_page_shows_the_essentials(client, make):
    org = make.organization(name_en="Al-Seraj Medical and Relief Group")
    campaign = make.campaign(
        organization=org,
        title_en="Medical support",
        summary_en="Field hospitals under siege.",
        goal_minor=1_000_000_00,
        story_en="We **supplied** field hospitals.",
    )
    gift(campaign, 350_000_00, "Opening donor")
    html = page(client, f"/campaigns/{campaign.slug}")
    words = text_of(html)
    assert '<h1 dir="auto">Medical support</h1>' in html
    assert f'href="/organizations/{org.slug}"' in html
    assert "Al-Seraj Medical and Relief Group" in words
    assert "$350,000.00 raised" in words
    assert "of a $1,000,000.00 goal" in words
    assert "35%" in words
    assert 'style="inline-size: 35%"' in html
    assert "1 donor " in words
    assert "20 days left" in words
    assert "<strong>supplied</strong>" in html
    # Tiers are offered by the donate form.
    assert "$50.00" in words


def test_progress_over_the_goal_shows_the_real_percentage_but_caps_the_bar(client, make):
    campaign = make.campaign(goal_minor=1_000_00)
    gift(campaign, 1_350_00, "Generous donor")
    html = page(client, f"/campaigns/{campaign.slug}")
    assert "135%" in text_of(html)
    assert 'style="inline-size: 100%"' in html
    assert 'aria-valuenow="100"' in html and 'aria-valuetext="135%"' in html


@pytest.mark.parametrize(
    ("starts", "ends", "state", "expected"),
    [
        (-10, 1, CampaignState.PUBLISHED, "1 day left"),
        (-10, 12, CampaignState.PUBLISHED, "12 days left"),
        (-10, 0, CampaignState.PUBLISHED, "Last day"),
        (-10, -1, CampaignState.PUBLISHED, "Ended"),
        (-10, 30, CampaignState.CLOSED, "Ended"),
        (3, 30, CampaignState.PUBLISHED, "Starts in 3 days"),
        (1, 30, CampaignState.PUBLISHED, "Starts in 1 day"),
    ],
)
def test_campaign_page_says_how_long_is_left(client, make, starts, ends, state, expected):
    campaign = make.campaign(
        starts_on=TODAY + timedelta(days=starts),
        ends_on=TODAY + timedelta(days=ends),
        state=state,
    )
    html = page(client, f"/campaigns/{campaign.slug}")
    timing = re.search(r'class="timing timing-\w+"><strong>([^<]+)</strong>', html).group(1)
    assert timing == expected


def test_campaign_not_started_says_when_gifts_open_instead_of_a_form(client, make):
    campaign = make.campaign(starts_on=TODAY + timedelta(days=5))
    html = page(client, f"/campaigns/{campaign.slug}")
    assert "has not started yet; gifts open on" in text_of(html)
    assert f'action="/campaigns/{campaign.slug}/donate"' not in html
    started = make.campaign()
    started_page = page(client, f"/campaigns/{started.slug}")
    assert f'action="/campaigns/{started.slug}/donate"' in started_page


def test_anonymous_donor_is_never_named_anywhere_on_the_page(client, make):
    campaign = make.campaign()
    gift(campaign, 40_00, "Rania Haddad", message="For the children of Hajin")
    gift(campaign, 500_00, "Khaled Mansour", anonymous=True, message="Keep going")
    ledger.record_opening_balance(campaign, 1_000_00, note="Raised elsewhere")
    for url in (f"/campaigns/{campaign.slug}", f"/ar/campaigns/{campaign.slug}"):
        html = page(client, url)
        assert "Khaled" not in html and "Mansour" not in html
        assert "Rania Haddad" in html
    words = text_of(page(client, f"/en/campaigns/{campaign.slug}"))
    assert "Anonymous $500.00" in words
    assert "For the children of Hajin" in words and "Keep going" in words
    # The opening balance is money, not a person: it is not listed among the donors,
    # and it does not count as a donor.
    assert "$1,000.00" not in words.split("Recent donors", 1)[1]
    assert "2 donors" in words


def test_pending_and_failed_gifts_are_not_listed_as_donors(client, make):
    campaign = make.campaign()
    make.donation(campaign, donor_name="Pending Person")
    make.donation(campaign, donor_name="Failed Person", status="failed")
    words = text_of(page(client, f"/campaigns/{campaign.slug}"))
    assert "Pending Person" not in words and "Failed Person" not in words
    assert "No gifts yet" in words


def test_history_impact_and_updates(client, make):
    campaign = make.campaign()
    make.chapter(campaign, happened_on=date(2012, 11, 1), precision=DatePrecision.MONTH,
                 title_en="Support begins", position=0)  # fmt: skip
    make.chapter(campaign, happened_on=date(2013, 1, 1), precision=DatePrecision.YEAR,
                 title_en="Under siege", position=1)  # fmt: skip
    make.chapter(campaign, happened_on=date(2014, 5, 3), precision=DatePrecision.DAY,
                 title_en="First partnership", position=2)  # fmt: skip
    make.impact(campaign, value=44, label_en="health facilities",
                detail_en="13 hospitals, 9 primary care centres")  # fmt: skip
    make.impact(campaign, value=740, label_en="medical staff", position=1)
    news = make.update(campaign, title_en="The warehouse is open")
    draft = make.update(campaign, title_en="Not yet", published_at=None)
    later = make.update(
        campaign, title_en="Scheduled", published_at=datetime.now(UTC) + timedelta(days=2)
    )
    html = page(client, f"/campaigns/{campaign.slug}")
    words = text_of(html)
    history = words.split("History", 1)[1]
    assert history.index("November 2012 Support begins") < history.index("2013 Under siege")
    assert "May 3, 2014 First partnership" in history
    assert "44 health facilities 13 hospitals, 9 primary care centres" in words
    assert "740 medical staff" in words
    assert f'href="/updates/{news.slug}"' in html
    assert "Aid &amp; Development" in html
    assert draft.title_en not in words and later.title_en not in words


def test_story_markdown_is_sanitised(client, make):
    campaign = make.campaign(
        story_en="Hello <script>alert(1)</script> [x](javascript:alert(2)) "
        '<img src=x onerror="alert(3)">'
    )
    html = page(client, f"/campaigns/{campaign.slug}")
    body = html.split('id="story-heading"', 1)[1]
    story = body.split("</section>", 1)[0]
    assert "<script" not in story and "&lt;script&gt;" in story  # shown as text, never run
    assert 'href="javascript' not in story
    assert "<img" not in story


def test_share_links_and_open_graph_tags(client, make, app):
    campaign = make.campaign(title_en="Water for Hajin", summary_en="Pipes for 4,500 people.")
    html = page(client, f"/campaigns/{campaign.slug}")
    url = f"http://localhost/campaigns/{campaign.slug}"
    assert '<meta property="og:title" content="Water for Hajin">' in html
    assert '<meta property="og:description" content="Pipes for 4,500 people.">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert f'<link rel="canonical" href="{url}">' in html
    encoded = "http%3A%2F%2Flocalhost%2Fcampaigns%2F" + campaign.slug
    assert f"https://wa.me/?text=Water%20for%20Hajin%20{encoded}" in html
    assert f"https://www.facebook.com/sharer/sharer.php?u={encoded}" in html
    assert "https://x.com/intent/post?" in html
    assert "mailto:?subject=Water%20for%20Hajin" in html
    # Plain links only: nothing loads from the share services.
    assert not re.search(r"<(script|img|iframe)[^>]+(facebook|x\.com|wa\.me|twitter)", html)


def test_public_url_setting_is_used_for_links_that_leave_the_site(client, make, app, monkeypatch):
    campaign = make.campaign()
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://give.example.org")
    html = page(client, f"/ar/campaigns/{campaign.slug}")
    expected = f"https://give.example.org/ar/campaigns/{campaign.slug}"
    assert f'<meta property="og:url" content="{expected}">' in html


def test_campaign_page_in_arabic(client, make):
    campaign = make.campaign(
        title_ar="الدعم الطبي لريف دمشق", story_en="English story.", story_ar="قصة الحملة."
    )
    html = page(client, f"/ar/campaigns/{campaign.slug}")
    assert '<html lang="ar" dir="rtl">' in html
    assert '<h1 dir="auto">الدعم الطبي لريف دمشق</h1>' in html
    assert "قصة الحملة." in html and "English story." not in html


def test_english_text_stands_in_for_missing_arabic_marked_as_english(client, make):
    campaign = make.campaign(title_ar=None, title_en="Only in English")
    html = page(client, f"/ar/campaigns/{campaign.slug}")
    assert '<h1 dir="auto"><span lang="en" dir="ltr">Only in English</span></h1>' in html


@pytest.mark.parametrize("state", [CampaignState.DRAFT, CampaignState.ARCHIVED])
def test_draft_and_archived_campaigns_are_not_found(client, make, state):
    campaign = make.campaign(state=state)
    html = page(client, f"/campaigns/{campaign.slug}", status=404)
    assert campaign.title_en not in html
    page(client, f"/ar/campaigns/{campaign.slug}", status=404)
    page(client, "/campaigns/no-such-campaign", status=404)


def test_render_campaign_page_passes_a_status_through(app, make):
    from campaigns.payments.campaign_page import render_campaign_page

    campaign = make.campaign(title_en="Re-rendered")
    with app.test_request_context(f"/campaigns/{campaign.slug}"):
        body, status = render_campaign_page(campaign, status=422)
    assert status == 422
    assert '<h1 dir="auto">Re-rendered</h1>' in body


def test_cover_image_has_a_responsive_srcset(client, make):
    from campaigns.media import save_image

    buffer = BytesIO()
    Image.new("RGB", (1600, 900), (20, 110, 80)).save(buffer, "PNG")
    buffer.seek(0)
    name = save_image(buffer)
    campaign = make.campaign(cover_image=name, featured=True)

    html = page(client, f"/campaigns/{campaign.slug}")
    cover = re.search(r'<div class="campaign-cover">\s*(<img[^>]+>)', html).group(1)
    assert f"/media/{name}-480.webp 480w" in cover and f"/media/{name}-1440.webp 1440w" in cover
    assert 'sizes="' in cover and 'width="1600" height="900"' in cover
    assert 'loading="lazy"' not in cover  # the campaign's own cover is the main picture
    # Shared links show the drawn progress image, not the cover (see tests/public/test_og_image.py).
    og = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
    assert og == f"http://localhost/en/campaigns/{campaign.slug}/og.png"

    card = re.search(r'<li class="card">\s*(<img[^>]+>)', page(client, "/")).group(1)
    assert 'loading="lazy"' in card and "srcset=" in card


def test_campaign_without_cover_shows_a_light_placeholder(client, make):
    campaign = make.campaign(cover_image=None)
    html = page(client, f"/campaigns/{campaign.slug}")
    cover = html.split('<div class="campaign-cover">', 1)[1].split("</div>", 1)[0]
    assert "cover-placeholder" in cover and "<img" not in cover


# --- organization page -----------------------------------------------------------------------


def test_organization_page(client, make):
    org = make.organization(
        name_en="Zour Civil Initiative",
        vision_en="A world that respects every child.",
        mission_en="We protect children.",
        values_en="- **Independence**",
        about_en="Founded in Deir ez-Zor.",
        place_en="Deir ez-Zor",
        founded_on=date(2018, 6, 1),
    )
    open_campaign = make.campaign(organization=org, title_en="Greenhouse tunnels")
    draft = make.campaign(organization=org, title_en="Draft idea", state=CampaignState.DRAFT)
    make.campaign(
        organization=org,
        title_en="Toilets and desks for schools",
        state=CampaignState.CLOSED,
        sector=Sector.EDUCATION,
        goal_minor=None,
        starts_on=date(2021, 7, 1),
        ends_on=None,
        implemented_from=date(2021, 7, 1),
        implemented_to=date(2021, 11, 20),
        beneficiaries_reached=42_045,
        places_en="Western, eastern and northern countryside",
    )
    make.campaign(
        organization=org,
        title_en="Drainage in Hajin",
        state=CampaignState.CLOSED,
        sector=Sector.AGRICULTURE,
        goal_minor=None,
        starts_on=date(2022, 6, 20),
        implemented_from=date(2022, 6, 20),
        implemented_to=date(2022, 8, 31),
        beneficiaries_reached=50_000,
        places_en="Hajin",
    )
    news = make.update(organization=org, title_en="Kasra streets", body_en="Roads repaired.")
    campaign_news = make.update(open_campaign, title_en="Only on the campaign")

    html = page(client, f"/organizations/{org.slug}")
    words = text_of(html)
    for expected in (
        "Zour Civil Initiative",
        "Founded in June 2018",
        "Vision A world that respects every child.",
        "Mission We protect children.",
        "Values Independence",
        "Founded in Deir ez-Zor.",
        "Greenhouse tunnels",
    ):
        assert expected in words
    assert draft.title_en not in words
    projects = words.split("Completed projects", 1)[1]
    education = projects.index("Education, protection and psychosocial support")
    agriculture = projects.index("Agriculture")
    assert education < projects.index("Toilets and desks") < agriculture
    assert agriculture < projects.index("Drainage in Hajin")
    assert "1 July 2021 to 20 November 2021" in projects
    assert "People reached 42,045" in projects and "People reached 50,000" in projects
    assert "Where Western, eastern and northern countryside" in projects
    assert f'href="/updates/{news.slug}"' in html
    assert campaign_news.title_en not in words


def test_organization_page_in_arabic_and_unknown_slug(client, make):
    org = make.organization(name_ar="مبادرة الزور المدنية", vision_ar="عالم يحترم كل طفل.")
    org.vision_en = "A world that respects every child."
    html = page(client, f"/ar/organizations/{org.slug}")
    assert 'dir="rtl"' in html
    assert "مبادرة الزور المدنية" in html and "عالم يحترم كل طفل." in html
    page(client, "/organizations/nobody", status=404)


# --- update page -----------------------------------------------------------------------------


def test_update_page_shows_category_date_body_and_campaign(client, make):
    campaign = make.campaign(title_en="Streets of Kasra")
    update = make.update(
        campaign,
        category=UpdateCategory.AID_DEVELOPMENT,
        title_en="Kasra's streets come back to life",
        title_ar="الحياة تعود إلى شوارع الكسرة",
        body_en="The roundabouts were **restored**.",
        published_at=datetime(2026, 3, 14, 9, 0, tzinfo=UTC),
    )
    html = page(client, f"/updates/{update.slug}")
    words = text_of(html)
    assert "Aid &amp; Development" in html
    assert '<h1 dir="auto">Kasra&#39;s streets come back to life</h1>' in html
    assert "March 14, 2026" in words
    assert "<strong>restored</strong>" in html
    assert f'href="/campaigns/{campaign.slug}"' in html
    assert f'href="/organizations/{campaign.organization.slug}"' in html

    arabic = page(client, f"/ar/updates/{update.slug}")
    assert "الحياة تعود إلى شوارع الكسرة" in arabic and 'dir="rtl"' in arabic


def test_organization_update_links_back_to_the_organization(client, make):
    org = make.organization(name_en="Zour Civil Initiative")
    update = make.update(organization=org, category=UpdateCategory.FIELD_REPORT)
    html = page(client, f"/updates/{update.slug}")
    assert "Field report" in text_of(html)
    assert f'href="/organizations/{org.slug}"' in html


def test_draft_scheduled_and_hidden_updates_are_not_found(client, make):
    draft = make.update(published_at=None)
    scheduled = make.update(published_at=datetime.now(UTC) + timedelta(hours=3))
    hidden = make.update(make.campaign(state=CampaignState.DRAFT))
    for update in (draft, scheduled, hidden):
        page(client, f"/updates/{update.slug}", status=404)
    page(client, "/updates/nothing-here", status=404)


def test_completed_project_page_shows_what_was_done_instead_of_a_donate_form(client, make):
    org = make.organization()
    open_campaign = make.campaign(organization=org)
    project = make.campaign(
        organization=org,
        title_en="Toilets and desks for schools",
        state=CampaignState.CLOSED,
        goal_minor=None,
        tiers=(),
        starts_on=date(2021, 7, 1),
        ends_on=None,
        implemented_from=date(2021, 7, 1),
        implemented_to=date(2021, 11, 20),
        beneficiaries_reached=42_045,
        places_en="Western, eastern and northern countryside of Deir ez-Zor",
    )
    html = page(client, f"/en/campaigns/{project.slug}")
    words = text_of(html)
    assert "Completed project 42,045 people reached" in words
    assert "Carried out 1 July 2021 to 20 November 2021" in words
    assert "Where Western, eastern and northern countryside of Deir ez-Zor" in words
    assert 'name="amount"' not in html and "donors" not in words
    assert f'href="/en/organizations/{org.slug}"' in html
    # In the list, the card says what the project achieved rather than a countdown.
    listing = text_of(page(client, f"/en/campaigns/?organization={org.slug}&status=ended"))
    assert "42,045 people reached" in listing
    assert open_campaign.title_en not in listing
