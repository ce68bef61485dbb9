"""In Chromium: a donor follows the campaign page's link to its account, in English and in
Arabic and without JavaScript, and finds a closing line equal to the total they just read;
axe finds nothing serious there nor on the donors' data console."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    campaign_figures,
    describe_violations,
    parse_money,
    run_axe,
    sign_in,
)

pytestmark = pytest.mark.browser


def _axe(page) -> None:
    violations = run_axe(page)
    assert not violations, f"{page.url}\n" + describe_violations(violations)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_account_adds_up_to_the_total_on_the_page(new_page, data, language):
    slug = data.showcase_slug or data.campaigns["weight"].slug
    page = new_page("phone", javascript=False, bypass_csp=True)
    page.goto(f"/{language}/campaigns/{slug}")
    raised = campaign_figures(page).raised_minor
    with page.expect_navigation():
        page.locator(f'a[href="/{language}/campaigns/{slug}/account"]').click()
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    closing = page.locator(".account-total").inner_text()
    assert parse_money(closing) == raised
    # axe runs as a script: the same page again, with JavaScript on.
    checked = new_page("phone", bypass_csp=True)
    checked.goto(f"/{language}/campaigns/{slug}/account")
    _axe(checked)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_donors_data_console(new_page, admin, language):
    page = new_page("desktop", bypass_csp=True)
    sign_in(page, admin, prefix=f"/{language}")
    page.goto(f"/{language}/admin/donor-data/")
    page.locator('[name="email"]').fill("nobody-at-all@example.org")
    with page.expect_navigation():
        page.locator('form:has([name="email"]) [type="submit"]').first.click()
    assert page.locator("#found-heading").count() == 1
    _axe(page)
