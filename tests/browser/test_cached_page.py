"""A donor on a campaign page served from the cache gives, and everyone sees the new total."""

from __future__ import annotations

import time

import pytest

from tests.browser.helpers import Figures, campaign_figures, give

pytestmark = pytest.mark.browser

FIFTY_DOLLARS = 50_00
#: How soon a counted gift must show, whatever caches there are.
FRESHNESS_SECONDS = 5


def test_a_gift_from_a_cached_page_shows_to_every_reader_within_seconds(new_page, data):
    journey = data.campaigns["cached"]
    url = f"/campaigns/{journey.slug}"
    reader = new_page("desktop")
    first = reader.goto(url)  # the page is rendered once and stored
    assert first.headers["cache-control"] == "private, no-cache"
    assert first.headers.get("etag")
    before = campaign_figures(reader)

    donor = new_page("phone")
    shown = give(donor, journey.slug, journey.tier_ids[FIFTY_DOLLARS], 50, name="Huda Saleh")
    assert shown == before  # the donor's page was the shared copy, with a token of their own
    counted = time.monotonic()

    expected = Figures(before.raised_minor + FIFTY_DOLLARS, before.donors + 1)
    while True:
        reader.goto(url)
        if campaign_figures(reader) == expected:
            break
        assert time.monotonic() - counted < FRESHNESS_SECONDS, "the gift is not shown yet"
        time.sleep(0.25)
    assert reader.get_by_text("Huda Saleh").count() == 1
    donor.goto(url)
    assert campaign_figures(donor) == expected
