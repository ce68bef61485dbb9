"""The API says what the pages say: an example campaign is one, and a project period whose
dates are unclear is not given as exact days."""

from __future__ import annotations

from datetime import date

from campaigns.models import CampaignState, DatePrecision


def test_an_example_campaign_and_an_unclear_period_are_said_so(client, make):
    example = make.campaign(is_example=True)
    real = make.campaign()
    project = make.campaign(
        state=CampaignState.CLOSED,
        goal_minor=None,
        tiers=(),
        starts_on=date(2021, 1, 1),
        ends_on=date(2021, 12, 31),
        implemented_from=date(2021, 1, 1),
        implemented_to=date(2021, 12, 31),
        implemented_precision=DatePrecision.UNCLEAR,
        completed_project=True,
    )
    listed = {c["slug"]: c for c in client.get("/api/v1/campaigns").get_json()["campaigns"]}
    assert listed[example.slug]["is_example"] is True
    assert listed[real.slug]["is_example"] is False
    detail = client.get(f"/api/v1/campaigns/{project.slug}").get_json()["completed_project"]
    assert detail["precision"] == "unclear"
    assert (detail["implemented_from"], detail["implemented_to"]) == ("2021-01-01", "2021-12-31")
    exact = client.get(f"/api/v1/campaigns/{real.slug}").get_json()["completed_project"]
    assert exact is None
