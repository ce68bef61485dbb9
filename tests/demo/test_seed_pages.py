"""The demo as a visitor reads it: what the seeds say, on the rendered pages, in both
languages, with nothing dropped, mended or invented.

The pages are read through the Flask test client here; ``test_demo_live.py`` reads the
same pages from a real running server.
"""

from __future__ import annotations

import html as html_lib
import re

import pytest

from campaigns.demo import load_demo_data

ORG = "/organizations/deir-ez-zor-demo"
MEDICAL = "/campaigns/medical-support-damascus-countryside"
KASRA = "/updates/kasra-streets-rehabilitation"
KASRA_TITLE = "Campaign launched to beautify the streets of Kasra, Deir ez Zour"
EXAMPLES = (
    "safe-spaces-children-hajin",
    "greenhouse-tunnels-al-hawaij",
    "vocational-training-hajin",
)
#: What the pages call an unclear period, per language: the year(s), then the words.
UNCLEAR = {
    "en": ("2021 (dates unclear)", "2023 to 2024 (dates unclear)"),
    "ar": ("2021 (التواريخ غير واضحة)", "من 2023 إلى 2024 (التواريخ غير واضحة)"),
}
#: Names the demo once made up for the Deir ez-Zor organization.
INVENTED_NAMES = ("Zour Civil Initiative", "مبادرة الزور المدنية")


def text_of(markup: str) -> str:
    """Visible words, tags removed, entities decoded, whitespace squeezed."""
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


def words(markup: str) -> str:
    """Like :func:`text_of`, with the space a tag boundary leaves before punctuation gone."""
    return re.sub(r" ([,.;:)])", r"\1", text_of(markup))


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def projects_on(page: str) -> dict[str, str]:
    """Each completed project on an organization page: its title -> its words."""
    items = re.findall(r'<li class="project">(.*?)</li>', page, re.S)
    found = {}
    for item in items:
        title = text_of(re.search(r"<h4>(.*?)</h4>", item, re.S).group(1))
        found[title] = words(item)
    return found


def cards_on(page: str) -> dict[str, str]:
    """Each campaign card of a list: its slug -> its words."""
    cards = re.findall(r'<li class="card">(.*?)</li>', page, re.S)
    return {
        re.search(r'href="/\w\w/campaigns/([^"]+)"', card).group(1): text_of(card) for card in cards
    }


@pytest.fixture
def demo(db):
    load_demo_data()
    db.session.commit()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_organization_page_lists_all_fourteen_projects(demo, client, lang):
    page = get(client, f"/{lang}{ORG}")
    projects = projects_on(page)
    assert len(projects) == 14
    assert ("14 projects" if lang == "en" else "14 مشروعًا") in text_of(page)
    # The two projects whose dates the report got wrong show the years they fall in, said
    # to be unclear; the report's own impossible dates are quoted, not turned into a period.
    villages, dialogue = UNCLEAR[lang]
    eight_villages = next(v for t, v in projects.items() if "eight" in t or "ثماني" in t)
    assert villages in eight_villages and "2021/00/19" in eight_villages
    twelve = next(v for t, v in projects.items() if "12" in t)
    assert dialogue in twelve and "27/03/2024" in twelve and "15/12/2023" in twelve
    # The teacher training has no period and no count in its report, and shows neither.
    teachers = next(v for t, v in projects.items() if "teachers" in t or "المعلمين" in t)
    assert ("three phases" if lang == "en" else "ثلاث مراحل") in teachers
    assert ("Carried out" if lang == "en" else "مدة التنفيذ") not in teachers
    assert ("People reached" if lang == "en" else "عدد المستفيدين") not in teachers
    # A project with exact days keeps them; Arabic names the months as Syria does.
    sanitation = next(v for v in projects.values() if "12,596" in v)
    if lang == "en":
        assert "1 July 2021 to 20 November 2021" in sanitation
    else:
        assert "من 1 تموز 2021 إلى 20 تشرين الثاني 2021" in sanitation
        assert "نوفمبر" not in page and "يوليو" not in page
    for name in INVENTED_NAMES:
        assert name not in page


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_organization_is_named_as_a_demo_with_the_seeds_three_values(demo, client, lang):
    page = get(client, f"/{lang}{ORG}")
    heading = text_of(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1))
    assert heading == (
        "Deir ez-Zor organization (demo)" if lang == "en" else "منظمة دير الزور (للعرض التوضيحي)"
    )
    assert "Astefir Al-Zour" in text_of(page)
    values = re.search(r'aria-labelledby="values-heading".*?</section>', page, re.S).group(0)
    items = [text_of(item) for item in re.findall(r"<li>(.*?)</li>", values, re.S)]
    assert len(items) == 3
    expected = (
        ("Independence", "Neutrality", "Not for profit")
        if lang == "en"
        else ("الاستقلالية", "الحياد", "عدم الربحية")
    )
    assert [item.split(":")[0].strip() for item in items] == list(expected)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_kasra_report_keeps_its_title_and_quote_and_says_it_is_external(demo, client, lang):
    page = get(client, f"/{lang}{KASRA}")
    title = text_of(re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1))
    quote = text_of(re.search(r"<blockquote>(.*?)</blockquote>", page, re.S).group(1))
    note = text_of(re.search(r'<p class="external-note" role="note">(.*?)</p>', page, re.S)[1])
    if lang == "en":
        assert title == KASRA_TITLE
        assert quote.startswith("“We have now rehabilitated the roundabouts after the destruction")
        assert "said Ataullah Hameed" in quote
        assert "Syrian Democratic Forces (SDF)" in text_of(page)
        assert "External report" in text_of(page) and "did not write it" in note
    else:
        assert title == "إطلاق حملة لتجميل شوارع الكسرة في دير الزور"
        assert "عطاء الله حميد" in quote
        assert "قوات سوريا الديمقراطية (قسد)" in text_of(page)
        assert "تقرير خارجي" in text_of(page) and "لم تكتبه المنظمة" in note
    # In the organization's news list, too, it is marked as an external report.
    listing = get(client, f"/{lang}{ORG}")
    news = re.search(r'aria-labelledby="updates-heading".*?</section>', listing, re.S).group(0)
    kasra = next(li for li in re.findall(r"<li>(.*?)</li>", news, re.S) if "kasra" in li)
    assert ("External report" if lang == "en" else "تقرير خارجي") in text_of(kasra)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_44_facilities_are_shown_as_given_with_a_note_that_they_add_up_to_45(
    demo, client, lang
):
    page = get(client, f"/{lang}{MEDICAL}")
    impact = re.search(r'<ul class="impact">(.*?)</ul>', page, re.S).group(1)
    facilities = next(
        li for li in re.findall(r"<li>(.*?)</li>", impact, re.S) if ">44<" in li.replace(" ", "")
    )
    note = re.search(r'<span class="impact-note" role="note">(.*?)</span>\s*$', facilities, re.S)
    assert note, facilities
    said = text_of(note.group(1))
    assert "45" in said and "44" in said
    breakdown = text_of(re.search(r'class="impact-detail[^"]*"[^>]*>(.*?)</span>', facilities)[1])
    assert sum(int(n) for n in re.findall(r"\d+", breakdown)) == 45
    # Only that figure carries a note.
    assert page.count('class="impact-note"') == 1


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_example_campaigns_are_labelled_and_the_seed_campaign_is_on_the_first_page(
    demo, client, lang
):
    label = "Example campaign" if lang == "en" else "حملة توضيحية"
    first = get(client, f"/{lang}/campaigns/")
    cards = cards_on(first)
    # More campaigns than one page holds, so the order decides what a visitor sees first.
    assert 'rel="next"' in first and len(cards) == 12
    assert "medical-support-damascus-countryside" in cards
    assert label not in cards["medical-support-damascus-countryside"]
    for slug in EXAMPLES:
        assert label in cards[slug], slug
        page = get(client, f"/{lang}/campaigns/{slug}")
        assert label in text_of(page)
        assert 'class="example-note" role="note"' in page
    assert label not in text_of(get(client, f"/{lang}{MEDICAL}"))
    home = cards_on(get(client, f"/{lang}/"))
    assert home and all(label in card for card in home.values())


def test_user_text_on_the_demo_pages_keeps_its_own_direction(demo, client):
    org = get(client, f"/ar{ORG}")
    for item in re.findall(r'<li class="project">(.*?)</li>', org, re.S):
        assert re.search(r'<h4><a [^>]*dir="auto"', item)
        assert '<p dir="auto">' in item
    kasra = get(client, f"/ar{KASRA}")
    assert re.search(r'<h1 dir="auto">', kasra) and '<div class="prose" dir="auto">' in kasra
    medical = get(client, f"/ar{MEDICAL}")
    assert '<span class="impact-label" dir="auto">' in medical
