"""Reports: totals by campaign, month and source, and the monthly gifts, over a period.

The figures must add up: by month, by campaign and by source to the same nets per currency,
and each campaign's net to what the ledger counts for its gifts of the period (over all
time, to the campaign's own total)."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from contextlib import contextmanager
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
from flask_login import login_user

from campaigns.admin import reports
from campaigns.models import Campaign, Donation, Frequency, User
from campaigns.payments import ledger
from tests import movements
from tests.admin.world import sign_in
from tests.stripe_server import events as stripe_events

MARCH = date(2025, 3, 14)
APRIL = date(2025, 4, 2)
YEAR_2025 = {"date_from": "2025-01-01", "date_to": "2025-12-31"}


@pytest.fixture
def books(make, db, world):
    """Two campaigns of the world's organization in two currencies, every kind of movement,
    some gifts outside 2025; and a gift to the other organization in the same months."""
    org = db.session.get(Campaign, world.campaign).organization
    wells = make.campaign(organization=org, slug="wells", title_en="Wells", tiers=())
    school = make.campaign(
        organization=org, slug="school", title_en="School", currency="EUR", tiers=()
    )
    movements.opening_balance(wells, 1_000_00, date(2025, 1, 5))
    movements.online_gift(make, wells, 50_00, MARCH)
    movements.online_gift(make, wells, 100_00, MARCH, "partly_refunded")
    movements.online_gift(make, wells, 30_00, MARCH, "dispute_open")
    movements.online_gift(make, wells, 90_00, APRIL, "dispute_lost")
    movements.online_gift(make, wells, 60_00, APRIL, "dispute_won")
    movements.online_gift(make, wells, 20_00, APRIL, "refunded")
    movements.offline_gift(wells, 200_00, APRIL, "partly_refunded")
    movements.online_gift(make, wells, 70_00, date(2024, 12, 31))  # before the period
    movements.online_gift(make, school, 40_00, MARCH)
    movements.offline_gift(school, 25_00, date(2026, 1, 1))  # after it
    other = db.session.get(Campaign, world.other_campaign)
    movements.online_gift(make, other, 999_00, MARCH)
    db.session.commit()
    return wells, school


@contextmanager
def signed_in(app, db, user_id):
    with app.test_request_context("/admin/reports/"):
        login_user(db.session.get(User, user_id))
        yield


def ledger_net(db, campaign, start: date, end: date) -> int:
    """What the ledger's own rule counts for the campaign's gifts confirmed in the period."""
    period = reports.Period(start, end)
    low, high = period.bounds()
    gifts = db.session.scalars(
        sa.select(Donation).where(
            Donation.campaign_id == campaign.id,
            Donation.succeeded_at >= low,
            Donation.succeeded_at < high,
        )
    )
    return sum(
        ledger.contribution(g.status, g.amount_minor, g.refunded_minor, donor=False)[0]
        for g in gifts
    )


def nets(report) -> dict[str, int]:
    return {currency: figures.net_minor for currency, figures in report.totals.items()}


def test_the_reports_add_up_to_each_other_and_to_the_ledger(app, db, world, books):
    wells, school = books
    with signed_in(app, db, world.users["manager"]):
        period = reports.Period(date(2025, 1, 1), date(2025, 12, 31))
        by = reports.all_reports(period)
    assert nets(by["campaigns"]) == nets(by["months"]) == nets(by["sources"])
    per_campaign = {row.key.slug: row.figures.net_minor for row in by["campaigns"].rows}
    assert per_campaign == {
        "wells": ledger_net(db, wells, period.start, period.end),
        "school": ledger_net(db, school, period.start, period.end),
    }
    # Kept 50, kept 50 of 100, dispute open 0, lost 0, won 60 minus the third refunded
    # before, refunded 0, offline 100 of 200, and the opening balance.
    assert per_campaign["wells"] == 1_000_00 + 50_00 + 50_00 + 40_00 + 100_00
    for report in by.values():
        for row in report.rows:
            f = row.figures
            given_out = f.refunded_minor + f.disputes_held_minor + f.disputes_lost_minor
            assert f.given_minor - given_out == f.net_minor


def test_over_all_time_the_nets_are_the_campaigns_totals(app, db, world, books):
    wells, school = books
    with signed_in(app, db, world.users["manager"]):
        period = reports.Period(date(reports.FIRST_YEAR, 1, 1), date(reports.LAST_YEAR, 12, 31))
        by_campaign = reports.by_campaign(period)
    db.session.refresh(wells)
    db.session.refresh(school)
    per_campaign = {row.key.slug: row.figures.net_minor for row in by_campaign.rows}
    assert per_campaign["wells"] == wells.raised_minor
    assert per_campaign["school"] == school.raised_minor


def test_refunds_and_disputes_are_shown_as_such(app, db, world, books):
    with signed_in(app, db, world.users["manager"]):
        months = reports.by_month(reports.Period(date(2025, 1, 1), date(2025, 12, 31)))
    usd = {row.key: row.figures for row in months.rows if row.currency == "USD"}
    assert sorted(usd) == [date(2025, 1, 1), date(2025, 3, 1), date(2025, 4, 1)]
    march, april = usd[date(2025, 3, 1)], usd[date(2025, 4, 1)]
    assert march.given_minor == 180_00 and march.refunded_minor == 50_00 + 10_00
    assert march.disputes_held_minor == 20_00 and march.disputes_lost_minor == 0
    assert april.refunded_minor == 30_00 + 20_00 + 20_00 + 100_00
    assert april.disputes_lost_minor == 60_00 and april.disputes_held_minor == 0
    assert usd[date(2025, 1, 1)].gifts == 0  # the opening balance is no gift


def test_the_page_keeps_currencies_apart_and_leaves_other_periods_out(client, world, books):
    sign_in(client, world.users["manager"])
    response = client.get("/admin/reports/", query_string=YEAR_2025)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Wells" in html and "School" in html
    # Each currency has its own total line: USD 1,240.00 and €40.00, never one sum.
    assert "$1,240.00" in html and "€40.00" in html
    assert "$1,310.00" not in html  # the gift of 2024 stays out
    assert "€65.00" not in html  # so does the one of 2026
    assert "Theirs" not in html and "$999.00" not in html
    assert "-$60.00" in html  # March's refunds show as money going out
    assert "March 2025" in html and "April 2025" in html
    assert "Card (Stripe)" in html and "Opening balance" in html


def test_the_period_defaults_to_this_year(client, world):
    sign_in(client, world.users["manager"])
    html = client.get("/admin/reports/").get_data(as_text=True)
    today = date.today()
    assert f'value="{today.year}-01-01"' in html
    assert f'value="{today.isoformat()}"' in html
    assert "Ours" not in html  # the report names no donor
    assert "$50.00" in html  # the world's gift of today


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"date_from": "2025-13-01"}, "is not a date that exists"),
        ({"date_from": "yesterday"}, "Write the date as YYYY-MM-DD"),
        ({"date_from": "2025-05-01", "date_to": "2025-04-01"}, "before its start"),
        ({"date_to": "9999-12-31"}, "between the years"),
        ({"date_from": "0001-01-01"}, "between the years"),
    ],
)
def test_a_period_that_cannot_be_read_is_a_form_error(client, world, args, message):
    sign_in(client, world.users["manager"])
    for url in ("/admin/reports/", "/admin/reports/months.csv"):
        response = client.get(url, query_string=args)
        html = response.get_data(as_text=True)
        assert response.status_code == 422
        assert message in html
        assert 'aria-invalid="true"' in html
        assert "By campaign" not in html


def test_editors_see_the_totals_of_their_organization_only(client, world, books):
    sign_in(client, world.users["editor"])
    html = client.get("/admin/reports/", query_string=YEAR_2025).get_data(as_text=True)
    assert "Wells" in html and "$999.00" not in html
    assert (
        client.get("/admin/reports/", query_string={"organization": world.other_org}).status_code
        == 404
    )


def test_platform_admins_see_every_organization_or_one(client, world, books):
    sign_in(client, world.users["admin"])
    html = client.get("/admin/reports/", query_string=YEAR_2025).get_data(as_text=True)
    assert "Wells" in html and "Theirs" in html and "$999.00" in html
    one = client.get(
        "/admin/reports/", query_string={**YEAR_2025, "organization": world.other_org}
    ).get_data(as_text=True)
    assert "Theirs" in one and "Wells" not in one


def test_people_without_a_role_are_kept_out(client, world):
    assert client.get("/admin/reports/").status_code == 302  # to the sign-in page
    sign_in(client, world.users["nobody"])
    assert client.get("/admin/reports/").status_code == 403
    assert client.get("/admin/reports/campaigns.csv").status_code == 403
    sign_in(client, world.users["manager"])
    assert client.get("/admin/reports/nothing.csv").status_code == 404


def test_the_arabic_page_names_the_months_as_syria_does(client, world, books):
    sign_in(client, world.users["manager"])
    response = client.get("/ar/admin/reports/", query_string=YEAR_2025)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'dir="rtl"' in html
    assert "آذار 2025" in html and "نيسان 2025" in html
    assert "مارس" not in html


def read_csv(response) -> list[dict]:
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))


def test_each_report_downloads_as_csv_with_the_page_figures(client, world, books):
    sign_in(client, world.users["manager"])
    months = read_csv(client.get("/admin/reports/months.csv", query_string=YEAR_2025))
    assert [(r["month"], r["currency"]) for r in months] == [
        ("2025-01", "USD"),
        ("2025-03", "EUR"),
        ("2025-03", "USD"),
        ("2025-04", "USD"),
    ]
    by_currency: dict[str, float] = defaultdict(float)
    for row in months:
        by_currency[row["currency"]] += float(row["net"])
    campaigns = read_csv(client.get("/admin/reports/campaigns.csv", query_string=YEAR_2025))
    assert {r["campaign"]: r["net"] for r in campaigns} == {"wells": "1240.00", "school": "40.00"}
    assert by_currency == {"USD": 1240.0, "EUR": 40.0}
    sources = read_csv(client.get("/admin/reports/sources.csv", query_string=YEAR_2025))
    assert {(r["source"], r["currency"]) for r in sources} == {
        ("stripe", "USD"),
        ("offline", "USD"),
        ("opening_balance", "USD"),
        ("stripe", "EUR"),
    }


def test_monthly_gifts_and_their_renewals_per_month(app, client, db, make, world):
    campaign = db.session.get(Campaign, world.campaign)
    first = movements.online_gift(
        make, campaign, 25_00, date(2025, 5, 3), frequency=Frequency.MONTHLY
    )
    for day, invoice in ((date(2025, 6, 3), "in_june"), (date(2025, 7, 3), "in_july")):
        event = stripe_events.invoice_paid(first, invoice)
        event["created"] = int(datetime.combine(day, time(12), UTC).timestamp())
        ledger.record_event("stripe", event, json.dumps(event))
    movements.online_gift(make, campaign, 80_00, date(2025, 6, 9))  # once: not in the report
    db.session.commit()
    sign_in(client, world.users["manager"])
    rows = read_csv(client.get("/admin/reports/monthly.csv", query_string=YEAR_2025))
    assert [(r["month"], r["first_gifts"], r["renewals"], r["net"]) for r in rows] == [
        ("2025-05", "1", "0", "25.00"),
        ("2025-06", "0", "1", "25.00"),
        ("2025-07", "0", "1", "25.00"),
    ]
    html = client.get("/admin/reports/", query_string=YEAR_2025).get_data(as_text=True)
    assert "Monthly gifts, by month" in html and "July 2025" in html


def test_text_that_a_spreadsheet_would_run_is_defused(client, db, make, world):
    campaign = db.session.get(Campaign, world.campaign)
    campaign.title_en = '=HYPERLINK("http://evil.example")'
    movements.online_gift(make, campaign, 10_00, MARCH)
    db.session.commit()
    sign_in(client, world.users["manager"])
    rows = read_csv(client.get("/admin/reports/campaigns.csv", query_string=YEAR_2025))
    assert [r["title_en"] for r in rows] == ['\'=HYPERLINK("http://evil.example")']


def test_dates_typed_in_arabic_indic_digits_are_read(client, world, books):
    sign_in(client, world.users["manager"])
    args = {"date_from": "٢٠٢٥-٠١-٠١", "date_to": "٢٠٢٥-١٢-٣١"}
    response = client.get("/ar/admin/reports/", query_string=args)
    assert response.status_code == 200
    assert "1,240.00" in response.get_data(as_text=True)  # the net in USD of 2025
    rows = read_csv(client.get("/admin/reports/campaigns.csv", query_string=args))
    assert {r["campaign"]: r["net"] for r in rows} == {"wells": "1240.00", "school": "40.00"}
