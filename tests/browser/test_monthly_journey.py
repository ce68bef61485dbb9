"""A donor gives monthly in Arabic, opens the link their receipt carries, and stops the gift."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaigns.extensions import db
from campaigns.models import Campaign, Donation
from campaigns.monthly.links import manage_url
from tests.browser.helpers import pay_on_test_gateway, submit_donate_form

pytestmark = pytest.mark.browser

TWENTY_DOLLARS = 20_00


def test_give_monthly_in_arabic_then_stop_it_from_the_link(new_page, data, live_app):
    journey = data.campaigns["monthly-ar"]
    page = new_page("phone", javascript=False)
    assert page.goto(f"/ar/campaigns/{journey.slug}").status == 200
    page.locator(f'input[name="tier"][value="{journey.tier_ids[TWENTY_DOLLARS]}"]').check()
    page.locator('input[name="frequency"][value="monthly"]').check()
    page.locator('[name="name"]').fill("رنا")
    page.locator('[name="email"]').fill("rana@example.org")
    submit_donate_form(page)
    pay_on_test_gateway(page)
    assert page.locator(".result-confirmed").is_visible()

    with live_app.app_context():
        campaign = db.session.scalar(sa.select(Campaign).where(Campaign.slug == journey.slug))
        gift = db.session.scalar(
            sa.select(Donation)
            .where(Donation.campaign_id == campaign.id, Donation.parent_id.is_(None))
            .order_by(Donation.id.desc())
        )
        link = manage_url(gift)
        db.session.remove()

    # Another browser, as from the email: the link alone opens the page, in Arabic.
    donor = new_page("phone", javascript=False)
    assert donor.goto(link).status == 200
    assert donor.locator("html").get_attribute("dir") == "rtl"
    assert donor.locator("h1").inner_text() == "تبرّعك الشهري"
    with donor.expect_navigation():
        donor.locator(".monthly-stop-form button[type=submit]").click()
    assert "أُوقف تبرّعك الشهري" in donor.locator(".flash").first.inner_text()
    assert "موقوف" in donor.locator(".monthly-state").inner_text()
    assert donor.locator(".monthly-stop-form").count() == 0
