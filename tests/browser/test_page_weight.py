"""A campaign page stays light for a donor on a slow, metered phone connection.

Budgets: HTML, CSS, JavaScript and fonts together at most 100 KB transferred, compressed;
the cover image at most 200 KB at phone width, where the ``srcset`` must pick the 480 px
file; no request to any other host. The sizes are what went over the wire: the app
gzip-compresses its text responses itself, and the test requires it to. The figures are
written to ``artifacts/page-weight.json``.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import pytest

from tests.browser.helpers import ROOT

pytestmark = pytest.mark.browser

KB = 1000
TEXT_BUDGET = 100 * KB
COVER_BUDGET = 200 * KB
TEXT_TYPES = ("document", "stylesheet", "script", "font")
REPORT = ROOT / "artifacts" / "page-weight.json"


@dataclass
class Transfer:
    url: str
    kind: str
    raw_bytes: int
    sent_bytes: int
    compressed_by: str


@dataclass
class Weight:
    page: str
    transfers: list[Transfer] = field(default_factory=list)

    def total(self, kinds) -> int:
        return sum(t.sent_bytes for t in self.transfers if t.kind in kinds)


def measure(page, path: str) -> Weight:
    """Load ``path`` and count what every response of that load put on the wire."""
    weight = Weight(page=path)
    responses = []
    page.on("response", lambda response: responses.append(response))
    page.goto(path, wait_until="load")
    page.wait_for_load_state("networkidle")
    for response in responses:
        body = b"" if 300 <= response.status < 400 else response.body()
        encoding = (response.headers.get("content-encoding") or "").lower()
        if encoding:
            sent, by = response.request.sizes()["responseBodySize"], encoding
        else:
            sent, by = len(body), "none"
        weight.transfers.append(
            Transfer(response.url, response.request.resource_type, len(body), sent, by)
        )
    return weight


def _save(name: str, weight: Weight, **extra) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    report = json.loads(REPORT.read_text()) if REPORT.exists() else {}
    report[name] = {
        "text_bytes": weight.total(TEXT_TYPES),
        "image_bytes": weight.total(("image",)),
        **extra,
        "transfers": [asdict(t) for t in weight.transfers],
    }
    REPORT.write_text(json.dumps(report, indent=2))


def _campaigns(data):
    yield "journey", data.campaigns["weight"].slug
    if data.showcase_slug:
        yield "demo", data.showcase_slug


@pytest.mark.parametrize("language", ["en", "ar"])
def test_campaign_page_is_light_on_a_phone(new_page, data, live_server, language):
    for name, slug in _campaigns(data):
        page = new_page("phone", device_scale_factor=1)
        weight = measure(page, f"/{language}/campaigns/{slug}")

        text = weight.total(TEXT_TYPES)
        cover = page.locator("img.cover").first
        cover_src = cover.evaluate("img => img.currentSrc") if cover.count() else None
        cover_bytes = sum(t.sent_bytes for t in weight.transfers if t.url == cover_src)
        _save(f"{name}-{language}-phone", weight, cover=cover_src, cover_bytes=cover_bytes)

        uncompressed = [
            t.url for t in weight.transfers if t.kind in TEXT_TYPES and t.compressed_by == "none"
        ]
        assert uncompressed == [], "text sent uncompressed"
        assert text <= TEXT_BUDGET, f"{slug}: {text} bytes of HTML, CSS, JS and fonts"
        outside = [t.url for t in weight.transfers if not t.url.startswith(live_server.url)]
        assert outside == [], "third-party requests"
        if cover_src is not None:
            assert "-480." in cover_src, f"a 360 px phone was sent {cover_src}"
            assert 0 < cover_bytes <= COVER_BUDGET, f"the cover weighs {cover_bytes} bytes"
        else:
            assert name == "demo", "the journey campaign's cover is not shown"


def test_cover_on_a_sharp_phone_screen_stays_within_budget(new_page, data):
    """A 360 px phone with a 2x screen takes the 960 px file; it must stay light too."""
    page = new_page("phone", device_scale_factor=2)
    weight = measure(page, f"/campaigns/{data.campaigns['weight'].slug}")
    src = page.locator("img.cover").first.evaluate("img => img.currentSrc")
    cover_bytes = sum(t.sent_bytes for t in weight.transfers if t.url == src)
    _save("journey-en-phone-2x", weight, cover=src, cover_bytes=cover_bytes)
    assert "-960." in src
    assert 0 < cover_bytes <= COVER_BUDGET


def test_campaign_page_works_without_javascript(new_page, data):
    """Everything a donor needs is in the HTML: figures, tiers, the form and its button."""
    page = new_page("phone", javascript=False)
    page.goto(f"/campaigns/{data.campaigns['weight'].slug}")
    form = page.locator('form[action$="/donate"]')
    assert form.count() == 1
    assert form.get_attribute("method").lower() == "post"
    assert form.locator('input[name="tier"]:not([value=""])').count() == 5
    assert form.locator('[name="amount"], [name="email"], [name="name"]').count() == 3
    assert form.locator('button[type="submit"], input[type="submit"]').count() >= 1
    assert page.locator(".raised").first.is_visible()
