"""The console sets what the public pages say when a campaign, a figure or an update is not
the organization's own exact word: an example campaign, a completed project with unclear
dates, a note beside an impact figure, a report written outside the organization and its
source. Each is saved through its form and seen on the public page; bad input is refused
beside its field and nothing is saved."""

from __future__ import annotations

import html as html_lib
import json
import re

import pytest

from campaigns.models import AuditEntry, Campaign, DatePrecision, ImpactFigure, Update
from tests.admin.world import campaign_form, fresh, request, sign_in


def error_beside(page: str, field: str) -> str:
    """The error text shown under ``field``, or fail if there is none."""
    match = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', page)
    assert match, f"no error beside {field}"
    return html_lib.unescape(match.group(1))


def words(markup: str) -> str:
    """The page's text as a reader sees it: no tags, single spaces."""
    text = re.sub(r"<[^>]+>", " ", markup)
    return re.sub(r"\s+", " ", html_lib.unescape(text)).strip()


def public(client, url: str) -> str:
    response = request(client, "GET", url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def edit(client, campaign_id: int, db, **changes):
    data = campaign_form(fresh(db, Campaign, campaign_id), **changes)
    return client.post(f"/admin/campaigns/{campaign_id}/edit", data=data)


# Example campaigns -------------------------------------------------------------------------


def test_an_editor_marks_an_example_and_the_public_page_says_so(client, db, world):
    sign_in(client, world.users["editor"])
    assert "Example campaign" not in public(client, "/campaigns/clinic")
    form = client.get(f"/admin/campaigns/{world.campaign}/edit").get_data(as_text=True)
    assert 'name="is_example"' in form
    assert 'name="featured"' not in form  # the home page stays the platform's choice

    assert edit(client, world.campaign, db, is_example="y").status_code == 302
    assert fresh(db, Campaign, world.campaign).is_example is True
    page = words(public(client, "/campaigns/clinic"))
    assert "Example campaign" in page
    assert "It is not a real appeal." in page
    listed = words(public(client, "/campaigns/"))
    assert "Example campaign" in listed
    entry = db.session.query(AuditEntry).filter_by(action="campaign.edit").one()
    assert "is_example" in json.loads(entry.detail)["fields"]

    again = client.get(f"/admin/campaigns/{world.campaign}/edit").get_data(as_text=True)
    assert re.search(
        r'<input[^>]*checked[^>]*name="is_example"|name="is_example"[^>]*checked', again
    )
    assert edit(client, world.campaign, db).status_code == 302  # the box left unticked
    assert fresh(db, Campaign, world.campaign).is_example is False
    assert "Example campaign" not in public(client, "/campaigns/clinic")


def test_the_example_box_is_labelled_in_arabic(client, manager):
    page = client.get(f"/ar/admin/campaigns/{manager.campaign}/edit").get_data(as_text=True)
    assert "حملة توضيحية، لا نداء حقيقي" in page
    assert "هذا مشروع منجز" in page
    assert "التواريخ غير واضحة" in page


# Completed projects and their dates --------------------------------------------------------


def project_form(campaign, **changes):
    project = {
        "goal": "",
        "completed_project": "y",
        "implemented_from": "2021-01-19",
        "implemented_to": "2021-12-31",
        "implemented_precision": "unclear",
    }
    return campaign_form(campaign, **{**project, **changes})


def test_a_completed_project_with_unclear_dates_shows_its_year(client, db, manager):
    url = f"/admin/campaigns/{manager.campaign}/edit"
    response = client.post(url, data=project_form(fresh(db, Campaign, manager.campaign)))
    assert response.status_code == 302, error_texts(response)
    saved = fresh(db, Campaign, manager.campaign)
    assert saved.completed_project is True
    assert saved.goal_minor is None
    assert saved.implemented_precision is DatePrecision.UNCLEAR
    page = public(client, "/campaigns/clinic")
    assert "2021 (dates unclear)" in words(page)
    assert "19 January" not in words(page)  # the day as typed is not claimed
    assert "2021 (التواريخ غير واضحة)" in words(public(client, "/ar/campaigns/clinic"))
    form = client.get(url).get_data(as_text=True)
    assert re.search(r'<option selected value="unclear">|<option value="unclear" selected', form)


def test_the_other_precisions_show_the_month_or_the_day(client, db, manager):
    url = f"/admin/campaigns/{manager.campaign}/edit"
    data = project_form(fresh(db, Campaign, manager.campaign), implemented_precision="month")
    assert client.post(url, data=data).status_code == 302
    assert "January 2021 to December 2021" in words(public(client, "/campaigns/clinic"))
    data = project_form(fresh(db, Campaign, manager.campaign), implemented_precision="day")
    assert client.post(url, data=data).status_code == 302
    assert "19 January 2021 to 31 December 2021" in words(public(client, "/campaigns/clinic"))


def test_a_completed_project_without_period_needs_the_box_to_go_without_a_goal(client, db, manager):
    url = f"/admin/campaigns/{manager.campaign}/edit"
    bare = campaign_form(fresh(db, Campaign, manager.campaign), goal="")
    response = client.post(url, data=bare)
    assert response.status_code == 422
    assert "needs a goal" in error_beside(response.get_data(as_text=True), "goal")
    assert fresh(db, Campaign, manager.campaign).goal_minor is not None

    recorded = campaign_form(fresh(db, Campaign, manager.campaign), goal="", completed_project="y")
    assert client.post(url, data=recorded).status_code == 302
    saved = fresh(db, Campaign, manager.campaign)
    assert (saved.completed_project, saved.goal_minor, saved.implemented_from) == (True, None, None)
    assert "The project" in words(public(client, "/campaigns/clinic"))


def error_texts(response) -> list[str]:
    return re.findall(r'<p class="field-error"[^>]*>([^<]*)</p>', response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param(
            {"implemented_from": "", "implemented_to": ""},
            "implemented_precision",
            "needs the period of the work",
            id="unclear-without-period",
        ),
        pytest.param(
            {"implemented_precision": "fortnight"},
            "implemented_precision",
            "",
            id="unknown-precision",
        ),
    ],
)
def test_bad_precision_is_refused_and_nothing_saved(client, db, manager, changes, field, message):
    before = fresh(db, Campaign, manager.campaign)
    goal, title = before.goal_minor, before.title_en
    data = project_form(before, title_en="Renamed", **changes)
    response = client.post(f"/admin/campaigns/{manager.campaign}/edit", data=data)
    assert response.status_code == 422
    assert message in error_beside(response.get_data(as_text=True), field)
    after = fresh(db, Campaign, manager.campaign)
    assert (after.title_en, after.goal_minor, after.completed_project) == (title, goal, False)
    assert after.implemented_precision is DatePrecision.DAY


def test_a_copy_keeps_what_the_campaign_is(client, db, manager):
    url = f"/admin/campaigns/{manager.campaign}/edit"
    data = project_form(fresh(db, Campaign, manager.campaign), is_example="y")
    assert client.post(url, data=data).status_code == 302
    assert client.post(f"/admin/campaigns/{manager.campaign}/duplicate").status_code == 302
    copy = db.session.query(Campaign).filter_by(slug="clinic-copy").one()
    assert (copy.is_example, copy.completed_project) == (True, True)
    assert copy.implemented_precision is DatePrecision.UNCLEAR


# Notes beside impact figures ---------------------------------------------------------------


def test_a_note_beside_an_impact_figure_is_shown_in_each_language(client, db, manager):
    url = f"/admin/campaigns/{manager.campaign}/impact"
    data = {
        "rows-0-value": "44",
        "rows-0-label_en": "health facilities",
        "rows-0-label_ar": "منشأة صحية",
        "rows-0-detail_en": "13 hospitals, 9 centres, 4 homes and 19 points",
        "rows-0-note_en": "The breakdown adds up to 45.",
        "rows-0-note_ar": "مجموع التفصيل 45.",
    }
    assert client.post(url, data=data).status_code == 302
    figure = db.session.query(ImpactFigure).filter_by(campaign_id=manager.campaign).one()
    assert (figure.note_en, figure.note_ar) == ("The breakdown adds up to 45.", "مجموع التفصيل 45.")
    assert "44 health facilities" in words(public(client, "/campaigns/clinic"))
    assert "Note: The breakdown adds up to 45." in words(public(client, "/campaigns/clinic"))
    assert "مجموع التفصيل 45." in words(public(client, "/ar/campaigns/clinic"))
    editor = client.get(url).get_data(as_text=True)
    assert 'value="The breakdown adds up to 45."' in editor

    cleared = {"rows-0-figure_id": str(figure.id), "rows-0-value": "44"}
    cleared["rows-0-label_en"] = "health facilities"
    assert client.post(url, data=cleared).status_code == 302
    assert "Note:" not in words(public(client, "/campaigns/clinic"))


def test_an_arabic_note_alone_is_refused_and_nothing_saved(client, db, manager):
    url = f"/admin/campaigns/{manager.campaign}/impact"
    data = {
        "rows-0-value": "44",
        "rows-0-label_en": "health facilities",
        "rows-0-note_ar": "مجموع التفصيل 45.",
    }
    response = client.post(url, data=data)
    assert response.status_code == 422
    assert "in English too" in error_beside(response.get_data(as_text=True), "rows-0-note_en")
    assert db.session.query(ImpactFigure).filter_by(campaign_id=manager.campaign).count() == 0


def test_a_note_longer_than_its_column_is_refused(client, db, manager):
    url = f"/admin/campaigns/{manager.campaign}/impact"
    data = {"rows-0-value": "1", "rows-0-label_en": "wells", "rows-0-note_en": "x" * 501}
    response = client.post(url, data=data)
    assert response.status_code == 422
    error_beside(response.get_data(as_text=True), "rows-0-note_en")
    assert db.session.query(ImpactFigure).filter_by(campaign_id=manager.campaign).count() == 0


# External reports --------------------------------------------------------------------------


def external_update(organization: int, **overrides) -> dict:
    data = {
        "organization": str(organization),
        "campaign": "0",
        "category": "news",
        "title_en": "Wells reopen in Hajin",
        "body_en": "The paper reports that the wells run again.",
        "published_at": "2024-03-27 14:30",
        "external_report": "y",
        "source_name": "Enab Baladi",
        "source_url": "https://www.enabbaladi.net/archives/1",
        "action": "save",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_an_external_report_is_labelled_and_links_to_its_source(client, db, manager):
    response = client.post("/admin/updates/new", data=external_update(manager.org))
    assert response.status_code == 302, error_texts(response)
    update = db.session.query(Update).filter_by(slug="wells-reopen-in-hajin").one()
    assert update.external_report is True
    assert (update.source_name, update.source_url) == (
        "Enab Baladi",
        "https://www.enabbaladi.net/archives/1",
    )
    page = public(client, "/updates/wells-reopen-in-hajin")
    assert "External report" in words(page)
    assert "the organization did not write it" in words(page)
    link = re.search(r'<a href="https://www\.enabbaladi\.net/archives/1"[^>]*>([^<]+)</a>', page)
    assert link and link.group(1) == "Enab Baladi"
    assert "تقرير خارجي" in words(public(client, "/ar/updates/wells-reopen-in-hajin"))

    form = client.get(f"/admin/updates/{update.id}/edit").get_data(as_text=True)
    assert 'value="Enab Baladi"' in form
    assert 'value="https://www.enabbaladi.net/archives/1"' in form


def test_a_source_may_be_named_without_a_link_or_not_at_all(client, db, manager):
    data = external_update(manager.org, source_url="")
    assert client.post("/admin/updates/new", data=data).status_code == 302
    page = words(public(client, "/updates/wells-reopen-in-hajin"))
    assert "Source: Enab Baladi" in page
    update = db.session.query(Update).filter_by(slug="wells-reopen-in-hajin").one()
    data = external_update(manager.org, source_name="", source_url="")
    del data["organization"]
    assert client.post(f"/admin/updates/{update.id}/edit", data=data).status_code == 302
    assert "The original publication is not named." in words(
        public(client, "/updates/wells-reopen-in-hajin")
    )


def test_an_update_that_is_no_longer_external_loses_the_label(client, db, manager):
    assert client.post("/admin/updates/new", data=external_update(manager.org)).status_code == 302
    update = db.session.query(Update).filter_by(slug="wells-reopen-in-hajin").one()
    data = external_update(manager.org, external_report=None, source_name="", source_url="")
    del data["organization"]
    assert client.post(f"/admin/updates/{update.id}/edit", data=data).status_code == 302
    assert fresh(db, Update, update.id).external_report is False
    assert "External report" not in words(public(client, "/updates/wells-reopen-in-hajin"))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        pytest.param(
            {"source_url": "javascript:alert(1)"}, "source_url", "https://", id="script-url"
        ),
        pytest.param({"source_url": "ftp://example.org/a"}, "source_url", "https://", id="ftp"),
        pytest.param({"source_url": "www.example.org/a"}, "source_url", "https://", id="no-scheme"),
        pytest.param({"source_url": "https://exa mple.org/"}, "source_url", "https://", id="space"),
        pytest.param({"source_url": "https://user:pw@example.org/"}, "source_url", "", id="creds"),
        pytest.param(
            {"source_url": "https://example.org/" + "a" * 500}, "source_url", "", id="long-url"
        ),
        pytest.param({"source_name": "N" * 201}, "source_name", "", id="long-name"),
        pytest.param({"source_name": ""}, "source_name", "Name the source", id="link-no-name"),
        pytest.param(
            {"external_report": None}, "external_report", "outside the organization", id="own"
        ),
    ],
)
def test_a_bad_source_is_refused_beside_its_field(client, db, manager, changes, field, message):
    response = client.post("/admin/updates/new", data=external_update(manager.org, **changes))
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message in error_beside(page, field)
    assert 'aria-invalid="true"' in page
    assert db.session.query(Update).filter_by(title_en="Wells reopen in Hajin").count() == 0


def test_a_bad_source_on_an_edit_keeps_the_stored_update(client, db, manager):
    data = external_update(manager.org, title_en="Changed", source_url="javascript:alert(1)")
    del data["organization"]
    response = client.post(f"/admin/updates/{manager.update}/edit", data=data)
    assert response.status_code == 422
    error_beside(response.get_data(as_text=True), "source_url")
    kept = fresh(db, Update, manager.update)
    assert (kept.title_en, kept.external_report, kept.source_url) == ("Our news", False, None)
