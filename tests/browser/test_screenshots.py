"""Screenshots of a campaign page in English and Arabic, on a phone and a desktop.

They land in ``artifacts/screenshots/`` (kept by CI) for a person to look at; the test
itself checks what would make a screenshot look broken: a page wider than the screen, an
image that failed to load, a layout that does not mirror in Arabic.
"""

from __future__ import annotations

import pytest

from tests.browser.helpers import SCREENSHOTS, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", ["phone", "desktop"])
@pytest.mark.parametrize("language", ["en", "ar"])
def test_campaign_page_screenshot(new_page, data, language, viewport):
    slug = data.showcase_slug or data.campaigns["weight"].slug
    page = new_page(viewport)
    page.goto(f"/{language}/campaigns/{slug}", wait_until="networkidle")
    name = f"campaign-{language}-{viewport}"
    screenshot(page, name)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-top.png"))

    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"the page scrolls sideways ({width}px)"
    broken = page.evaluate(
        "[...document.images].filter(i => i.complete && i.naturalWidth === 0).map(i => i.src)"
    )
    assert broken == [], "images failed to load"

    brand = page.locator(".brand").first.bounding_box()
    middle = page.viewport_size["width"] / 2
    if language == "ar":
        # Right to left: the site's name sits on the right-hand side of the header.
        assert brand["x"] > middle, "the Arabic header is not mirrored"
    else:
        assert brand["x"] + brand["width"] < middle
