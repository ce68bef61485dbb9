"""axe-core, injected into the pages as Chromium renders them, finds nothing serious.

Each page is checked in English and in Arabic; violations of impact "serious" or
"critical" fail the test, with the rule, the elements and axe's advice in the message.
"""

from __future__ import annotations

import pytest

from campaigns.i18n import LANGUAGES
from tests.browser.helpers import describe_violations, run_axe, sign_in, submit_donate_form

pytestmark = pytest.mark.browser


def _check(page, language: str) -> None:
    html = page.locator("html")
    assert html.get_attribute("lang") == language
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    violations = run_axe(page)
    assert not violations, f"{page.url}\n" + describe_violations(violations)


def _open(new_page, path: str, language: str, viewport: str = "phone"):
    # The site's content security policy forbids inline scripts, axe's injected one too.
    page = new_page(viewport, bypass_csp=True)
    response = page.goto(f"/{language}{path}")
    assert response.status == 200, f"{path}: {response.status}"
    return page


@pytest.mark.parametrize("language", LANGUAGES)
def test_home_page(new_page, language):
    _check(_open(new_page, "/", language), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_campaign_list(new_page, language):
    _check(_open(new_page, "/campaigns/", language, "desktop"), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_campaign_page(new_page, data, language):
    slug = data.showcase_slug or data.campaigns["weight"].slug
    _check(_open(new_page, f"/campaigns/{slug}", language), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_donate_form_with_errors(new_page, data, language):
    page = _open(new_page, f"/campaigns/{data.campaigns['bad-input'].slug}", language)
    page.locator('[name="amount"]').fill("abc")
    page.locator('[name="email"]').fill("not-an-email")
    with page.expect_navigation():
        page.locator('form[action$="/donate"]').locator(
            'button[type="submit"], input[type="submit"]'
        ).last.click()
    assert page.locator('[aria-invalid="true"]').count() >= 2, "the form shows no errors"
    _check(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_test_checkout_and_thank_you_pages(new_page, data, language):
    journey = data.campaigns["a11y"]
    page = new_page("phone", bypass_csp=True)
    page.goto(f"/{language}/campaigns/{journey.slug}")
    page.locator(f'input[name="tier"][value="{journey.tier_ids[20_00]}"]').check()
    page.locator('[name="name"]').fill("Huda Nasser")
    page.locator('[name="email"]').fill("huda@example.org")
    submit_donate_form(page)
    _check(page, language)  # the test gateway's checkout page
    with page.expect_navigation():
        page.locator('form:has(input[name="action"][value="pay"]) button').click()
    _check(page, language)  # the thank-you page


@pytest.mark.parametrize("language", LANGUAGES)
def test_organization_page(new_page, data, language):
    slug = data.demo_organization_slug or data.organization_slug
    _check(_open(new_page, f"/organizations/{slug}", language, "desktop"), language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_admin_campaign_form(new_page, admin, language):
    page = new_page("desktop", bypass_csp=True)
    sign_in(page, admin, f"/{language}")
    response = page.goto(f"/{language}/admin/campaigns/new")
    assert response.status == 200
    _check(page, language)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "path",
    [
        "/organizations/deir-ez-zor-demo",
        "/campaigns/medical-support-damascus-countryside",
        "/updates/kasra-streets-rehabilitation",
    ],
)
def test_the_seeds_pages_with_their_notes_and_labels(new_page, data, language, path):
    """Unclear periods, the figure's note, the external report's label and note."""
    if not data.demo_loaded:
        pytest.skip("the demo content is not installed")
    _check(_open(new_page, path, language, "desktop"), language)
