"""The cancel page fills in only what the donor who just left the payment page needs."""

import pytest

from campaigns.models import CampaignState, DonationStatus


def cancelled(client, donation):
    response = client.get(f"/donations/{donation.reference}/cancelled")
    assert response.status_code == 200
    return response


def test_a_waiting_gift_is_filled_in_and_never_cached(client, make):
    campaign = make.campaign(tiers=(1000, 2000))
    donation = make.donation(campaign, donor_name="Lina Haddad", donor_email="lina@example.org")
    response = cancelled(client, donation)
    html = response.get_data(as_text=True)
    assert 'value="Lina Haddad"' in html and 'value="lina@example.org"' in html
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Referrer-Policy"] == "no-referrer"


@pytest.mark.parametrize(
    "status",
    [DonationStatus.SUCCEEDED, DonationStatus.FAILED, DonationStatus.EXPIRED],
)
@pytest.mark.parametrize("anonymous", [False, True])
def test_a_settled_gift_shows_neither_name_nor_email(client, make, status, anonymous):
    campaign = make.campaign(tiers=(1000, 2000))
    donation = make.donation(
        campaign,
        status=status,
        anonymous=anonymous,
        donor_name="Khaled Mansour",
        donor_email="khaled@example.org",
    )
    response = cancelled(client, donation)
    html = response.get_data(as_text=True)
    assert 'value="Khaled Mansour"' not in html
    assert "khaled@example.org" not in html
    if anonymous:
        assert "Khaled" not in html
    assert response.headers["Cache-Control"] == "no-store"
    # The gift itself is still there to give again.
    assert 'value="5000"' not in html and 'value="50.00"' in html


def test_the_cancel_page_of_a_hidden_campaign_is_not_found(client, make):
    campaign = make.campaign(state=CampaignState.ARCHIVED)
    donation = make.donation(campaign)
    assert client.get(f"/donations/{donation.reference}/cancelled").status_code == 404
