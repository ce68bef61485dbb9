"""A donor gives through the site in a real browser, on a phone, and the total moves."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from campaigns.extensions import db
from campaigns.models import Campaign, Donation
from tests.browser.helpers import (
    Figures,
    campaign_figures,
    field_error,
    give,
    submit_donate_form,
    vertical_gap,
)

pytestmark = pytest.mark.browser

FIFTY_DOLLARS = 50_00


def assert_thanked(page, language: str = "en") -> None:
    """The thank-you page, in the donor's language, saying the gift is confirmed."""
    assert page.locator("html").get_attribute("lang") == language
    heading = page.locator("h1").first.inner_text()
    if language == "en":
        assert re.search(r"thank", heading, re.I), heading
    else:
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert re.search(r"شكر", heading), heading
    assert page.locator(".result-confirmed").is_visible(), "the gift is not shown as confirmed"


def figures_after(page, slug: str, prefix: str = "") -> Figures:
    page.goto(f"{prefix}/campaigns/{slug}")
    return campaign_figures(page)


def test_donor_on_a_phone_gives_fifty_dollars(new_page, data):
    journey = data.campaigns["donor-en"]
    page = new_page("phone")

    before = give(page, journey.slug, journey.tier_ids[FIFTY_DOLLARS], 50)
    assert_thanked(page)

    after = figures_after(page, journey.slug)
    assert after.raised_minor == before.raised_minor + FIFTY_DOLLARS
    assert after.donors == before.donors + 1
    assert page.get_by_text("Lina Haddad").count() == 1, "the donor is not in recent donors"


def test_donor_gives_with_javascript_off(new_page, data):
    journey = data.campaigns["donor-nojs"]
    page = new_page("phone", javascript=False)

    before = give(page, journey.slug, journey.tier_ids[FIFTY_DOLLARS], 50)
    assert_thanked(page)

    after = figures_after(page, journey.slug)
    assert after == Figures(before.raised_minor + FIFTY_DOLLARS, before.donors + 1)


def test_donor_gives_in_arabic_right_to_left(new_page, data):
    journey = data.campaigns["donor-ar"]
    page = new_page("phone", locale="ar")

    page.goto(f"/ar/campaigns/{journey.slug}")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    before = give(page, journey.slug, journey.tier_ids[FIFTY_DOLLARS], 50, "/ar")
    assert_thanked(page, "ar")

    after = figures_after(page, journey.slug, "/ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert after == Figures(before.raised_minor + FIFTY_DOLLARS, before.donors + 1)


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until the element matching ``selector`` has the focus, as a keyboard user."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            outline = page.evaluate(
                """() => { const s = getComputedStyle(document.activeElement);
                           return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0
                                  || s.boxShadow !== 'none'; }"""
            )
            assert outline, f"{selector} has the focus but shows no focus indicator"
            return
    raise AssertionError(f"{limit} presses of Tab never reached {selector}")


def test_donor_gives_with_the_keyboard_only(new_page, data):
    journey = data.campaigns["keyboard"]
    page = new_page("desktop")
    page.goto(f"/campaigns/{journey.slug}")
    before = campaign_figures(page)

    tab_to(page, 'input[name="tier"]')
    fifty = f'input[name="tier"][value="{journey.tier_ids[FIFTY_DOLLARS]}"]'
    for _ in range(10):  # arrow keys move through a radio group and select as they go
        if page.locator(fifty).is_checked():
            break
        page.keyboard.press("ArrowDown")
    assert page.locator(fifty).is_checked()
    tab_to(page, '[name="name"]')
    page.keyboard.type("Nour Darwish")
    tab_to(page, '[name="email"]')
    page.keyboard.type("nour@example.org")
    tab_to(page, 'form[action$="/donate"] button[type="submit"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, 'form:has(input[name="action"][value="pay"]) button')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert_thanked(page)

    after = figures_after(page, journey.slug)
    assert after == Figures(before.raised_minor + FIFTY_DOLLARS, before.donors + 1)


def test_declined_payment_counts_nothing(new_page, data):
    journey = data.campaigns["declined"]
    page = new_page("phone")
    page.goto(f"/campaigns/{journey.slug}")
    before = campaign_figures(page)
    page.locator(f'input[name="tier"][value="{journey.tier_ids[FIFTY_DOLLARS]}"]').check()
    page.locator('[name="name"]').fill("Samir Youssef")
    page.locator('[name="email"]').fill("samir@example.org")
    submit_donate_form(page)
    with page.expect_navigation():
        page.locator('form:has(input[name="action"][value="decline"]) button').click()

    assert page.locator(".result-failed").is_visible(), "the donor is not told it failed"
    assert page.locator(".result-confirmed").count() == 0
    assert figures_after(page, journey.slug) == before
    assert page.get_by_text("Samir Youssef").count() == 0


def _donations_of(live_app, slug: str) -> int:
    with live_app.app_context():
        return db.session.scalar(
            sa.select(sa.func.count(Donation.id)).join(Campaign).where(Campaign.slug == slug)
        )


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_bad_input_shows_errors_beside_the_fields_and_keeps_the_input(
    new_page, data, live_app, javascript
):
    journey = data.campaigns["bad-input"]
    page = new_page("phone", javascript=javascript)
    page.goto(f"/campaigns/{journey.slug}")
    donations_before = _donations_of(live_app, journey.slug)

    page.locator('[name="amount"]').fill("abc")
    page.locator('[name="name"]').fill("Omar Khalil")
    page.locator('[name="email"]').fill("omar@@example")
    page.locator('[name="message"]').fill("For the clinic")
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        submit_donate_form(page)
    assert answer.value.status in (400, 422)

    # What was typed is still there, so the donor only corrects the mistakes.
    assert page.locator('[name="amount"]').input_value() == "abc"
    assert page.locator('[name="email"]').input_value() == "omar@@example"
    assert page.locator('[name="name"]').input_value() == "Omar Khalil"
    assert page.locator('[name="message"]').input_value() == "For the clinic"

    for name in ("amount", "email"):
        field = page.locator(f'[name="{name}"]')
        error = field_error(page, name)
        assert error.is_visible(), f"no error shown for {name}"
        assert error.inner_text().strip(), f"the error for {name} is empty"
        assert field.get_attribute("aria-invalid") == "true", f"{name} not marked invalid"
        assert vertical_gap(field, error) < 60, f"the error for {name} is far from the field"
    assert page.locator('[name="name"][aria-invalid="true"]').count() == 0

    assert _donations_of(live_app, journey.slug) == donations_before, "a donation was created"
