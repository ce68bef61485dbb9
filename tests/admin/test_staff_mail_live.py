"""Staff email through a real running server, with CSRF on: an invitation emailed to the
real SMTP server and its link, which works once; and the Reply-To a manager saves, which
a donor's receipt then carries.

The app is served by werkzeug in a thread and its work is committed for real; everything
the tests stored is deleted afterwards.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
import requests
import sqlalchemy as sa

from campaigns.extensions import db
from campaigns.models import Membership, Role, User
from tests.factories import PASSWORD, Factories
from tests.live import live_app, serving

TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
VALUE = re.compile(r'value="([^"]+)"')
NEW_PASSWORD = "a passphrase of my own"


@pytest.fixture
def live(app, tmp_path, smtp_server):
    served = live_app(app, tmp_path, WTF_CSRF_ENABLED=True, **smtp_server.app_settings)
    with served.app_context():
        make = Factories(db.session)
        organization = make.organization(
            slug="live-staff", name_en="Live Neighbours", name_ar="جيران مباشرون"
        )
        make.campaign(organization=organization, slug="live-staff-clinic", tiers=(1000, 2500))
        make.member(organization, role=Role.MANAGER, email="boss@example.org", name="Huda")
        make.user("already@example.org")
        organization_id = organization.id
        db.session.commit()
        db.session.remove()
    with serving(served) as url:
        yield served, url, organization_id


def _token(response) -> str:
    tag = TOKEN.search(response.text)
    assert tag, response.text[:500]
    return VALUE.search(tag.group(0)).group(1)


def _signed_in(url: str, email: str, password: str) -> requests.Session:
    browser = requests.Session()
    form = browser.get(f"{url}/admin/login", timeout=30)
    done = browser.post(
        f"{url}/admin/login",
        data={"csrf_token": _token(form), "email": email, "password": password},
        allow_redirects=False,
        timeout=30,
    )
    assert done.status_code == 302, done.text[:500]
    return browser


def _invite(browser, url: str, organization_id: int, email: str, prefix: str = "/ar"):
    page = f"{url}{prefix}/admin/organizations/{organization_id}/members"
    form = browser.get(page, timeout=30)
    data = {"csrf_token": _token(form), "email": email, "role": "editor", "name": ""}
    return browser.post(page, data=data, timeout=30)


def _join_link(message, url: str) -> str:
    text = message.get_body(("plain",)).get_content()
    [link] = re.findall(re.escape(url) + r"/\S*admin/join/\S+", text)
    return link


def test_the_emailed_link_opens_an_account_once(live, smtp_server):
    live_app, url, organization_id = live
    manager = _signed_in(url, "boss@example.org", PASSWORD)
    answer = _invite(manager, url, organization_id, "newcomer@example.org")
    assert answer.status_code == 200
    assert "أُرسلت بالبريد الإلكتروني دعوة" in answer.text

    [message] = smtp_server.inbox.wait_for(1)
    assert message["To"] == "newcomer@example.org"
    assert "جيران مباشرون" in message["Subject"]
    assert message["From"].addresses[0].display_name == "جيران مباشرون"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "يدعوك Huda" in text
    assert 'dir="rtl"' in html
    link = _join_link(message, url)
    assert link.startswith(f"{url}/ar/admin/join/")
    assert link in html

    # Another browser, as from the mailbox: the link alone opens the page.
    invitee = requests.Session()
    page = invitee.get(link, timeout=30)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert '<html lang="ar" dir="rtl">' in page.text
    assert "عيّن كلمة المرور وانضمّ" in page.text
    data = {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    assert invitee.post(link, data=data, timeout=30).status_code == 400  # no CSRF token
    joined = invitee.post(link, data={**data, "csrf_token": _token(page)}, timeout=30)
    assert joined.status_code == 200
    assert joined.url.endswith("/ar/admin/login")
    assert "انضممت إلى جيران مباشرون" in joined.text

    _signed_in(url, "newcomer@example.org", NEW_PASSWORD)
    with live_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "newcomer@example.org"))
        roles = [(m.organization_id, m.role) for m in user.memberships]
        db.session.remove()
    assert roles == [(organization_id, Role.EDITOR)]

    # Used once, it is refused with a clear page, and so is a link anybody altered.
    again = requests.Session()
    reused = again.get(link, timeout=30)
    assert reused.status_code == 404
    assert "رابط الدعوة هذا لا يعمل" in reused.text
    tampered = again.get(link[:-3] + "abc", timeout=30)
    assert tampered.status_code == 404
    assert "رابط الدعوة هذا لا يعمل" in tampered.text


def test_an_existing_account_accepts_and_an_expired_link_is_refused(live, smtp_server):
    live_app, url, organization_id = live
    manager = _signed_in(url, "boss@example.org", PASSWORD)
    assert _invite(manager, url, organization_id, "already@example.org", prefix="").ok
    [message] = smtp_server.inbox.wait_for(1)
    assert message["Subject"] == "Join Live Neighbours on Give to Syria"
    link = _join_link(message, url)

    live_app.config["INVITATION_LINK_MAX_AGE"] = -1
    expired = requests.get(link, timeout=30)
    assert expired.status_code == 404
    assert "This invitation link does not work" in expired.text
    assert "It has expired" in expired.text

    live_app.config.pop("INVITATION_LINK_MAX_AGE")
    invitee = requests.Session()
    page = invitee.get(link, timeout=30)
    assert page.status_code == 200
    assert "Set my password" not in page.text
    accepted = invitee.post(link, data={"csrf_token": _token(page)}, timeout=30)
    assert accepted.status_code == 200
    assert "You joined Live Neighbours." in accepted.text
    # The account's own password still opens it.
    _signed_in(url, "already@example.org", PASSWORD)
    with live_app.app_context():
        joined = db.session.scalar(
            sa.select(Membership)
            .join(User)
            .where(
                User.email == "already@example.org", Membership.organization_id == organization_id
            )
        )
        db.session.remove()
    assert joined is not None and joined.role is Role.EDITOR
    assert invitee.post(link, data={"csrf_token": _token(page)}, timeout=30).status_code == 404


def test_the_saved_reply_to_is_the_reply_to_of_a_receipt(live, smtp_server):
    _live_app, url, organization_id = live
    manager = _signed_in(url, "boss@example.org", PASSWORD)
    edit = f"{url}/admin/organizations/{organization_id}/edit"
    form = manager.get(edit, timeout=30)
    assert 'name="reply_to_email"' in form.text
    saved = manager.post(
        edit,
        data={
            "csrf_token": _token(form),
            "name_en": "Live Neighbours",
            "name_ar": "جيران مباشرون",
            "slug": "live-staff",
            "reply_to_email": "donors@neighbours.example.org",
        },
        timeout=30,
    )
    assert saved.status_code == 200 and saved.url == edit, saved.text[:500]
    assert 'value="donors@neighbours.example.org"' in saved.text

    donor = requests.Session()
    donate = donor.get(f"{url}/campaigns/live-staff-clinic/donate", timeout=30)
    given = donor.post(
        f"{url}/campaigns/live-staff-clinic/donate",
        data={
            "csrf_token": _token(donate),
            "amount": "25",
            "frequency": "once",
            "name": "Sami",
            "email": "sami@example.org",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert given.status_code == 303, given.text[:500]
    checkout = donor.get(urljoin(url, given.headers["Location"]), timeout=30)
    paid = donor.post(
        checkout.url, data={"csrf_token": _token(checkout), "action": "pay"}, timeout=30
    )
    assert paid.status_code == 200
    [receipt] = smtp_server.inbox.wait_for(1)
    assert receipt["To"] == "sami@example.org"
    assert receipt["Reply-To"] == "donors@neighbours.example.org"
    text = receipt.get_body(("plain",)).get_content()
    assert "your reply goes to Live Neighbours" in text
