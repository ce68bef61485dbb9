"""Arabic pages read right to left and leave no interface string in English.

The content comes from the factories in both languages, so any English left on an Arabic
page is an interface string that escaped translation: either a catalogue message shown
untranslated, or text that never went through gettext at all. English that is shown on
purpose (a campaign without an Arabic text) sits inside ``lang="en"`` and is skipped.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest
from babel.messages.pofile import read_po
from sqlalchemy import select

from campaigns.models import DonationStatus, OfflineMethod
from campaigns.payments import ledger
from tests.i18n.sources import ROOT, extract_source_messages

ARABIC_PO = ROOT / "campaigns" / "translations" / "ar" / "LC_MESSAGES" / "messages.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[#0\- +]*\d*(?:\.\d+)?[a-zA-Z]|%%")
LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'’]+")
VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
     "track", "wbr"}
)  # fmt: skip
#: Attributes a visitor reads or hears (screen readers announce them).
READ_ATTRIBUTES = ("title", "alt", "aria-label", "placeholder", "aria-valuetext")
#: Latin words an Arabic page may show: currency symbols and codes, brand names.
LATIN_ALLOWED = frozenset(
    {"US", "JP", "USD", "EUR", "JPY", "KWD", "Stripe", "WhatsApp", "Facebook"}
)

AR = "نص عربي للاختبار"  # Arabic filler for every *_ar field the factories leave empty


class VisibleText(HTMLParser):
    """The text of a page a reader sees or hears, minus anything marked ``lang="en"``."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.parts: list[str] = []
        self.html_attrs: dict[str, str] = {}

    @property
    def skipping(self) -> bool:
        return bool(self.stack) and self.stack[-1][1]

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = {k: v or "" for k, v in attrs.items()}
        skip = (
            self.skipping
            or tag in ("script", "style", "textarea", "code")
            or (attrs.get("lang") or "").startswith("en")
        )
        if not skip:
            for name in READ_ATTRIBUTES:
                if attrs.get(name):
                    self.parts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
                self.parts.append(attrs["value"])
            if tag == "meta" and attrs.get("name") == "description":
                self.parts.append(attrs.get("content") or "")
        if tag not in VOID:
            self.stack.append((tag, skip))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1][0] == tag:
            self.stack.pop()

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                del self.stack[depth:]
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(data)

    @property
    def text(self) -> str:
        return re.sub(r"\s+", " ", " ".join(self.parts))


def visible(html: str) -> VisibleText:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser


@pytest.fixture(scope="module")
def english_fragments(tmp_path_factory):
    """Every piece of English interface text, as extracted from the code and templates.

    A message is cut at its placeholders; pieces are kept when they hold a word. Pieces the
    Arabic translation itself keeps (a code such as "USD") are left out.
    """
    source = extract_source_messages(tmp_path_factory.mktemp("i18n"))
    with ARABIC_PO.open("rb") as f:
        arabic = read_po(f, locale="ar")
    fragments = set()
    for message in source:
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else message.id
        translated = arabic.get(message.id)
        kept = " ".join(
            translated.string
            if translated and isinstance(translated.string, tuple)
            else [translated.string if translated else ""]
        )
        for text in ids:
            for piece in PLACEHOLDER.split(text):
                piece = piece.strip(" .,:;·()")
                if LATIN_WORD.search(piece) and piece not in kept:
                    fragments.add(piece)
    return sorted(fragments, key=len, reverse=True)


@pytest.fixture(scope="module")
def latin_in_translations():
    with ARABIC_PO.open("rb") as f:
        arabic = read_po(f, locale="ar")
    words = set()
    for message in arabic:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for text in strings:
            words.update(LATIN_WORD.findall(text or ""))
    return words


def fill_arabic(*objects):
    """Give every English text of these rows an Arabic counterpart."""
    for obj in objects:
        for column in obj.__table__.columns:
            name = column.name
            if name.endswith("_en") and getattr(obj, name, None):
                arabic = name[:-3] + "_ar"
                if hasattr(obj, arabic) and not getattr(obj, arabic):
                    setattr(obj, arabic, AR)


@pytest.fixture
def site(make, db):
    """A small site with content in both languages: open, ended and completed campaigns."""
    today = date.today()
    org = make.organization(
        name_en="Hope Relief",
        name_ar="أمل للإغاثة",
        place_en="Idlib",
        vision_en="A **healthy** Syria.",
        mission_en="Care for all.",
        values_en="- Dignity\n- Care",
        about_en="We run clinics.",
        legal_name_en="Hope Relief Association",
        registration_country="SY",
        registration_authority_en="Ministry of Social Affairs",
        registration_number="123/2019",
        address_en="Main Street, Idlib",
        phone="+963 11 123 4567",
        facebook_url="https://facebook.com/hope",
        telegram_url="https://t.me/hope",
    )
    campaign = make.campaign(
        organization=org,
        featured=True,
        title_en="Water for Hajin",
        title_ar="مياه لهجين",
        summary_en="Clean water.",
        story_en="## Why\n\nBecause water is life.",
        places_en="Hajin",
        beneficiaries_en="Families",
    )
    chapter = make.chapter(campaign, body_en="We dug wells.")
    impact = make.impact(campaign, detail_en="In the north.")
    update = make.update(campaign)
    org_update = make.update(organization=org)
    ended = make.campaign(
        organization=org,
        starts_on=today - timedelta(days=60),
        ends_on=today - timedelta(days=5),
    )
    completed = make.campaign(
        organization=org,
        goal_minor=None,
        starts_on=today - timedelta(days=400),
        ends_on=today - timedelta(days=300),
        implemented_from=date(2019, 1, 1),
        implemented_to=date(2019, 6, 1),
        beneficiaries_reached=1200,
    )
    upcoming = make.campaign(organization=org, starts_on=today + timedelta(days=3))
    rows = [org, campaign, chapter, impact, update, org_update, ended, completed, upcoming]
    rows += [tier for c in (campaign, ended, completed, upcoming) for tier in c.tiers]
    fill_arabic(*rows)
    ledger.record_offline_gift(
        campaign,
        2500,
        donor_name="سارة",
        method=OfflineMethod.CASH,
        reference="R-1",
        received_on=today,
    )
    ledger.record_offline_gift(
        campaign,
        1000,
        donor_name="",
        anonymous=True,
        method=OfflineMethod.BANK_TRANSFER,
        reference="R-2",
        received_on=today,
    )
    db.session.commit()
    return {
        "organization": org,
        "campaign": campaign,
        "ended": ended,
        "completed": completed,
        "upcoming": upcoming,
        "update": update,
        "org_update": org_update,
    }


CAMPAIGNS = ("campaign", "ended", "completed", "upcoming")


def public_pages(site) -> list[tuple[str, int]]:
    return [
        ("/ar/", 200),
        ("/ar/campaigns/", 200),
        ("/ar/campaigns/?status=ended", 200),
        ("/ar/campaigns/?sector=agriculture", 200),
        (f"/ar/campaigns/{site['campaign'].slug}", 200),
        (f"/ar/campaigns/{site['ended'].slug}", 200),
        (f"/ar/campaigns/{site['completed'].slug}", 200),
        (f"/ar/campaigns/{site['upcoming'].slug}", 200),
        (f"/ar/campaigns/{site['campaign'].slug}/donate", 200),
        (f"/ar/organizations/{site['organization'].slug}", 200),
        (f"/ar/updates/{site['update'].slug}", 200),
        (f"/ar/updates/{site['org_update'].slug}", 200),
        ("/ar/privacy", 200),
        ("/ar/terms", 200),
        *((f"/ar/embed/campaigns/{site[name].slug}", 200) for name in CAMPAIGNS),
        ("/ar/no-such-page", 404),
        ("/ar/campaigns/no-such-campaign", 404),
        ("/ar/admin/login", 200),
    ]


def english_left(html: str, fragments, allowed_latin, content=()) -> list[str]:
    """English interface text on an Arabic page: catalogue pieces, then any Latin word.

    ``content`` lists texts from the database that may be shown as they are.
    """
    text = visible(html).text
    for known in sorted(content, key=len, reverse=True):
        text = text.replace(known, " ")
    found = [f for f in fragments if re.search(rf"(?<![\w-]){re.escape(f)}(?![\w-])", text)]
    for fragment in found:
        text = text.replace(fragment, " ")
    found += sorted(
        {w for w in LATIN_WORD.findall(text) if w not in allowed_latin and w not in LATIN_ALLOWED}
    )
    return found


def test_every_public_page_in_arabic_is_right_to_left_and_translated(
    client, site, english_fragments, latin_in_translations
):
    problems = {}
    for url, status in public_pages(site):
        response = client.get(url)
        assert response.status_code == status, url
        html = response.get_data(as_text=True)
        page = visible(html)
        assert page.html_attrs.get("lang") == "ar", url
        assert page.html_attrs.get("dir") == "rtl", url
        left = english_left(html, english_fragments, latin_in_translations)
        if left:
            problems[url] = left
    assert not problems, "English left on Arabic pages:\n" + "\n".join(
        f"{url}: {words}" for url, words in problems.items()
    )


def test_a_rejected_gift_shows_its_errors_in_arabic(
    client, site, english_fragments, latin_in_translations
):
    slug = site["campaign"].slug
    response = client.post(
        f"/ar/campaigns/{slug}/donate",
        data={"tier": "", "amount": "abc", "frequency": "weekly", "email": "nope"},
    )
    assert response.status_code in (400, 422)
    html = response.get_data(as_text=True)
    assert 'dir="rtl"' in html
    assert 'class="field-error"' in html or "error-summary" in html
    assert english_left(html, english_fragments, latin_in_translations) == []


def test_the_thanks_and_test_checkout_pages_in_arabic(
    client, site, english_fragments, latin_in_translations
):
    slug = site["campaign"].slug
    started = client.post(
        f"/ar/campaigns/{slug}/donate",
        data={"amount": "25", "frequency": "once", "name": "ليلى", "email": "layla@example.org"},
    )
    assert started.status_code == 303
    checkout = client.get(started.headers["Location"])
    assert (
        english_left(checkout.get_data(as_text=True), english_fragments, latin_in_translations)
        == []
    )
    reference = started.headers["Location"].rstrip("/").rsplit("/", 1)[-1]
    for status in ("pending", "paid"):
        if status == "paid":
            client.post(f"/ar/test-checkout/{reference}", data={"action": "pay"})
        thanks = client.get(f"/ar/donations/{reference}/thanks")
        assert thanks.status_code == 200
        html = thanks.get_data(as_text=True)
        assert english_left(html, english_fragments, latin_in_translations) == [], status


def test_the_test_finds_english_that_escaped_translation(english_fragments):
    """The checker itself: it must catch both kinds of leftover English."""
    page = (
        '<html lang="ar" dir="rtl"><body><p>تبرع</p><p>Recent donors</p>'
        '<p lang="en" dir="ltr">Water for Hajin</p><button>Send now</button>'
        '<img alt="Cover photo"></body></html>'
    )
    left = english_left(page, english_fragments, set())
    assert "Recent donors" in left
    assert "Send" in left and "now" in left
    assert "Cover" in left
    assert "Water" not in left


def test_missing_arabic_content_shows_the_english_marked_with_a_note(client, make):
    campaign = make.campaign(
        title_en="Bread for Azaz",
        title_ar=None,
        summary_en="Flour and fuel.",
        story_en="The bakery feeds **3,000** people.",
    )
    html = client.get(f"/ar/campaigns/{campaign.slug}").get_data(as_text=True)
    assert '<h1 dir="auto"><span lang="en" dir="ltr">Bread for Azaz</span></h1>' in html
    assert '<span lang="en" dir="ltr">Flour and fuel.</span>' in html
    note = "هذا النص غير متوفر بالعربية بعد؛ إليك نصه الإنجليزي."
    assert f'<p class="fallback-note">{note}</p>' in html
    assert (
        '<div lang="en" dir="ltr"><p>The bakery feeds <strong>3,000</strong> people.</p>\n</div>'
        in html
    )
    # In English the same texts are plain, with no note.
    english = client.get(f"/en/campaigns/{campaign.slug}").get_data(as_text=True)
    assert '<h1 dir="auto">Bread for Azaz</h1>' in english
    assert "fallback-note" not in english


def test_arabic_content_is_shown_when_it_exists(client, make):
    campaign = make.campaign(title_ar="خبز لأعزاز", story_en="Bread.", story_ar="**الخبز**.")
    html = client.get(f"/ar/campaigns/{campaign.slug}").get_data(as_text=True)
    assert '<h1 dir="auto">خبز لأعزاز</h1>' in html
    assert "<p><strong>الخبز</strong>.</p>" in html
    assert "fallback-note" not in html


def test_latin_names_and_amounts_are_isolated_on_arabic_pages(client, make, db):
    campaign = make.campaign(title_ar="حملة")
    ledger.record_offline_gift(
        campaign,
        2500,
        donor_name="John Smith",
        method=OfflineMethod.CASH,
        reference="R-3",
        received_on=date.today(),
    )
    db.session.commit()
    html = client.get(f"/ar/campaigns/{campaign.slug}").get_data(as_text=True)
    assert "<bdi>John Smith</bdi>" in html
    assert "<bdi>\u200f25.00\xa0US$\u200e</bdi>" in html
    assert campaign.donations[0].status == DonationStatus.SUCCEEDED


def test_built_in_form_errors_are_in_arabic(client, english_fragments, latin_in_translations):
    """Messages WTForms writes itself ("This field is required.") come in Arabic too."""
    response = client.post("/ar/admin/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "هذا الحقل مطلوب." in html
    assert english_left(html, english_fragments, latin_in_translations) == []


def admin_pages(site, donation_id: int) -> list[str]:
    campaign = site["campaign"].id
    organization = site["organization"].id
    update = site["update"].id
    return [
        "/ar/admin/",
        "/ar/admin/campaigns/",
        "/ar/admin/campaigns/new",
        f"/ar/admin/campaigns/{campaign}/edit",
        f"/ar/admin/campaigns/{campaign}/preview",
        f"/ar/admin/campaigns/{campaign}/cover",
        f"/ar/admin/campaigns/{campaign}/tiers",
        f"/ar/admin/campaigns/{campaign}/impact",
        f"/ar/admin/campaigns/{campaign}/chapters/",
        f"/ar/admin/campaigns/{campaign}/chapters/new",
        f"/ar/admin/campaigns/{campaign}/offline-gift",
        "/ar/admin/donations/",
        f"/ar/admin/donations/{donation_id}",
        f"/ar/admin/donations/{donation_id}/refund",
        "/ar/admin/organizations/",
        f"/ar/admin/organizations/{organization}/edit",
        "/ar/admin/site-pages/",
        "/ar/admin/site-pages/privacy/edit",
        f"/ar/admin/organizations/{organization}/members",
        "/ar/admin/updates/",
        "/ar/admin/updates/new",
        f"/ar/admin/updates/{update}/edit",
        "/ar/admin/audit/",
        "/ar/admin/payment-events/",
        "/ar/admin/account/password",
    ]


def test_the_admin_console_in_arabic(
    client, db, make, site, english_fragments, latin_in_translations
):
    """Staff of Syrian organizations work in Arabic: the console is translated too.

    What the admins typed (the English texts, e-mail addresses, references) is content, not
    interface, and is left out, as are machine codes shown in ``<code>``.
    """
    manager = make.member(
        site["organization"], email="manager@example.org", password="a long enough password"
    )
    manager.is_platform_admin = True
    donation = site["campaign"].donations[0]
    response = client.post(
        "/ar/admin/login", data={"email": manager.email, "password": "a long enough password"}
    )
    assert response.status_code == 302
    content = {
        value
        for mapper in db.Model.registry.mappers
        for row in db.session.scalars(select(mapper.class_))
        for column in mapper.columns
        # Plain strings only: an enum value shown raw ("offline") is untranslated interface.
        if type(value := getattr(row, column.key, None)) is str and value.strip()
    }
    problems = {}
    for url in admin_pages(site, donation.id):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        page = visible(html)
        assert (page.html_attrs.get("lang"), page.html_attrs.get("dir")) == ("ar", "rtl"), url
        left = english_left(html, english_fragments, latin_in_translations, content)
        if left:
            problems[url] = left
    assert not problems, "English left on Arabic admin pages:\n" + "\n".join(
        f"{url}: {words}" for url, words in problems.items()
    )
