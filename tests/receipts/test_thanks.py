"""The thank-you page: what the gift does, sharing the campaign, managing a monthly gift."""

from __future__ import annotations

from campaigns.models import CampaignState, DonationStatus, Frequency
from campaigns.receipts import thanks


def page(client, donation, prefix="") -> str:
    response = client.get(f"{prefix}/donations/{donation.reference}/thanks")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_gift_of_a_preset_amount_says_what_it_does(client, make, campaign):
    tier = next(t for t in campaign.tiers if t.amount_minor == 2000)
    tier.description_en = "Clean water for a family for a month."
    tier.description_ar = "مياه نظيفة لأسرة لمدة شهر."
    gift = make.donation(campaign, amount_minor=2000, status=DonationStatus.SUCCEEDED)
    assert "What your gift does: Clean water for a family for a month." in page(client, gift)
    assert "ما يفعله تبرعك: مياه نظيفة لأسرة لمدة شهر." in page(client, gift, "/ar")


def test_a_custom_amount_claims_nothing(client, make, campaign):
    gift = make.donation(campaign, amount_minor=1234, status=DonationStatus.SUCCEEDED)
    assert "What your gift does" not in page(client, gift)


def test_the_page_offers_the_campaign_share_links(client, make, campaign):
    gift = make.donation(campaign, status=DonationStatus.SUCCEEDED)
    html = page(client, gift)
    assert "Tell others about Clean water" in html
    assert "https://wa.me/?text=Clean%20water%20http%3A%2F%2Flocalhost%2Fcampaigns%2F" in html


def test_a_campaign_that_is_not_public_is_not_offered_for_sharing(client, make, campaign):
    gift = make.donation(campaign, status=DonationStatus.SUCCEEDED)
    campaign.state = CampaignState.DRAFT
    html = page(client, gift)
    assert "Tell others" not in html and "wa.me" not in html


def test_a_monthly_gift_links_to_its_management_page(client, make, campaign):
    gift = make.donation(campaign, status=DonationStatus.SUCCEEDED, frequency=Frequency.MONTHLY)
    link = thanks.manage_url(gift)
    assert link is not None and "/monthly/" in link
    html = page(client, gift)
    assert "Manage your monthly gift" in html
    assert f'href="{link}"' in html


def test_a_one_time_gift_has_no_management_link(client, make, campaign):
    gift = make.donation(campaign, status=DonationStatus.SUCCEEDED, frequency=Frequency.ONCE)
    assert thanks.manage_url(gift) is None
    assert "Manage your monthly gift" not in page(client, gift)
