"""The privacy notice and the terms of use: defaults in both languages until a platform
admin saves a text, links at the foot of every page and a note at the donate form."""

from __future__ import annotations

import re

import pytest

from campaigns import site_pages
from campaigns.models import SitePage


def get(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, url
    return response.get_data(as_text=True)


def words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.mark.parametrize(
    ("url", "heading", "phrases"),
    [
        (
            "/privacy",
            "Privacy notice",
            ["Your card details never reach this site.", "typically 10 years",
             "The staff of the organization you gave to", "to have it erased",
             "no third-party scripts", "lang"],
        ),
        (
            "/ar/privacy",
            "إشعار الخصوصية",
            ["بيانات بطاقتك لا تصل إلى هذا الموقع أبدًا.", "عادةً 10 سنوات",
             "العاملون في المنظمة التي تبرعت لها", "أو محوه", "ولا نصوص برمجية من أطراف أخرى"],
        ),
        ("/terms", "Terms of use", ["A gift goes to the organization that runs the campaign"]),
        ("/ar/terms", "شروط الاستخدام", ["يذهب التبرع إلى المنظمة التي تدير الحملة"]),
    ],
)  # fmt: skip
def test_defaults_are_shown_while_nothing_is_saved(client, db, url, heading, phrases):
    html = get(client, url)
    assert f"<h1>{heading}</h1>" in html
    assert f"<title>{heading} ·" in html
    text = words(html)
    for phrase in phrases:
        assert phrase in text, phrase
    assert "fallback-note" not in html
    assert "Last updated" not in html and "آخر تحديث" not in html


def test_the_default_privacy_notice_names_what_is_stored(client, db):
    text = words(get(client, "/privacy"))
    for stored in ("your name", "your email address", "the message you wrote", "the amount"):
        assert stored in text, stored
    assert "Stripe" in text


def test_a_saved_page_replaces_the_default_safely(client, make, db):
    db.session.add(
        SitePage(
            slug="privacy",
            title_en="Our privacy promise",
            title_ar="وعدنا بالخصوصية",
            body_en="We keep **little**. <script>alert(1)</script>",
            body_ar="نحفظ **القليل**.",
        )
    )
    db.session.commit()
    html = get(client, "/privacy")
    assert "<h1>Our privacy promise</h1>" in html
    assert "<strong>little</strong>" in html
    assert "<script>alert(1)" not in html
    assert "Your card details never reach this site." not in html
    assert "Last updated on" in html
    arabic = get(client, "/ar/privacy")
    assert "<h1>وعدنا بالخصوصية</h1>" in arabic
    assert "<strong>القليل</strong>" in arabic
    # The other page still shows its default.
    assert "<h1>Terms of use</h1>" in get(client, "/en/terms")


def test_a_saved_page_without_arabic_shows_its_english_marked(client, db):
    db.session.add(SitePage(slug="terms", title_en="Rules", body_en="Be kind."))
    db.session.commit()
    html = get(client, "/ar/terms")
    assert '<h1><span lang="en" dir="ltr">Rules</span></h1>' in html
    assert 'class="fallback-note"' in html


def test_only_the_two_pages_exist(client, db):
    get(client, "/cookies", 404)
    with pytest.raises(KeyError):
        site_pages.page("cookies")


def test_footer_links_on_every_public_page(client, make, db):
    campaign = make.campaign(slug="water")
    update = make.update(campaign, slug="news-1")
    db.session.commit()
    pages = [
        ("/", 200),
        ("/campaigns/", 200),
        ("/campaigns/water", 200),
        ("/campaigns/water/donate", 200),
        (f"/organizations/{campaign.organization.slug}", 200),
        (f"/updates/{update.slug}", 200),
        ("/privacy", 200),
        ("/terms", 200),
        ("/admin/login", 200),
        ("/no-such-page", 404),
    ]
    for prefix, privacy, terms in (
        ("", "Privacy notice", "Terms of use"),
        ("/ar", "إشعار الخصوصية", "شروط الاستخدام"),
    ):
        for url, status in pages:
            html = get(client, prefix + url, status)
            footer = html[html.index('<footer class="site-footer">') :]
            assert f'<a href="{prefix}/privacy">{privacy}</a>' in footer, prefix + url
            assert f'<a href="{prefix}/terms">{terms}</a>' in footer, prefix + url


@pytest.mark.parametrize(
    ("prefix", "note"),
    [
        ("", "By giving you agree to the terms of use. We store your name and email to send "
             "your receipt; see the privacy notice."),
        ("/ar", "بتبرعك توافق على شروط الاستخدام. نحفظ اسمك وبريدك الإلكتروني لنرسل إليك "
                "الإيصال؛ انظر إشعار الخصوصية."),
    ],
)  # fmt: skip
def test_the_donate_form_says_what_is_stored_and_links_the_notice(client, make, db, prefix, note):
    campaign = make.campaign(slug="wells")
    db.session.commit()
    html = get(client, f"{prefix}/campaigns/{campaign.slug}")
    start = html.index('<form class="donate-form"')
    form = html[start : html.index("</form>", start)]
    match = re.search(r'<p class="hint donate-privacy">(.*?)</p>', form, re.S)
    assert match, "no privacy note in the donate form"
    assert re.sub(r"<[^>]+>", "", match.group(1)) == note
    assert f'href="{prefix}/privacy"' in match.group(1)
    assert f'href="{prefix}/terms"' in match.group(1)


def test_a_closed_campaign_shows_no_note(client, make, db):
    from datetime import date, timedelta

    ended = make.campaign(
        starts_on=date.today() - timedelta(days=30), ends_on=date.today() - timedelta(days=1)
    )
    db.session.commit()
    assert "donate-privacy" not in get(client, f"/campaigns/{ended.slug}")
