"""The donors list of an organization: one line per email with lifetime totals per currency,
the number of gifts and the last one; anonymous donors stay anonymous to editors."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
import sqlalchemy as sa

from campaigns.admin import reports_donors
from campaigns.models import AuditEntry, Campaign
from tests import movements
from tests.admin.world import sign_in

#: What identifies the donors who asked not to be named, anywhere on a page or in a file.
SECRETS = ("Khaled", "khaled@example.org", "Sara", "sara@example.org", "Mona", "mixed@example.org")


@pytest.fixture
def donors(make, db, world):
    org = db.session.get(Campaign, world.campaign).organization
    clinic = db.session.get(Campaign, world.campaign)
    school = make.campaign(
        organization=org, slug="school", title_en="School", currency="EUR", tiers=()
    )
    alice = {"donor_email": "alice@example.org"}
    movements.online_gift(make, clinic, 30_00, date(2024, 2, 1), donor_name="Alice A.", **alice)
    movements.online_gift(
        make,
        clinic,
        20_00,
        date(2025, 8, 9),
        donor_name="Alice Ahmad",
        donor_email="Alice@Example.org",
    )
    movements.online_gift(make, school, 15_00, date(2025, 3, 1), donor_name="Alice A.", **alice)
    movements.online_gift(
        make, clinic, 500_00, date(2025, 5, 5), donor_name="Khaled Mansour",
        donor_email="khaled@example.org", anonymous=True,
    )  # fmt: skip
    hidden = movements.online_gift(
        make, clinic, 40_00, date(2025, 6, 6), donor_name="Sara", donor_email="sara@example.org"
    )
    hidden.name_hidden = True  # staff took her name off the public page
    mona = {"donor_name": "Mona", "donor_email": "mixed@example.org"}
    movements.online_gift(make, clinic, 10_00, date(2025, 2, 2), **mona)
    movements.online_gift(make, clinic, 5_00, date(2025, 2, 3), anonymous=True, **mona)
    movements.online_gift(
        make, clinic, 60_00, date(2025, 6, 7), "refunded", donor_name="Gone",
        donor_email="gone@example.org",
    )  # fmt: skip
    movements.online_gift(
        make, clinic, 80_00, date(2025, 6, 8), "partly_refunded", donor_name="Half",
        donor_email="half@example.org",
    )  # fmt: skip
    movements.offline_gift(clinic, 70_00, date(2025, 7, 1), donor_name="Cash Donor")
    movements.opening_balance(clinic, 9_000_00, date(2020, 1, 1))
    other = db.session.get(Campaign, world.other_campaign)
    movements.online_gift(
        make, other, 11_00, date(2025, 1, 1), donor_name="Theirs", donor_email="t@example.org"
    )
    db.session.commit()
    return world


def rows_of(html: str) -> list[str]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    rows = re.split(r"<tr[^>]*>", body)[1:]
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]


def test_managers_see_every_donor_once_with_lifetime_totals(client, donors):
    sign_in(client, donors.users["manager"])
    response = client.get("/admin/reports/donors")
    assert response.status_code == 200
    rows = rows_of(response.get_data(as_text=True))
    assert rows[1].startswith("Ours donor@example.org $50.00 1 ")  # the world's, today
    assert rows[:1] + rows[2:] == [
        "Alice Ahmad alice@example.org €15.00 $50.00 3 Aug 9, 2025",
        "Half half@example.org $40.00 1 Jun 8, 2025",
        "Khaled Mansour · anonymous in public khaled@example.org $500.00 1 May 5, 2025",
        "Mona · anonymous in public mixed@example.org $15.00 2 Feb 3, 2025",
        "Sara · anonymous in public sara@example.org $40.00 1 Jun 6, 2025",
        "Gifts without an email address $70.00 1 Jul 1, 2025",
    ]
    html = response.get_data(as_text=True)
    assert "6 donors with an email address." in html
    assert "gone@example.org" not in html and "Theirs" not in html
    assert "$9,000.00" not in html  # an opening balance is not a donor


def test_editors_see_anonymous_donors_only_together(client, donors):
    sign_in(client, donors.users["editor"])
    html = client.get("/admin/reports/donors").get_data(as_text=True)
    rows = rows_of(html)
    assert rows[0] == "Alice Ahmad alice@example.org €15.00 $50.00 3 Aug 9, 2025"
    # One gift given anonymously is enough: a name beside the total would tell it.
    assert "Anonymous (3 donors) $555.00 4 Jun 6, 2025" in rows
    assert "Gifts without an email address $70.00 1 Jul 1, 2025" in rows
    for secret in SECRETS:
        assert secret not in html
    csv_text = client.get("/admin/reports/donors.csv").get_data().decode("utf-8-sig")
    for secret in SECRETS:
        assert secret not in csv_text
    lines = list(csv.DictReader(io.StringIO(csv_text, newline="")))
    grouped = [line for line in lines if line["row"] == "anonymous_donors"]
    assert grouped == [
        {
            "row": "anonymous_donors",
            "email": "",
            "name": "",
            "anonymous": "yes",
            "donors": "3",
            "gifts": "4",
            "last_gift_utc": "2025-06-06 12:00:00",
            "total_EUR": "0.00",
            "total_USD": "555.00",
        }
    ]


def test_the_csv_has_a_column_per_currency_and_is_in_the_audit_log(client, db, donors):
    sign_in(client, donors.users["manager"])
    response = client.get("/admin/reports/donors.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    lines = list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"), newline="")))
    alice = next(line for line in lines if line["email"] == "alice@example.org")
    assert (alice["name"], alice["gifts"], alice["total_USD"], alice["total_EUR"]) == (
        "Alice Ahmad",
        "3",
        "50.00",
        "15.00",
    )
    assert {line["email"] for line in lines if line["row"] == "donor"} == {
        "alice@example.org",
        "donor@example.org",
        "half@example.org",
        "khaled@example.org",
        "mixed@example.org",
        "sara@example.org",
    }
    entries = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == "donors.export")
    ).all()
    assert [(e.user_id, e.organization_id) for e in entries] == [
        (donors.users["manager"], donors.org)
    ]


def test_the_list_is_read_a_page_at_a_time(client, donors, monkeypatch):
    monkeypatch.setattr(reports_donors, "PER_PAGE", 2)
    sign_in(client, donors.users["manager"])
    url, seen, pages = "/admin/reports/donors", [], 0
    while url:
        html = client.get(url).get_data(as_text=True)
        pages += 1
        seen += re.findall(r'<span class="muted" dir="ltr">([^<]+)</span>', html)
        found = re.search(r'<a rel="next" href="([^"]+)"', html)
        url = found.group(1).replace("&amp;", "&") if found else ""
        if pages > 1:
            assert "First page" in html and "Gifts without an email address" not in html
    assert pages == 3
    assert seen == [
        "alice@example.org",
        "donor@example.org",
        "half@example.org",
        "khaled@example.org",
        "mixed@example.org",
        "sara@example.org",
    ]


def test_another_organization_is_not_found_but_platform_admins_choose(client, donors):
    sign_in(client, donors.users["manager"])
    assert client.get(f"/admin/reports/donors?organization={donors.other_org}").status_code == 404
    assert (
        client.get(f"/admin/reports/donors.csv?organization={donors.other_org}").status_code == 404
    )
    sign_in(client, donors.users["admin"])
    html = client.get(f"/admin/reports/donors?organization={donors.other_org}").get_data(
        as_text=True
    )
    assert "Theirs" in html and "t@example.org" in html and "alice@example.org" not in html
    assert '<select id="organization"' in html


def test_the_arabic_list_names_the_months_as_syria_does(client, donors):
    sign_in(client, donors.users["editor"])
    html = client.get("/ar/admin/reports/donors").get_data(as_text=True)
    assert "9 آب 2025" in html
    for secret in SECRETS:
        assert secret not in html


def test_names_that_a_spreadsheet_would_run_are_defused(client, db, make, world):
    clinic = db.session.get(Campaign, world.campaign)
    movements.online_gift(
        make, clinic, 10_00, date(2025, 1, 1), donor_name="@SUM(1+1)*cmd|' /C calc'!A0",
        donor_email="x@example.org",
    )  # fmt: skip
    db.session.commit()
    sign_in(client, world.users["manager"])
    text = client.get("/admin/reports/donors.csv").get_data().decode("utf-8-sig")
    line = next(
        line
        for line in csv.DictReader(io.StringIO(text, newline=""))
        if line["email"] == "x@example.org"
    )
    assert line["name"].startswith("'@SUM")
