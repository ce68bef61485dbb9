"""Fixtures of the monthly gift tests: a campaign, and a monthly gift given and paid."""

from __future__ import annotations

import pytest

from campaigns.models import Donation


@pytest.fixture
def campaign(make):
    return make.campaign(tiers=(1000, 2500))


def give_monthly(client, db, campaign, *, lang: str = "en", amount: str = "25") -> Donation:
    """A monthly gift through the donate form; with the test gateway, paid on its page."""
    prefix = f"/{lang}" if lang != "en" else ""
    response = client.post(
        f"{prefix}/campaigns/{campaign.slug}/donate",
        data={
            "amount": amount,
            "frequency": "monthly",
            "name": "Sami",
            "email": "sami@example.org",
        },
    )
    assert response.status_code == 303, response.text
    donation = (
        db.session.query(Donation)
        .filter_by(campaign_id=campaign.id)
        .order_by(Donation.id.desc())
        .first()
    )
    if "/test-checkout/" in response.headers["Location"]:
        paid = client.post(f"/test-checkout/{donation.reference}", data={"action": "pay"})
        assert paid.status_code == 303
        db.session.refresh(donation)
    return donation


@pytest.fixture
def monthly_gift(client, db, campaign) -> Donation:
    """A paid monthly gift of 25.00 USD through the test gateway, given in English."""
    return give_monthly(client, db, campaign)
