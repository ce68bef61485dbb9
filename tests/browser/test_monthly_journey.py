"""A donor gives monthly in Arabic, finds the link in the receipt that reached the mail
server, opens it in another browser, stops the gift, and is told so by page and by email."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (
    describe_violations,
    email_link,
    pay_on_test_gateway,
    received_email,
    run_axe,
    submit_donate_form,
)

pytestmark = pytest.mark.browser

TWENTY_DOLLARS = 20_00
DONOR = "rana@example.org"


def _axe(new_page, link: str) -> None:
    """axe runs as a script: the same page again, with JavaScript on."""
    checked = new_page("phone", bypass_csp=True)
    assert checked.goto(link).status == 200
    violations = run_axe(checked)
    assert not violations, f"{checked.url}\n" + describe_violations(violations)


def test_give_monthly_in_arabic_then_stop_it_from_the_emailed_link(
    new_page, data, live_server, mail_server
):
    journey = data.campaigns["monthly-ar"]
    page = new_page("phone", javascript=False)
    assert page.goto(f"/ar/campaigns/{journey.slug}").status == 200
    page.locator(f'input[name="tier"][value="{journey.tier_ids[TWENTY_DOLLARS]}"]').check()
    page.locator('input[name="frequency"][value="monthly"]').check()
    page.locator('[name="name"]').fill("رنا")
    page.locator('[name="email"]').fill(DONOR)
    submit_donate_form(page)
    pay_on_test_gateway(page)
    assert page.locator(".result-confirmed").is_visible()

    # The receipt, in Arabic, carries the gift's own signed link.
    receipt = received_email(mail_server, DONOR, "إيصال")
    assert 'dir="rtl"' in receipt.get_body(("html",)).get_content()
    link = email_link(receipt, live_server("/ar/monthly/"))

    # Another browser, as from the mailbox: the link alone opens the page, in Arabic.
    donor = new_page("phone", javascript=False)
    assert donor.goto(link).status == 200
    assert donor.locator("html").get_attribute("dir") == "rtl"
    assert donor.locator("h1").inner_text() == "تبرّعك الشهري"
    _axe(new_page, link)
    with donor.expect_navigation():
        donor.locator(".monthly-stop-form button[type=submit]").click()
    assert "أُوقف تبرّعك الشهري" in donor.locator(".flash").first.inner_text()
    assert "موقوف" in donor.locator(".monthly-state").inner_text()
    assert donor.locator(".monthly-stop-form").count() == 0
    _axe(new_page, link)

    stopped = received_email(mail_server, DONOR, "أُوقف تبرّعك الشهري")
    assert email_link(stopped, live_server("/ar/monthly/")).startswith(live_server("/ar/"))
