"""Fixtures of the receipt tests: an organization with a full profile, and its campaign."""

from __future__ import annotations

import pytest

from campaigns.models import DonationSource


@pytest.fixture
def organization(make):
    return make.organization(
        name_en="Deir Relief",
        name_ar="إغاثة الدير",
        legal_name_en="Deir Relief Association",
        legal_name_ar="جمعية إغاثة الدير",
        registration_number="DZ-2019-0042",
        address_en="12 River Street\nDeir ez-Zor",
        address_ar="١٢ شارع النهر\nدير الزور",
    )


@pytest.fixture
def campaign(make, organization):
    return make.campaign(organization=organization, title_en="Clean water", title_ar="مياه نظيفة")


@pytest.fixture
def gift(make, campaign):
    return make.donation(
        campaign, amount_minor=4000, source=DonationSource.STRIPE, donor_name="Sami"
    )


@pytest.fixture
def inbox(smtp_server):
    """What the site's SMTP server has received."""
    return smtp_server.messages
