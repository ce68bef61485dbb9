"""The privacy notice and the terms of use on the running site, reached from the footer,
in English and Arabic, and the organization's profile beside the donate form."""

from __future__ import annotations

import pytest

from tests.browser.helpers import describe_violations, run_axe

pytestmark = pytest.mark.browser

HEADINGS = {
    ("privacy", "en"): "Privacy notice",
    ("privacy", "ar"): "إشعار الخصوصية",
    ("terms", "en"): "Terms of use",
    ("terms", "ar"): "شروط الاستخدام",
}


def _axe_finds_nothing_serious(page) -> None:
    violations = run_axe(page)
    assert not violations, f"{page.url}\n" + describe_violations(violations)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_footer_leads_to_the_privacy_notice(new_page, language):
    page = new_page("phone", bypass_csp=True)
    assert page.goto(f"/{language}/").status == 200
    heading = HEADINGS[("privacy", language)]
    with page.expect_navigation():
        page.locator("footer").get_by_role("link", name=heading).click()
    assert page.url.endswith(f"/{language}/privacy")
    assert page.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    assert page.locator("h1").inner_text() == heading
    assert page.locator("main h2").count() >= 5
    _axe_finds_nothing_serious(page)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_terms_of_use(new_page, language):
    page = new_page("desktop", bypass_csp=True)
    assert page.goto(f"/{language}/terms").status == 200
    assert page.locator("h1").inner_text() == HEADINGS[("terms", language)]
    _axe_finds_nothing_serious(page)


@pytest.mark.parametrize(("language", "registered"), [("en", "Syria"), ("ar", "سوريا")])
def test_who_is_behind_a_campaign_beside_its_donate_form(new_page, data, language, registered):
    page = new_page("phone", bypass_csp=True)
    slug = data.campaigns["a11y"].slug
    assert page.goto(f"/{language}/campaigns/{slug}").status == 200
    block = page.locator("section.organization-behind")
    assert registered in block.inner_text()
    note = page.locator(".donate-privacy")
    assert note.get_by_role("link").count() == 2
    with page.expect_navigation():
        block.get_by_role("link").last.click()
    assert page.url.endswith(f"/{language}/organizations/{data.organization_slug}")
    assert page.locator("section.organization-profile address").is_visible()
    _axe_finds_nothing_serious(page)
