"""The demo content read from a real running server, as a visitor's browser gets it.

``flask demo-data`` loads into the test database with its data committed for real (deleted
afterwards); werkzeug serves the app in a thread, and the pages are fetched over HTTP.
"""

from __future__ import annotations

import html as html_lib
import re

import pytest
import requests

from campaigns.extensions import db
from tests.live import live_app, serving


def text_of(markup: str) -> str:
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", markup))).strip()


@pytest.fixture
def live(app, tmp_path):
    served = live_app(app, tmp_path)
    with serving(served) as base:
        yield served, base


def fetch(base: str, path: str) -> str:
    response = requests.get(base + path, timeout=30)
    assert response.status_code == 200, path
    assert response.headers["Content-Type"].startswith("text/html")
    return response.text


def test_the_seeds_as_a_visitor_reads_them_from_a_running_server(live):
    live_app, base = live
    with live_app.app_context():
        result = live_app.test_cli_runner().invoke(args=["demo-data"])
        assert result.exit_code == 0, result.output
        db.session.remove()

    # The organization page: all fourteen projects, the unclear periods said to be unclear.
    english = fetch(base, "/en/organizations/deir-ez-zor-demo")
    arabic = fetch(base, "/ar/organizations/deir-ez-zor-demo")
    for page in (english, arabic):
        assert len(re.findall(r'<li class="project">', page)) == 14
    assert "2021 (dates unclear)" in text_of(english)
    assert "2023 to 2024 (dates unclear)" in text_of(english)
    assert "2021 (التواريخ غير واضحة)" in text_of(arabic)
    assert "من 2023 إلى 2024 (التواريخ غير واضحة)" in text_of(arabic)
    assert "تشرين الثاني" in text_of(arabic) and "نوفمبر" not in arabic
    assert "Zour Civil Initiative" not in english and "مبادرة الزور المدنية" not in arabic

    # The Kasra article: its own title, its quotation, shown as an external report.
    kasra = fetch(base, "/en/updates/kasra-streets-rehabilitation")
    assert re.search(
        r"<h1[^>]*>Campaign launched to beautify the streets of Kasra, Deir ez Zour</h1>", kasra
    )
    assert "External report" in text_of(kasra)
    quote = text_of(re.search(r"<blockquote>(.*?)</blockquote>", kasra, re.S).group(1))
    assert "said Ataullah Hameed" in quote and "(SDF)" in text_of(kasra)

    # The medical campaign: 44 as given, with the note that the breakdown makes 45.
    medical = text_of(fetch(base, "/en/campaigns/medical-support-damascus-countryside"))
    assert "44 health facilities supported" in medical
    assert "breakdown adds up to 45, not 44" in medical

    # The list: the seed's campaign on the first page, the made-up ones labelled examples.
    listing = fetch(base, "/en/campaigns/")
    cards = {
        re.search(r'href="/en/campaigns/([^"]+)"', card).group(1): text_of(card)
        for card in re.findall(r'<li class="card">(.*?)</li>', listing, re.S)
    }
    assert "medical-support-damascus-countryside" in cards and 'rel="next"' in listing
    assert "Example campaign" not in cards["medical-support-damascus-countryside"]
    assert "Example campaign" in cards["safe-spaces-children-hajin"]
    example = fetch(base, "/ar/campaigns/safe-spaces-children-hajin")
    assert "حملة توضيحية" in text_of(example)
