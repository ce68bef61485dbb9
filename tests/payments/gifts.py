"""Giving through the donate form, as the payment tests do it."""

from __future__ import annotations

from campaigns.models import Donation


def gift(**overrides) -> dict:
    data = {"amount": "25", "frequency": "once", "name": "Sami", "email": "sami@example.org"}
    data.update(overrides)
    return data


def donate(client, db, campaign, **overrides):
    response = client.post(f"/campaigns/{campaign.slug}/donate", data=gift(**overrides))
    donation = (
        db.session.query(Donation)
        .filter_by(campaign_id=campaign.id)
        .order_by(Donation.id.desc())
        .first()
    )
    return response, donation
