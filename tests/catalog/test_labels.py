"""One name per sector, category and state, the same on public pages, in the admin console
and in the API."""

from campaigns.admin.forms import CampaignForm, UpdateForm
from campaigns.catalog import labels
from campaigns.models import CampaignState, Sector, UpdateCategory


def _choice_labels(field) -> dict[str, str]:
    return {choice.value: str(choice.label) for choice in field.choices}


def test_admin_forms_offer_the_public_names(app):
    with app.test_request_context():
        sectors = _choice_labels(CampaignForm(meta={"csrf": False}).sector)
        categories = _choice_labels(UpdateForm(meta={"csrf": False}).category)
    assert sectors == {s.value: labels.sector_label(s) for s in Sector}
    assert sectors["education"] == "Education, protection and psychosocial support"
    assert sectors["peace"] == "Community security and peace"
    assert categories == {c.value: labels.category_label(c) for c in UpdateCategory}
    assert categories["aid_development"] == "Aid & Development"


def test_every_member_of_each_enum_has_a_name():
    assert set(labels.SECTOR_LABELS) == set(Sector)
    assert set(labels.CATEGORY_LABELS) == set(UpdateCategory)
    assert set(labels.STATE_LABELS) == set(CampaignState)


def test_the_api_names_the_sector_in_both_languages(client, make):
    campaign = make.campaign(sector=Sector.EDUCATION)
    for language in ("en", "ar"):
        response = client.get(
            f"/api/v1/campaigns/{campaign.slug}", headers={"Accept-Language": language}
        )
        assert response.get_json()["sector_name"] == {
            "en": "Education, protection and psychosocial support",
            "ar": "التعليم والحماية والدعم النفسي والاجتماعي",
        }
    listed = client.get("/api/v1/campaigns").get_json()["campaigns"]
    assert {c["slug"]: c["sector_name"]["en"] for c in listed}[campaign.slug] == (
        "Education, protection and psychosocial support"
    )


def test_the_campaign_page_and_the_list_use_the_same_sector_name(client, make):
    campaign = make.campaign(sector=Sector.PEACE)
    page = client.get(f"/campaigns/{campaign.slug}").get_data(as_text=True)
    listing = client.get("/campaigns/").get_data(as_text=True)
    assert "Community security and peace" in page
    assert "Community security and peace" in listing
    assert "Peacebuilding" not in page + listing
