"""The report pages in a real Chromium: axe finds nothing serious, in English and Arabic,
on a phone, and the period form says what is wrong without JavaScript's help."""

from __future__ import annotations

import pytest

from campaigns.i18n import LANGUAGES
from tests.browser.helpers import describe_violations, run_axe, sign_in

pytestmark = pytest.mark.browser


def _check(page, language: str) -> None:
    html = page.locator("html")
    assert html.get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    violations = run_axe(page)
    assert not violations, f"{page.url}\n" + describe_violations(violations)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_reports_and_the_donors_list(new_page, admin, language):
    # The site's content security policy forbids inline scripts, axe's injected one too.
    page = new_page("phone", bypass_csp=True)
    sign_in(page, admin, f"/{language}")
    # A period long enough to hold every gift of the site, so the tables are there.
    response = page.goto(f"/{language}/admin/reports/?date_from=2000-01-01")
    assert response.status == 200
    assert page.locator("table").count() >= 1
    _check(page, language)
    page.goto(f"/{language}/admin/reports/donors")
    choices = page.locator("#organization option").evaluate_all("els => els.map(e => e.value)")
    with_donors = 0
    for organization in choices or [""]:
        page.goto(f"/{language}/admin/reports/donors?organization={organization}")
        if page.locator("table").count():
            with_donors += 1
            _check(page, language)
    assert with_donors, "no organization of the site has donors to list"
    page.goto(f"/{language}/admin/reports/?date_from=2025-05-01&date_to=2025-04-01")
    assert page.locator('[aria-invalid="true"]').count() == 1
    assert page.locator('[role="alert"]').count() == 1
    _check(page, language)
