"""What admins really type, from the organizations' own documents, is refused clearly."""

from datetime import date

import pytest

from campaigns.catalog import (
    ContentError,
    campaign_errors,
    parse_date,
    slugify,
    unique_slug,
    validate_campaign,
)
from campaigns.models import Campaign, DonationTier


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2021-12-10", date(2021, 12, 10)),
        ("2021/12/10", date(2021, 12, 10)),
        ("10/12/2021", date(2021, 12, 10)),
        ("١٠/١٢/٢٠٢١", date(2021, 12, 10)),
    ],
)
def test_parse_date_reads_the_forms_admins_use(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["2021/00/19", "31/02/2022", "2021-13-01", "yesterday", ""])
def test_parse_date_refuses_impossible_dates(app, text):
    with app.test_request_context(), pytest.raises(ValueError) as info:
        parse_date(text)
    assert "date" in str(info.value).lower()


def test_end_before_start_is_refused(make, app):
    campaign = make.campaign()
    campaign.starts_on, campaign.ends_on = parse_date("27/03/2024"), parse_date("15/12/2023")
    with app.test_request_context():
        errors = campaign_errors(campaign)
    assert errors["ends_on"] == "The end date is before the start date."


def test_completed_project_period_in_reverse_is_refused(make, app):
    campaign = make.campaign(implemented_from=date(2024, 3, 27))
    campaign.implemented_to = date(2023, 12, 15)
    with app.test_request_context():
        assert "implemented_to" in campaign_errors(campaign)


@pytest.mark.parametrize("goal", [0, -100])
def test_goal_of_zero_or_less_is_refused(make, app, goal):
    campaign = make.campaign()
    campaign.goal_minor = goal
    with app.test_request_context(), pytest.raises(ContentError) as info:
        validate_campaign(campaign)
    assert info.value.errors["goal_minor"] == "The goal must be greater than zero."


@pytest.mark.parametrize("amounts", [(0, 1000), (-500,), (1000, 1000)])
def test_tiers_of_zero_or_repeated_are_refused(make, app, amounts):
    campaign = make.campaign(tiers=())
    for amount in amounts:
        campaign.tiers.append(DonationTier(amount_minor=amount))
    with app.test_request_context():
        assert "tiers" in campaign_errors(campaign)


def test_duplicate_slug_is_refused(make, app, db):
    make.campaign(slug="water-for-hajin")
    other = make.campaign()
    other.slug = "water-for-hajin"
    with app.test_request_context():
        errors = campaign_errors(other)
    assert "slug" in errors
    assert "already" in errors["slug"]


def test_unique_slug_finds_a_free_address(make, app, db):
    make.campaign(slug="water-for-hajin")
    with app.test_request_context():
        assert unique_slug(Campaign, "water-for-hajin") == "water-for-hajin-2"
        assert unique_slug(Campaign, "school-desks") == "school-desks"


def test_slugify_title():
    assert slugify("Medical support: Damascus & its countryside") == (
        "medical-support-damascus-its-countryside"
    )
    assert slugify("دعم طبي") == ""


def test_unknown_currency_is_refused(make, app):
    campaign = make.campaign()
    campaign.currency = "XYZ"
    with app.test_request_context():
        assert "currency" in campaign_errors(campaign)


def test_currency_cannot_change_once_there_are_donations(make, app):
    campaign = make.campaign(currency="USD")
    make.donation(campaign)
    campaign.currency = "EUR"
    with app.test_request_context():
        assert campaign_errors(campaign)["currency"] == (
            "The currency cannot change once the campaign has donations."
        )


def test_currency_may_change_before_any_donation(make, app):
    campaign = make.campaign(currency="USD")
    campaign.currency = "EUR"
    with app.test_request_context():
        assert campaign_errors(campaign) == {}


def test_database_refuses_what_slips_past_the_service(make, db):
    """The CHECK constraint is the last line: a goal of zero never reaches the table."""
    import sqlalchemy as sa

    campaign = make.campaign()
    campaign.goal_minor = 0
    with pytest.raises(sa.exc.IntegrityError):
        db.session.flush()
    db.session.rollback()
