"""What the thank-you page shows beside the gift's state: what the gift does, where to
share the campaign, and where a monthly donor manages their gift."""

from __future__ import annotations

from flask import url_for

from campaigns.catalog.visibility import is_public
from campaigns.i18n import localized
from campaigns.models import Donation, DonationTier, Frequency
from campaigns.urls import absolute


def thank_you_context(donation: Donation) -> dict:
    # Imported here: the payments package imports this module for its thank-you view.
    from campaigns.payments.campaign_page import share_links

    campaign = donation.campaign
    shareable = is_public(campaign)
    page_url = absolute(url_for("public.campaign_page", slug=campaign.slug))
    return {
        "donation": donation,
        "campaign": campaign,
        "tier": matching_tier(donation),
        "share_links": share_links(str(localized(campaign, "title")), page_url)
        if shareable
        else [],
        "manage_url": manage_url(donation),
    }


def matching_tier(donation: Donation) -> DonationTier | None:
    """The campaign's preset gift of this amount, when it says what that amount does."""
    for tier in donation.campaign.tiers:
        if tier.amount_minor == donation.amount_minor and (
            tier.description_en or tier.description_ar
        ):
            return tier
    return None


def manage_url(donation: Donation) -> str | None:
    """The signed link to the page where a monthly donor stops or changes the gift."""
    if donation.frequency != Frequency.MONTHLY:
        return None
    from campaigns.monthly.links import manage_url as monthly_link

    return monthly_link(donation)
