"""The Open Graph image a shared link shows: drawn on the server, cached by its figures."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from PIL import Image

from campaigns.embed import og_image
from campaigns.models import CampaignState, OfflineMethod
from campaigns.payments import ledger


def image_of(response) -> Image.Image:
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    image = Image.open(BytesIO(response.get_data()))
    image.load()
    return image


def give(db, campaign, amount_minor: int) -> None:
    ledger.record_offline_gift(
        campaign,
        amount_minor,
        donor_name="Rania",
        method=OfflineMethod.CASH,
        reference=None,
        received_on=campaign.starts_on,
    )
    db.session.commit()


@pytest.fixture
def campaign(make):
    return make.campaign(title_en="Water for Hajin", title_ar="مياه لهجين", goal_minor=1_000_00)


def test_each_campaign_has_a_1200_by_630_png(client, campaign):
    for lang in ("", "/ar"):
        image = image_of(client.get(f"{lang}/campaigns/{campaign.slug}/og.png"))
        assert image.format == "PNG" and image.size == (1200, 630)


def test_the_etag_changes_when_the_total_changes(client, db, campaign):
    url = f"/campaigns/{campaign.slug}/og.png"
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "public, max-age=60"
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""

    give(db, campaign, 500_00)
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.get_data() != first.get_data()
    # Each language has its own picture, so its own tag.
    assert client.get(f"/ar{url}").headers["ETag"] != changed.headers["ETag"]


def bar_pixel(image: Image.Image, x: int) -> tuple[int, int, int]:
    return image.getpixel((x, 538))


def test_the_bar_fills_from_the_start_edge_in_each_language(client, db, campaign):
    give(db, campaign, 500_00)  # half the goal
    english = image_of(client.get(f"/campaigns/{campaign.slug}/og.png"))
    assert bar_pixel(english, 100) == og_image.ACCENT
    assert bar_pixel(english, 1100) == og_image.TINT
    if og_image.can_draw_arabic():
        arabic = image_of(client.get(f"/ar/campaigns/{campaign.slug}/og.png"))
        assert bar_pixel(arabic, 1100) == og_image.ACCENT
        assert bar_pixel(arabic, 100) == og_image.TINT


def test_a_campaign_without_a_goal_has_no_bar(client, make):
    open_ended = make.campaign(goal_minor=None)
    image = image_of(client.get(f"/campaigns/{open_ended.slug}/og.png"))
    assert bar_pixel(image, 100) == og_image.PAPER


@pytest.mark.parametrize("state", [CampaignState.DRAFT, CampaignState.ARCHIVED])
def test_no_image_for_a_campaign_the_public_cannot_see(client, make, state):
    hidden = make.campaign(state=state)
    assert client.get(f"/campaigns/{hidden.slug}/og.png").status_code == 404


def test_the_campaign_page_names_the_image_for_shared_links(client, campaign):
    for lang, image_lang in (("", "/en"), ("/en", "/en"), ("/ar", "/ar")):
        html = client.get(f"{lang}/campaigns/{campaign.slug}").get_data(as_text=True)
        og = re.search(r'<meta property="og:image" content="([^"]+)">', html).group(1)
        assert og == f"http://localhost{image_lang}/campaigns/{campaign.slug}/og.png"
        assert '<meta name="twitter:card" content="summary_large_image">' in html
        image_of(client.get(og.removeprefix("http://localhost")))


def test_the_card_holds_the_words_drawn(app, db, campaign):
    give(db, campaign, 250_00)
    with app.test_request_context("/"):
        english = og_image.OgCard.for_campaign(campaign, "en")
        arabic = og_image.OgCard.for_campaign(campaign, "ar")
    assert english.title == "Water for Hajin"
    assert english.raised == "$250.00 raised"
    assert english.goal == "of a $1,000.00 goal"
    assert english.bar_percent == 25
    if og_image.can_draw_arabic():
        assert arabic.language == "ar" and arabic.title == "مياه لهجين" and arabic.rtl


def test_arabic_is_drawn_in_english_where_it_cannot_be_shaped(
    app, db, client, campaign, monkeypatch
):
    monkeypatch.setattr(og_image, "can_draw_arabic", lambda: False)
    # Stored first: the request context below ends with the unit of work's rollback.
    db.session.commit()
    with app.test_request_context("/ar/"):
        card = og_image.OgCard.for_campaign(campaign, "ar")
    assert card.language == "en" and not card.rtl
    assert card.title == "Water for Hajin" and card.raised == "$0.00 raised"
    image = image_of(client.get(f"/ar/campaigns/{campaign.slug}/og.png"))
    assert image.size == (1200, 630)


def test_without_the_noto_fonts_the_image_uses_pillows_own_font(client, campaign, monkeypatch):
    monkeypatch.setattr(og_image, "FONT_DIRS", ())
    og_image._font.cache_clear()
    og_image.draw.cache_clear()
    try:
        assert not og_image.can_draw_arabic()
        for lang in ("", "/ar"):
            image = image_of(client.get(f"{lang}/campaigns/{campaign.slug}/og.png"))
            assert image.size == (1200, 630)
    finally:
        og_image._font.cache_clear()
        og_image.draw.cache_clear()


def test_runs_of_a_right_to_left_line_are_laid_out_from_the_right():
    raised = "جُمع \u200f1,234.50\xa0US$\u200e"
    assert og_image._runs(raised, rtl=True) == [
        ("arabic", "جُمع"),
        ("latin", "1,234.50\xa0US$ "),
    ]
    assert og_image._runs("من هدف قدره 100 US$", rtl=True) == [
        ("arabic", "من هدف قدره"),
        ("latin", "100 US$ "),
    ]
    # Arabic-Indic digits are drawn with the Arabic font (raqm orders them); the no-break
    # space keeps its gap on the right side of "US$".
    assert og_image._runs("جُمع \u200f٤٥٬٠٠٠\xa0US$\u200e", rtl=True) == [
        ("arabic", "جُمع ٤٥٬٠٠٠"),
        ("latin", "US$\xa0"),
    ]
    assert og_image._runs("Water for Hajin", rtl=False) == [("latin", "Water for Hajin")]


def test_a_long_title_is_cut_with_an_ellipsis(app):
    writer = og_image._Writer(None, rtl=False)
    lines = writer.wrap("Clean water for every family " * 12, "bold", 62, max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith(" …")
