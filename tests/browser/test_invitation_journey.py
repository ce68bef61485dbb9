"""A manager invites a newcomer, in English or in Arabic; the invitation reaches the mail
server; the newcomer opens its link in another browser, chooses a password, joins and
signs in; the used link is then refused plainly. axe finds nothing serious on the page
behind the link, open or refused."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from campaigns.extensions import db
from campaigns.models import Organization
from tests.browser.helpers import (
    describe_violations,
    email_link,
    received_email,
    run_axe,
    sign_in,
)

pytestmark = pytest.mark.browser

PASSWORD = "a newcomer's own passphrase"
#: In each language: the organization's name, the email's subject, the join button, and the
#: refused page's title.
WORDS = {
    "en": ("Euphrates Neighbours", "Join", "Set my password and join", "does not work"),
    "ar": ("جيران الفرات", "انضمّ إلى", "عيّن كلمة المرور وانضمّ", "لا يعمل"),
}


def _axe(new_page, link: str, status: int) -> None:
    """axe runs as a script: the same page again, with JavaScript on."""
    checked = new_page("phone", bypass_csp=True)
    assert checked.goto(link).status == status
    violations = run_axe(checked)
    assert not violations, f"{checked.url}\n" + describe_violations(violations)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_newcomer_joins_through_the_emailed_link(
    new_page, admin, data, live_app, live_server, mail_server, language
):
    name, join, join_button, refused = WORDS[language]
    email = f"newcomer-{language}@example.org"
    with live_app.app_context():
        organization_id = db.session.scalar(
            sa.select(Organization.id).where(Organization.slug == data.organization_slug)
        )
        db.session.remove()
    prefix = "" if language == "en" else f"/{language}"

    manager = new_page("desktop", javascript=False)
    sign_in(manager, admin, prefix=prefix)
    manager.goto(f"{prefix}/admin/organizations/{organization_id}/members")
    manager.locator('[name="email"]').fill(email)
    manager.locator("#role").select_option("editor")
    with manager.expect_navigation():
        manager.locator('form:has([name="email"]) button[type="submit"]').click()
    assert email in manager.locator(".confirm").inner_text()

    invitation = received_email(mail_server, email, f"{join} {name}")
    link = email_link(invitation, live_server(f"{prefix}/admin/join/"))
    _axe(new_page, link, 200)

    newcomer = new_page("phone", javascript=False)
    assert newcomer.goto(link).status == 200
    assert newcomer.locator("html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
    newcomer.locator('[name="new_password"]').fill(PASSWORD)
    newcomer.locator('[name="confirm"]').fill(PASSWORD)
    with newcomer.expect_navigation():
        newcomer.get_by_role("button", name=join_button).click()
    assert newcomer.url.endswith(f"{prefix}/admin/login")
    assert name in newcomer.locator(".flash").first.inner_text()
    sign_in(newcomer, (email, PASSWORD), prefix=prefix)

    used = new_page("phone", javascript=False)
    assert used.goto(link).status == 404
    assert refused in used.locator("h1").inner_text()
    _axe(new_page, link, 404)
