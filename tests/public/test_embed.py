"""The progress card other sites put in an iframe, and the embed code that offers it."""

from __future__ import annotations

import gzip
import html as html_lib
import re
from datetime import date, timedelta

import pytest

from campaigns.models import CampaignState, OfflineMethod
from campaigns.payments import ledger

TODAY = date.today()
#: The card is one request: its HTML with the stylesheet inside.
BUDGET_BYTES = 10 * 1024


def card(client, slug: str, lang: str = "", status: int = 200):
    response = client.get(f"{lang}/embed/campaigns/{slug}")
    assert response.status_code == status
    return response


@pytest.fixture
def campaign(make, db):
    campaign = make.campaign(
        title_en="Water for Hajin",
        title_ar="مياه لهجين",
        goal_minor=10_000_00,
        starts_on=TODAY - timedelta(days=3),
        ends_on=TODAY + timedelta(days=12),
    )
    ledger.record_offline_gift(
        campaign,
        2_500_00,
        donor_name="Rania",
        method=OfflineMethod.CASH,
        reference=None,
        received_on=TODAY,
    )
    db.session.commit()
    return campaign


def test_the_card_shows_title_raised_goal_bar_days_left_and_a_link_to_give(client, campaign):
    html = card(client, campaign.slug).get_data(as_text=True)
    assert '<h1 dir="auto">Water for Hajin</h1>' in html
    assert "<bdi>$2,500.00</bdi> raised" in html
    assert "of a <bdi>$10,000.00</bdi> goal" in html
    assert 'role="progressbar"' in html and 'aria-valuenow="25"' in html
    assert 'style="inline-size:25%"' in html
    assert "12 days left" in html
    link = re.search(r'<a class="give"([^>]*)>([^<]*)</a>', html)
    assert link.group(2) == "Give to this campaign"
    assert f'href="/campaigns/{campaign.slug}#donate"' in link.group(1)
    # A link out of a frame opens a new top-level page, which cannot reach back.
    assert 'target="_blank"' in link.group(1) and 'rel="noopener"' in link.group(1)


def test_the_card_has_no_script_and_fits_in_ten_kilobytes(client, campaign, make):
    long = make.campaign(title_en="A very long title " * 10, summary_en="Summary " * 60)
    for slug in (campaign.slug, long.slug):
        for lang in ("", "/ar"):
            response = card(client, slug, lang)
            body = response.get_data()
            assert b"<script" not in body
            # Its only stylesheet is inside it: the HTML's bytes are all there is to fetch.
            assert b'rel="stylesheet"' not in body and b"<style>" in body
            assert b"<img" not in body and b"<link" not in body
            assert len(body) < BUDGET_BYTES, (slug, lang, len(body))


def test_the_card_is_sent_gzipped_when_the_browser_asks(client, campaign):
    response = client.get(f"/embed/campaigns/{campaign.slug}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(response.get_data()) < 2 * 1024
    assert b"Water for Hajin" in gzip.decompress(response.get_data())


def test_only_the_card_may_be_framed(client, campaign):
    headers = card(client, campaign.slug).headers
    assert "frame-ancestors *" in headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in headers
    # The rest of the policy still holds on the card: no script from anywhere.
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    for url in (
        "/",
        f"/campaigns/{campaign.slug}",
        f"/campaigns/{campaign.slug}/donate",
        "/admin/login",
    ):
        other = client.get(url).headers
        assert other["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in other["Content-Security-Policy"], url


def test_the_card_is_cacheable_for_a_minute_and_sets_no_cookie(client, campaign):
    for lang in ("", "/ar"):
        response = card(client, campaign.slug, lang)
        assert response.headers["Cache-Control"] == "public, max-age=60"
        assert "Set-Cookie" not in response.headers
    # Other prefixed pages still remember the visitor's language.
    assert "Set-Cookie" in client.get(f"/ar/campaigns/{campaign.slug}").headers


@pytest.mark.parametrize("state", [CampaignState.DRAFT, CampaignState.ARCHIVED])
def test_a_campaign_the_public_cannot_see_has_no_card(client, make, state):
    hidden = make.campaign(state=state)
    card(client, hidden.slug, status=404)
    card(client, hidden.slug, "/ar", status=404)
    card(client, "no-such-campaign", status=404)


def test_the_arabic_card_is_right_to_left(client, campaign):
    html = card(client, campaign.slug, "/ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert '<h1 dir="auto">مياه لهجين</h1>' in html
    assert "بقي 12 يومًا" in html
    assert "تبرّع لهذه الحملة" in html
    assert f'href="/ar/campaigns/{campaign.slug}#donate"' in html


def test_an_ended_campaign_says_so_and_links_to_its_page(client, make):
    ended = make.campaign(starts_on=TODAY - timedelta(days=40), ends_on=TODAY - timedelta(days=2))
    html = card(client, ended.slug).get_data(as_text=True)
    assert "Ended" in html
    assert re.search(rf'href="/campaigns/{ended.slug}"[^>]*>See the campaign</a>', html)


def test_a_campaign_without_a_goal_has_no_bar(client, make):
    open_ended = make.campaign(goal_minor=None, ends_on=None)
    html = card(client, open_ended.slug).get_data(as_text=True)
    assert 'role="progressbar"' not in html and "goal" not in html
    assert "Open-ended" in html


def test_the_card_says_when_payments_are_a_test(client, campaign, app, monkeypatch):
    assert "Test mode" in card(client, campaign.slug).get_data(as_text=True)
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_x")
    assert "Test mode" not in card(client, campaign.slug).get_data(as_text=True)


def embed_code(html: str) -> str:
    code = re.search(r'<textarea id="embed-code"[^>]*>([^<]*)</textarea>', html).group(1)
    return html_lib.unescape(code)


def test_the_campaign_page_offers_the_embed_code_without_script(client, campaign):
    html = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    assert "<details" in html and "Show this campaign on your site" in html
    assert '<label for="embed-code">' in html
    code = embed_code(html)
    assert code.startswith(f'<iframe src="http://localhost/en/embed/campaigns/{campaign.slug}"')
    assert 'title="Water for Hajin"' in code and code.endswith("</iframe>")


def test_the_embed_code_names_the_language_so_every_visitor_gets_one_card(client, campaign):
    arabic_reader = {"Accept-Language": "ar"}
    html = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    src = re.search(r'src="([^"]+)"', embed_code(html)).group(1)
    response = client.get(src.removeprefix("http://localhost"), headers=arabic_reader)
    assert '<html lang="en" dir="ltr">' in response.get_data(as_text=True)
    assert "Accept-Language" not in response.headers.get("Vary", "")


def test_the_arabic_page_offers_the_arabic_card(client, campaign):
    code = embed_code(client.get(f"/ar/campaigns/{campaign.slug}").get_data(as_text=True))
    assert f'src="http://localhost/ar/embed/campaigns/{campaign.slug}"' in code
    assert 'title="مياه لهجين"' in code


def test_a_title_cannot_break_out_of_the_embed_code(client, make):
    tricky = make.campaign(title_en='Bread "and" <b>salt</b>')
    html = client.get(f"/campaigns/{tricky.slug}").get_data(as_text=True)
    assert "<b>salt</b>" not in html
    assert 'title="Bread &#34;and&#34; &lt;b&gt;salt&lt;/b&gt;"' in embed_code(html)
