"""Links that leave the site are built on the address fixed at start-up: a forged ``Host``
header never appears in the API's links, a page's canonical and Open Graph addresses, its
share links or Stripe's return URLs."""

from __future__ import annotations

import json

from campaigns.payments import services

FORGED = {"Host": "evil.example"}


def test_api_links_ignore_a_forged_host(client, make):
    org = make.organization()
    for _ in range(3):
        make.campaign(organization=org)
    response = client.get(f"/api/v1/campaigns?organization={org.slug}&per_page=1", headers=FORGED)
    body = response.get_json()
    assert "evil" not in json.dumps(body)
    assert body["next"].startswith("http://localhost/api/v1/campaigns?")
    assert body["campaigns"][0]["url"].startswith("http://localhost/campaigns/")
    second = client.get(body["next"].removeprefix("http://localhost"), headers=FORGED).get_json()
    assert second["prev"].startswith("http://localhost/api/v1/campaigns?")
    detail = client.get(f"/api/v1/campaigns/{org.campaigns[0].slug}", headers=FORGED)
    assert detail.get_json()["url"].startswith("http://localhost/campaigns/")


def test_campaign_page_links_ignore_a_forged_host(client, make, app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://give.example.org")
    campaign = make.campaign(title_en="Water for Hajin")
    response = client.get(f"/ar/campaigns/{campaign.slug}", headers=FORGED)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "evil.example" not in html
    expected = f"https://give.example.org/ar/campaigns/{campaign.slug}"
    assert f'<link rel="canonical" href="{expected}">' in html
    assert f'<meta property="og:url" content="{expected}">' in html
    assert "https%3A%2F%2Fgive.example.org%2Far%2Fcampaigns%2F" in html  # share links


def test_return_urls_ignore_a_forged_host(app, db, make):
    campaign = make.campaign()
    donation = make.donation(campaign)
    with app.test_request_context("/campaigns/x/donate", headers=FORGED):
        urls = services.return_urls(donation)
    assert urls.success == f"http://localhost/donations/{donation.reference}/thanks"
    assert urls.cancel == f"http://localhost/donations/{donation.reference}/cancelled"
