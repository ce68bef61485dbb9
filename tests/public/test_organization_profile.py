"""Who stands behind a campaign: the organization's registration and contact details, on
its page and beside the donate form, in both languages; what is empty is not shown."""

from __future__ import annotations

import re

import pytest

PROFILE = {
    "legal_name_en": "Hope Relief Association",
    "legal_name_ar": "جمعية أمل للإغاثة",
    "registration_country": "SY",
    "registration_authority_en": "Ministry of Social Affairs and Labour",
    "registration_authority_ar": "وزارة الشؤون الاجتماعية والعمل",
    "registration_number": "1234/2018",
    "address_en": "12 Baghdad Street\nDamascus",
    "address_ar": "12 شارع بغداد\nدمشق",
    "contact_email": "contact@hope-relief.example.org",
    "phone": "+963 11 123 4567",
    "website": "https://www.hope-relief.example.org/",
    "facebook_url": "https://www.facebook.com/hope.relief",
    "telegram_url": "https://t.me/hope_relief",
}


def get(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def section(html: str, heading_id: str) -> str:
    """The <section> labelled by ``heading_id``."""
    match = re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)
    assert match, heading_id
    return match.group(0)


@pytest.fixture
def organization(make, db):
    org = make.organization(slug="hope", name_en="Hope Relief", name_ar="أمل", **PROFILE)
    db.session.commit()
    return org


def test_the_organization_page_shows_who_it_is_in_english(client, organization):
    block = section(get(client, "/organizations/hope"), "profile-heading")
    assert "Registration and contact" in block
    assert "Hope Relief Association" in block
    assert "<dd>Syria</dd>" in block
    assert "Ministry of Social Affairs and Labour" in block
    assert '<bdi dir="ltr" translate="no">1234/2018</bdi>' in block
    assert "12 Baghdad Street<br>Damascus" in block
    assert 'href="mailto:contact@hope-relief.example.org"' in block
    assert 'href="tel:+963111234567"' in block
    assert 'href="https://www.hope-relief.example.org/"' in block
    assert ">hope-relief.example.org</a>" in block
    assert (
        '<a href="https://www.facebook.com/hope.relief" rel="noopener noreferrer">Facebook' in block
    )
    assert '<a href="https://t.me/hope_relief" rel="noopener noreferrer">Telegram' in block


def test_the_organization_page_shows_who_it_is_in_arabic(client, organization):
    block = section(get(client, "/ar/organizations/hope"), "profile-heading")
    assert "التسجيل والتواصل" in block
    assert "جمعية أمل للإغاثة" in block
    assert "<dd>سوريا</dd>" in block
    assert "وزارة الشؤون الاجتماعية والعمل" in block
    assert "12 شارع بغداد<br>دمشق" in block
    assert "Hope Relief Association" not in block
    assert 'href="mailto:contact@hope-relief.example.org" dir="ltr"' in block


def test_an_arabic_page_shows_english_texts_marked_where_no_arabic_exists(client, make, db):
    make.organization(
        slug="plain",
        legal_name_en="Plain Aid Ltd",
        address_en="1 Main Road",
        registration_authority_en="Companies House",
    )
    db.session.commit()
    block = section(get(client, "/ar/organizations/plain"), "profile-heading")
    assert '<span lang="en" dir="ltr">Plain Aid Ltd</span>' in block
    assert '<address lang="en" dir="ltr">1 Main Road</address>' in block


def test_empty_fields_are_not_shown(client, make, db):
    make.organization(slug="bare", name_en="Bare Org", registration_number="77")
    campaign = make.campaign(organization=make.organization(slug="empty"), slug="bare-appeal")
    db.session.commit()
    html = get(client, "/organizations/bare")
    block = section(html, "profile-heading")
    assert "Registration number" in block
    for label in ("Legal name", "Registered in", "Registered with", "Address", "Email",
                  "Phone", "Website", "Find us on"):  # fmt: skip
        assert label not in block, label
    # An organization with nothing filled in has no such section at all ...
    assert "profile-heading" not in get(client, "/organizations/empty")
    # ... and beside its donate form only its name and the link to its page.
    behind = section(get(client, f"/campaigns/{campaign.slug}"), "behind-heading")
    assert "<dl" not in behind
    assert 'href="/organizations/empty"' in behind


@pytest.mark.parametrize(
    ("prefix", "heading", "country", "more"),
    [
        ("", "Who is behind this campaign", "Syria", "More about this organization"),
        ("/ar", "من يقف وراء هذه الحملة", "سوريا", "المزيد عن هذه المنظمة"),
    ],
)
def test_the_donate_form_has_who_is_behind_the_campaign(
    client, make, db, organization, prefix, heading, country, more
):
    campaign = make.campaign(organization=organization, slug="wells")
    db.session.commit()
    for url in (
        f"{prefix}/campaigns/{campaign.slug}",
        f"{prefix}/campaigns/{campaign.slug}/donate",
    ):
        html = get(client, url)
        behind = section(html, "behind-heading")
        assert heading in behind
        assert f"<dd>{country}</dd>" in behind
        assert "1234/2018" in behind
        assert "contact@hope-relief.example.org" in behind
        assert f'href="{prefix}/organizations/hope"' in behind
        assert more in behind
        # The compact block leaves the address and the social links to the organization's page.
        assert "Baghdad" not in behind and "facebook.com" not in behind
