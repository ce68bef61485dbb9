"""The organization's registration and contact details, written in the console: web
addresses must be https, numbers must dial, and a refused form changes nothing."""

from __future__ import annotations

import pytest

from campaigns.models import DonationSource, Organization
from tests.admin.world import fresh, sign_in
from tests.stripe_server.events import deliver, session_event

VALID = {
    "name_en": "Sunrise Relief",
    "slug": "sunrise",
    "legal_name_en": "Sunrise Relief Association",
    "legal_name_ar": "جمعية شروق للإغاثة",
    "registration_country": "tr",
    "registration_authority_en": "Gaziantep Governorate",
    "registration_authority_ar": "ولاية غازي عنتاب",
    "registration_number": "27-001-123",
    "address_en": "Ibrahimli, 27090 Gaziantep",
    "address_ar": "إبراهيملي، 27090 غازي عنتاب",
    "contact_email": "hello@sunrise.example.org",
    "phone": "+90 342 000 0000",
    "website": "https://sunrise.example.org",
    "facebook_url": "https://facebook.com/sunrise",
    "instagram_url": "https://instagram.com/sunrise",
    "x_url": "https://x.com/sunrise",
    "youtube_url": "https://youtube.com/@sunrise",
    "telegram_url": "https://t.me/sunrise",
}


def edit_url(world) -> str:
    return f"/admin/organizations/{world.org}/edit"


def test_an_editor_writes_the_profile_in_both_languages(client, db, world):
    sign_in(client, world.users["editor"])
    form = client.get(edit_url(world)).get_data(as_text=True)
    assert "Registration and contact" in form
    assert '<option value="SY">Syria</option>' in form
    assert client.post(edit_url(world), data=VALID).status_code == 302
    org = fresh(db, Organization, world.org)
    assert org.legal_name_ar == "جمعية شروق للإغاثة"
    assert org.registration_country == "TR"
    assert org.telegram_url == "https://t.me/sunrise"
    # The form comes back filled in, the country chosen.
    again = client.get(edit_url(world)).get_data(as_text=True)
    assert '<option selected value="TR">' in again
    assert 'value="https://youtube.com/@sunrise"' in again


def test_the_console_in_arabic_names_the_countries_in_arabic(client, db, world):
    sign_in(client, world.users["editor"])
    form = client.get(f"/ar{edit_url(world)}").get_data(as_text=True)
    assert '<option value="SY">سوريا</option>' in form
    assert "التسجيل والتواصل" in form


def test_emptying_a_field_clears_it(client, db, world):
    sign_in(client, world.users["editor"])
    client.post(edit_url(world), data=VALID)
    cleared = {**VALID, "website": "", "registration_country": "", "legal_name_ar": " "}
    assert client.post(edit_url(world), data=cleared).status_code == 302
    org = fresh(db, Organization, world.org)
    assert org.website is None and org.registration_country is None
    assert org.legal_name_ar is None


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("website", "http://sunrise.example.org"),
        ("website", "javascript:alert(1)"),
        ("website", "sunrise.example.org"),
        ("website", "https://sunrise example.org"),
        ("facebook_url", "ftp://facebook.com/sunrise"),
        ("instagram_url", "https://user:secret@instagram.com/sunrise"),
        ("x_url", "https://"),
        ("youtube_url", "https://localhost/"),
        ("telegram_url", "//t.me/sunrise"),
        ("phone", "call us"),
        ("phone", "+963"),
        ("contact_email", "not-an-email"),
        ("registration_country", "XX"),
    ],
)
def test_bad_values_are_refused_beside_the_field(client, db, world, field, value):
    sign_in(client, world.users["editor"])
    response = client.post(edit_url(world), data={**VALID, field: value})
    assert response.status_code == 422
    assert f'id="{field}-error"' in response.get_data(as_text=True)
    org = fresh(db, Organization, world.org)
    assert org.legal_name_en is None and org.website is None


def test_an_arabic_text_needs_its_english_one(client, db, world):
    sign_in(client, world.users["editor"])
    data = {**VALID, "legal_name_en": ""}
    response = client.post(edit_url(world), data=data)
    assert response.status_code == 422
    assert 'id="legal_name_en-error"' in response.get_data(as_text=True)
    assert fresh(db, Organization, world.org).legal_name_ar is None


def test_no_one_edits_another_organizations_profile(client, db, world):
    sign_in(client, world.users["outsider"])
    response = client.post(edit_url(world), data=VALID)
    assert response.status_code == 404
    assert fresh(db, Organization, world.org).website is None


def test_the_reply_to_becomes_the_reply_to_of_receipts(client, db, world, make, smtp_server):
    sign_in(client, world.users["manager"])
    form = client.get(edit_url(world)).get_data(as_text=True)
    assert 'name="reply_to_email"' in form
    data = {**VALID, "reply_to_email": "Care@Sunrise.example.org "}
    assert client.post(edit_url(world), data=data).status_code == 302
    org = fresh(db, Organization, world.org)
    assert org.reply_to_email == "Care@Sunrise.example.org"
    assert 'value="Care@Sunrise.example.org"' in client.get(edit_url(world)).get_data(True)

    campaign = make.campaign(organization=org, slug="reply-to-clinic")
    gift = make.donation(campaign, amount_minor=2500, source=DonationSource.STRIPE)
    assert deliver(client, session_event("checkout.session.completed", gift)).status_code == 200
    [receipt] = smtp_server.messages
    assert receipt["Reply-To"] == "Care@Sunrise.example.org"
    assert "your reply goes to Sunrise Relief" in receipt.get_body(("plain",)).get_content()


def test_without_a_reply_to_receipts_say_replies_are_not_read(client, db, world, make, smtp_server):
    sign_in(client, world.users["manager"])
    client.post(edit_url(world), data={**VALID, "reply_to_email": "care@sunrise.example.org"})
    assert client.post(edit_url(world), data={**VALID, "reply_to_email": ""}).status_code == 302
    org = fresh(db, Organization, world.org)
    assert org.reply_to_email is None
    campaign = make.campaign(organization=org, slug="no-reply-clinic")
    gift = make.donation(campaign, amount_minor=2500, source=DonationSource.STRIPE)
    deliver(client, session_event("checkout.session.completed", gift))
    [receipt] = smtp_server.messages
    assert receipt["Reply-To"] is None
    assert "replies are not read" in receipt.get_body(("plain",)).get_content()


@pytest.mark.parametrize(
    "value", ["care at sunrise", "Care <care@sunrise.example.org>", "a@b@c.org", "care@"]
)
def test_a_reply_to_that_is_not_one_address_is_refused(client, db, world, value):
    sign_in(client, world.users["manager"])
    response = client.post(edit_url(world), data={**VALID, "reply_to_email": value})
    assert response.status_code == 422
    assert 'id="reply_to_email-error"' in response.get_data(as_text=True)
    assert fresh(db, Organization, world.org).reply_to_email is None


def test_the_service_refuses_a_bad_reply_to_too(db, world):
    from campaigns.admin.organizations import save_organization
    from campaigns.catalog import ContentError

    org = db.session.get(Organization, world.org)
    with pytest.raises(ContentError) as refused:
        save_organization(org, {**VALID, "reply_to_email": "Care <care@sunrise.example.org>"})
    assert "reply_to_email" in refused.value.errors
