"""The rules on what a campaign or an update says of its source: an external report's
source and its link, and a period marked as unclear."""

from __future__ import annotations

from datetime import date

import pytest

from campaigns.catalog import ContentError, writes
from campaigns.catalog.rules import campaign_errors, source_url_error, update_source_errors
from campaigns.models import DatePrecision


@pytest.mark.parametrize(
    "url",
    [
        "https://www.enabbaladi.net/archives/1",
        "http://example.org",
        "HTTPS://Example.ORG/a?b=c#d",
        "https://news.example.org:8443/2021/12/wells",
    ],
)
def test_http_and_https_addresses_of_a_real_host_are_accepted(app, url):
    assert source_url_error(url) is None


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://example.org/file",
        "www.example.org",
        "//example.org/path",
        "https://",
        "https://localhost/",
        "https://exa mple.org/",
        "https://user:secret@example.org/",
        "https://[::1/",
        "https://example.org/" + "a" * 490,
    ],
)
def test_other_addresses_are_refused(app, url):
    assert source_url_error(url)


def test_a_source_is_named_only_for_an_external_report(app):
    assert update_source_errors(True, "Enab Baladi", "https://enabbaladi.net/1") == {}
    assert update_source_errors(True, "Enab Baladi", None) == {}
    assert update_source_errors(True, None, None) == {}
    assert update_source_errors(False, None, None) == {}
    assert set(update_source_errors(False, "Enab Baladi", None)) == {"external_report"}
    assert set(update_source_errors(True, None, "https://enabbaladi.net/1")) == {"source_name"}
    assert set(update_source_errors(True, "N" * 201, None)) == {"source_name"}
    assert set(update_source_errors(True, "N" * 200, None)) == set()


def test_a_service_call_with_a_bad_source_saves_nothing(app, db, make):
    organization = make.organization()
    data = {
        "category": "news",
        "title_en": "From the paper",
        "body_en": "Text.",
        "external_report": True,
        "source_name": "The paper",
        "source_url": "javascript:alert(1)",
    }
    with pytest.raises(ContentError) as refused:
        writes.save_update(None, data, organization=organization, campaign=None)
    assert set(refused.value.errors) == {"source_url"}
    saved = writes.save_update(
        None,
        {**data, "source_url": " https://paper.example.org/1 "},
        organization=organization,
        campaign=None,
    )
    assert (saved.external_report, saved.source_url) == (True, "https://paper.example.org/1")


def test_dates_unclear_only_with_a_period(make, app):
    campaign = make.campaign(
        goal_minor=None, completed_project=True, implemented_precision=DatePrecision.UNCLEAR
    )
    assert "implemented_precision" in campaign_errors(campaign)
    campaign.implemented_from = date(2021, 1, 1)
    assert "implemented_precision" not in campaign_errors(campaign)
    campaign.implemented_from = None
    campaign.implemented_precision = DatePrecision.YEAR
    assert "implemented_precision" not in campaign_errors(campaign)
