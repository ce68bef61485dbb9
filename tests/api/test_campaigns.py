"""The read-only JSON API: the same public campaigns as the pages, in a stable shape."""

from __future__ import annotations

from datetime import date, timedelta

from campaigns.models import CampaignState, OfflineMethod
from campaigns.payments import ledger


def test_campaign_detail_shape(client, make):
    org = make.organization(slug="al-seraj", name_en="Al-Seraj", name_ar="السراج")
    campaign = make.campaign(
        organization=org,
        slug="medical-support",
        title_en="Medical support",
        title_ar="الدعم الطبي",
        goal_minor=1_000_000_00,
        starts_on=date(2012, 11, 1),
        ends_on=date.today() + timedelta(days=5),
        tiers=(10_00, 20_00),
    )
    campaign.tiers[0].description_ar = "ضمادات"
    ledger.record_offline_gift(
        campaign,
        350_000_00,
        donor_name="A donor",
        method=OfflineMethod.BANK_TRANSFER,
        reference="T-1",
        received_on=date.today(),
    )

    response = client.get("/api/v1/campaigns/medical-support")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    data = response.get_json()
    assert data["slug"] == "medical-support"
    assert data["title"] == {"en": "Medical support", "ar": "الدعم الطبي"}
    assert data["state"] == "published"
    assert data["status"] == "active"
    assert data["currency"] == "USD"
    assert data["goal_minor"] == 100_000_000 and data["goal_formatted"] == "$1,000,000.00"
    assert data["raised_minor"] == 35_000_000 and data["raised_formatted"] == "$350,000.00"
    assert data["percent"] == 35
    assert data["donor_count"] == 1
    assert data["start"] == "2012-11-01"
    assert data["end"] == (date.today() + timedelta(days=5)).isoformat()
    assert data["organization"]["slug"] == "al-seraj"
    assert data["url"].endswith("/campaigns/medical-support")
    assert data["tiers"] == [
        {
            "amount_minor": 1000,
            "formatted": "$10.00",
            "description": {"en": "Helps.", "ar": "ضمادات"},
        },
        {"amount_minor": 2000, "formatted": "$20.00", "description": {"en": "Helps.", "ar": None}},
    ]
    assert isinstance(data["goal_minor"], int) and isinstance(data["raised_minor"], int)


def test_open_ended_campaign_has_a_null_end(client, make):
    campaign = make.campaign(ends_on=None)
    assert client.get(f"/api/v1/campaigns/{campaign.slug}").get_json()["end"] is None


def test_list_holds_only_public_campaigns(client, make):
    shown = {make.campaign().slug, make.campaign(state=CampaignState.CLOSED).slug}
    hidden = {
        make.campaign(state=CampaignState.DRAFT).slug,
        make.campaign(state=CampaignState.ARCHIVED).slug,
    }
    data = client.get("/api/v1/campaigns?per_page=100").get_json()
    slugs = {c["slug"] for c in data["campaigns"]}
    assert shown <= slugs
    assert not hidden & slugs
    assert data["total"] == len(slugs)
    for item in data["campaigns"]:
        assert {"slug", "title", "state", "currency", "goal_minor", "raised_minor",
                "goal_formatted", "raised_formatted", "donor_count", "start", "end",
                "tiers"} <= item.keys()  # fmt: skip


def test_list_is_paginated_and_capped(client, make):
    org = make.organization()
    for _ in range(5):
        make.campaign(organization=org)
    first = client.get(f"/api/v1/campaigns?organization={org.slug}&per_page=2").get_json()
    assert (first["page"], first["per_page"], first["total"], first["pages"]) == (1, 2, 5, 3)
    assert len(first["campaigns"]) == 2
    assert first["prev"] is None
    second = client.get(first["next"].removeprefix("http://localhost")).get_json()
    assert second["page"] == 2
    assert not {c["slug"] for c in first["campaigns"]} & {c["slug"] for c in second["campaigns"]}
    assert client.get("/api/v1/campaigns?per_page=5000").get_json()["per_page"] == 100


def test_unknown_and_draft_slugs_are_json_404s(client, make):
    draft = make.campaign(state=CampaignState.DRAFT)
    for slug in (draft.slug, "no-such-campaign"):
        response = client.get(f"/api/v1/campaigns/{slug}")
        assert response.status_code == 404
        assert response.mimetype == "application/json"
        assert response.get_json()["error"] == "Not Found"
