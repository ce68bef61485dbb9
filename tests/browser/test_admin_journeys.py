"""Admins run campaigns through the console in a real browser, and the public site follows."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.browser.helpers import campaign_figures, give, sign_in

pytestmark = pytest.mark.browser

TITLE_EN = "Clean water for Al-Shafah"
TITLE_AR = "مياه نظيفة للشعفة"
TIERS = (("15", "Filters for one family", "فلاتر لأسرة واحدة"),
         ("40", "A water tank for a school class", "خزان ماء لصف مدرسي"),
         ("120", "A month of pump fuel", "وقود المضخة لشهر"))  # fmt: skip


def submit(page, field: str) -> None:
    """Press the main button of the form that holds ``field``; wait for the next page."""
    form = page.locator(f'form:has([name="{field}"])')
    with page.expect_navigation():
        form.locator('button[type="submit"]').first.click()


def test_admin_creates_and_publishes_a_bilingual_campaign(new_page, admin, data):
    page = new_page("desktop")
    sign_in(page, admin)

    page.goto("/admin/campaigns/new")
    page.locator('[name="organization"]').select_option(label="Euphrates Neighbours")
    page.locator('[name="sector"]').select_option(value="infrastructure")
    page.locator('[name="title_en"]').fill(TITLE_EN)
    page.locator('[name="title_ar"]').fill(TITLE_AR)
    page.locator('[name="summary_en"]').fill("Repair the pumping station and filter the water.")
    page.locator('[name="summary_ar"]').fill("إصلاح محطة الضخ وتصفية المياه.")
    page.locator('[name="story_en"]').fill("The station has been **broken since 2019**.")
    page.locator('[name="story_ar"]').fill("المحطة **معطلة منذ 2019**.")
    page.locator('[name="currency"]').fill("USD")
    page.locator('[name="goal"]').fill("12,000")
    page.locator('[name="starts_on"]').fill(date.today().isoformat())
    page.locator('[name="ends_on"]').fill((date.today() + timedelta(days=60)).isoformat())
    submit(page, "title_en")
    assert "/edit" in page.url, "the campaign was not created"
    edit_url = page.url

    page.locator('a[href$="/tiers"]').first.click()
    for row, (amount, text_en, text_ar) in enumerate(TIERS):
        page.locator(f'[name="rows-{row}-amount"]').fill(amount)
        page.locator(f'[name="rows-{row}-description_en"]').fill(text_en)
        page.locator(f'[name="rows-{row}-description_ar"]').fill(text_ar)
    submit(page, "rows-0-amount")
    assert page.locator('[aria-invalid="true"]').count() == 0

    page.locator('a[href$="/chapters/"]').first.click()
    page.locator('a[href$="/chapters/new"]').click()
    page.locator('[name="happened_on"]').fill("2019")
    page.locator('[name="title_en"]').fill("The pumps stop")
    page.locator('[name="title_ar"]').fill("توقف المضخات")
    page.locator('[name="body_en"]').fill("Fighting damaged the station's generators.")
    page.locator('[name="body_ar"]').fill("تضررت مولدات المحطة بسبب القتال.")
    submit(page, "happened_on")
    assert page.get_by_text("The pumps stop").count() == 1

    page.goto(edit_url)
    with page.expect_navigation():
        page.locator('form[action$="/publish"] button').click()

    # A visitor finds it on the public list, in both languages, with its tiers and history.
    visitor = new_page("phone")
    visitor.goto("/campaigns/")
    visitor.get_by_role("link", name=TITLE_EN).click()
    assert visitor.locator("h1").inner_text() == TITLE_EN
    assert visitor.locator('input[name="tier"]:not([value=""])').count() == 3
    assert visitor.get_by_text("The pumps stop").count() == 1

    visitor.goto("/ar/campaigns/")
    visitor.get_by_role("link", name=TITLE_AR).click()
    assert visitor.locator("html").get_attribute("dir") == "rtl"
    assert visitor.locator("h1").inner_text() == TITLE_AR
    assert visitor.get_by_text("توقف المضخات").count() == 1
    assert visitor.get_by_text("فلاتر لأسرة واحدة").count() == 1


def test_offline_gift_and_partial_refund_move_the_public_total(new_page, admin, data):
    journey = data.campaigns["admin-money"]
    donor = new_page("phone")
    give(donor, journey.slug, journey.tier_ids[100_00], 100, name="Rami Saleh")
    start = campaign_figures(_public(donor, journey.slug))

    page = new_page("desktop")
    sign_in(page, admin)
    page.goto("/admin/campaigns/")
    page.get_by_role("link", name=journey.title_en).first.click()
    page.locator('a[href$="/offline-gift"]').click()
    page.locator('[name="amount"]').fill("250")
    page.locator('[name="method"]').select_option(value="bank_transfer")
    page.locator('[name="reference"]').fill("BT-2026-0042")
    page.locator('[name="donor_name"]').fill("Hassan Ali")
    submit(page, "reference")

    after_gift = campaign_figures(_public(donor, journey.slug))
    assert after_gift.raised_minor == start.raised_minor + 250_00
    assert after_gift.donors == start.donors + 1

    page.goto(f"/admin/donations/?campaign={journey.id}&q=Rami")
    page.get_by_role("link", name="Rami Saleh").click()
    page.locator('a[href$="/refund"]').click()
    page.locator('[name="amount"]').fill("30")
    submit(page, "amount")
    # The console asks for confirmation before any money goes back.
    confirm = page.locator('form:has(input[name="confirmed"][value="yes"])')
    assert confirm.count() == 1, "no confirmation step"
    with page.expect_navigation():
        confirm.locator('button[type="submit"]').click()

    after_refund = campaign_figures(_public(donor, journey.slug))
    assert after_refund.raised_minor == after_gift.raised_minor - 30_00
    assert after_refund.donors == after_gift.donors, "a partial refund keeps the donor"


def _public(page, slug: str):
    page.goto(f"/campaigns/{slug}")
    return page
