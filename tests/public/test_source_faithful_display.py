"""What the public pages show when a source is not the organization's own exact word: a
period whose dates are unclear, a project reported with neither period nor count, a figure
with a caveat, an external report, an example campaign; and the list's order."""

from __future__ import annotations

import html as html_lib
import re
from datetime import UTC, date, datetime, timedelta

import pytest

from campaigns.models import CampaignState, DatePrecision, Sector

TODAY = date.today()


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def text_of(markup: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def project(make, organization, **kw):
    """A completed project as an organization records it: closed, without a goal."""
    kw.setdefault("state", CampaignState.CLOSED)
    kw.setdefault("goal_minor", None)
    kw.setdefault("completed_project", True)
    kw.setdefault("starts_on", date(2018, 6, 1))
    kw.setdefault("ends_on", None)
    return make.campaign(organization=organization, tiers=(), **kw)


def facts_of(html: str, title: str) -> str:
    """The words of the project titled ``title`` on an organization page."""
    for item in re.findall(r'<li class="project">(.*?)</li>', html, re.S):
        if title in item:
            return text_of(item)
    raise AssertionError(f"{title!r} is not listed")


@pytest.mark.parametrize(
    ("start", "end", "english", "arabic"),
    [
        (date(2021, 1, 1), date(2021, 12, 31), "2021 (dates unclear)", "2021 (التواريخ غير واضحة)"),
        (
            date(2023, 1, 1),
            date(2024, 12, 31),
            "2023 to 2024 (dates unclear)",
            "من 2023 إلى 2024 (التواريخ غير واضحة)",
        ),
    ],
)
def test_an_unclear_period_shows_only_its_years_and_says_so(
    client, make, start, end, english, arabic
):
    org = make.organization()
    project(
        make,
        org,
        title_en="Village work",
        title_ar="عمل القرى",
        implemented_from=start,
        implemented_to=end,
        implemented_precision=DatePrecision.UNCLEAR,
        beneficiaries_reached=None,
    )
    en = facts_of(page(client, f"/en/organizations/{org.slug}"), "Village work")
    ar = facts_of(page(client, f"/ar/organizations/{org.slug}"), "عمل القرى")
    assert english in en and arabic in ar
    # No day or month is shown for it: neither the stored first day nor the last.
    assert "January" not in en and "December" not in en
    assert "كانون" not in ar
    campaign_page = text_of(page(client, f"/en/campaigns/{org.campaigns[0].slug}"))
    assert english in campaign_page


def test_an_exact_period_keeps_its_days(client, make):
    org = make.organization()
    project(
        make,
        org,
        title_en="Drains",
        title_ar="المصارف",
        implemented_from=date(2022, 6, 20),
        implemented_to=date(2022, 8, 31),
    )
    assert "20 June 2022 to 31 August 2022" in facts_of(
        page(client, f"/en/organizations/{org.slug}"), "Drains"
    )
    arabic = facts_of(page(client, f"/ar/organizations/{org.slug}"), "المصارف")
    assert "من 20 حزيران 2022 إلى 31 آب 2022" in arabic
    assert "unclear" not in arabic and "غير واضحة" not in arabic


def test_a_project_with_neither_period_nor_count_is_still_a_completed_project(client, make):
    org = make.organization()
    training = project(
        make, org, title_en="Teacher training", summary_en="Three phases.", sector=Sector.EDUCATION
    )
    html = page(client, f"/en/organizations/{org.slug}")
    completed = re.search(r'aria-labelledby="projects-heading".*', html, re.S).group(0)
    assert "Teacher training" in facts_of(completed, "Teacher training")
    assert "1 project" in text_of(completed)
    assert "Past campaigns" not in text_of(html)
    own = text_of(page(client, f"/en/campaigns/{training.slug}"))
    assert "Completed project" in own and "Give to this campaign" not in own
    assert "Carried out" not in own


def test_a_figure_with_a_caveat_shows_it_beside_the_figure(client, make):
    campaign = make.campaign(title_ar="دعم")
    make.impact(
        campaign,
        value=44,
        label_en="health facilities",
        label_ar="منشأة صحية",
        detail_en="13 hospitals, 9 centres, 4 homes and 19 points",
        detail_ar="13 مشفى و9 مراكز و4 دور و19 نقطة",
        note_en="The breakdown adds up to 45.",
        note_ar="مجموع التفصيل 45.",
        position=0,
    )
    make.impact(campaign, value=740, label_en="medical staff", label_ar="كادر طبي", position=1)
    for lang, label, note in (
        ("en", "Note:", "The breakdown adds up to 45."),
        ("ar", "ملاحظة:", "مجموع التفصيل 45."),
    ):
        html = page(client, f"/{lang}/campaigns/{campaign.slug}")
        notes = re.findall(r'<span class="impact-note" role="note">(.*?)</span></span>', html)
        assert [text_of(n) for n in notes] == [f"{label} {note}"]
        first = re.search(r'<ul class="impact">\s*<li>(.*?)</li>', html, re.S).group(1)
        assert "impact-note" in first and ">44<" in first


def test_an_external_report_says_so_on_its_page_and_in_every_list(client, make):
    org = make.organization(name_en="Hajin Aid", name_ar="إغاثة هجين")
    campaign = make.campaign(organization=org)
    named = make.update(
        campaign,
        title_en="Streets repaired",
        title_ar="إصلاح الشوارع",
        body_en="> “We did it”, said a worker.",
        body_ar="> «أنجزناه»، قال أحد العمال.",
        external_report=True,
        source_name="Euphrates Post",
        source_url="https://news.example.org/kasra",
        published_at=datetime.now(UTC) - timedelta(days=1),
    )
    unnamed = make.update(organization=org, external_report=True, title_en="A story")
    own = make.update(campaign, title_en="Our own news")
    own_general = make.update(organization=org, title_en="Our general news")

    html = page(client, f"/en/updates/{named.slug}")
    header = text_of(re.search(r"<header>.*?</header>", html, re.S).group(0))
    assert "External report" in header
    assert "reporting from outside Hajin Aid" in header and "did not write it" in header
    assert re.search(
        r'Source: <a href="https://news.example.org/kasra" rel="noopener noreferrer" '
        r'dir="auto">Euphrates Post</a>',
        html,
    )
    assert "<blockquote>" in html and "“We did it”" in html
    arabic = text_of(page(client, f"/ar/updates/{named.slug}"))
    assert "تقرير خارجي" in arabic and "المصدر: Euphrates Post" in arabic
    assert "The original publication is not named." in text_of(
        page(client, f"/en/updates/{unnamed.slug}")
    )
    assert "External report" not in text_of(page(client, f"/en/updates/{own.slug}"))

    # Campaign news is listed on the campaign, the organization's own on its page.
    for url, external, internal in (
        (f"/en/organizations/{org.slug}", unnamed, own_general),
        (f"/en/campaigns/{campaign.slug}", named, own),
    ):
        items = re.findall(r"<li>\s*<a href=\"/en/updates/(.*?)</li>", page(client, url), re.S)
        labelled = {item.split('"')[0]: "External report" in text_of(item) for item in items}
        assert labelled == {external.slug: True, internal.slug: False}, url


def test_an_example_campaign_is_labelled_on_its_card_and_its_page(client, make):
    example = make.campaign(title_en="Made up", title_ar="مثال", is_example=True, featured=True)
    real = make.campaign(title_en="Real one", title_ar="حقيقية")
    for lang, label in (("en", "Example campaign"), ("ar", "حملة توضيحية")):
        for url in ("/", "/campaigns/"):
            html = page(client, f"/{lang}{url}")
            cards = {
                slug: text_of(card)
                for card in re.findall(r'<li class="card">(.*?)</li>', html, re.S)
                for slug in re.findall(r'href="/\w\w/campaigns/([^"]+)"', card)[:1]
            }
            assert label in cards[example.slug] and label not in cards[real.slug], url
        own = page(client, f"/{lang}/campaigns/{example.slug}")
        assert label in text_of(own) and 'class="example-note" role="note"' in own
        assert label not in text_of(page(client, f"/{lang}/campaigns/{real.slug}"))


def test_the_list_puts_real_campaigns_before_examples_and_projects_last(client, make):
    org = make.organization()
    example = make.campaign(organization=org, title_en="Example open", is_example=True)
    real = make.campaign(
        organization=org, title_en="Real open", starts_on=TODAY - timedelta(days=100)
    )
    ended = make.campaign(
        organization=org,
        title_en="Real ended",
        state=CampaignState.CLOSED,
        starts_on=date(2012, 11, 1),
        ends_on=date(2015, 12, 31),
    )
    for n in range(12):
        project(
            make,
            org,
            title_en=f"Project {n:02d}",
            implemented_from=date(2019 + n % 5, 1, 1),
            implemented_to=date(2019 + n % 5, 6, 1),
        )
    html = page(client, "/en/campaigns/")
    order = re.findall(r'<h2><a href="/en/campaigns/([^"]+)"', html)
    assert len(order) == 12 and 'rel="next"' in html
    assert order[:3] == [real.slug, example.slug, ended.slug]
