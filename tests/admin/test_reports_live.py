"""The reports and their CSV files through a real server, on SQLite and on PostgreSQL.

A server ends each request's session before a streamed body is sent: a download that
still needs the request's objects (the signed-in user, to scope its rows) breaks off after
its header there, never in the test client. So the app is served by werkzeug in a thread,
the data is committed for real, and everything stored is deleted afterwards.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest
import requests

from campaigns.extensions import db
from campaigns.models import DonationStatus, Role
from tests import movements
from tests.factories import PASSWORD, Factories
from tests.live import live_app, serving

#: More donors than one batch of the donors file (it sends them 200 at a time).
DONORS = 230
PERIOD = {"date_from": "2025-01-01", "date_to": "2025-12-31"}


@pytest.fixture
def live(app, tmp_path):
    """A second app on the test database, served for real; ``app`` has built the schema."""
    served = live_app(app, tmp_path, WTF_CSRF_ENABLED=False)
    with served.app_context():
        make = Factories(db.session)
        ours = make.organization(slug="live-ours", name_en="Ours")
        theirs = make.organization(slug="live-theirs", name_en="Theirs")
        wells = make.campaign(organization=ours, slug="live-wells", title_en="Wells", tiers=())
        school = make.campaign(
            organization=ours, slug="live-school", title_en="School", currency="EUR", tiers=()
        )
        other = make.campaign(organization=theirs, slug="live-other", title_en="Other", tiers=())
        movements.online_gift(make, wells, 100_00, date(2025, 3, 3), "partly_refunded")
        movements.online_gift(make, wells, 30_00, date(2025, 4, 4), "dispute_open")
        movements.offline_gift(wells, 20_00, date(2025, 4, 5))
        movements.online_gift(make, school, 40_00, date(2025, 5, 5))
        movements.online_gift(
            make, wells, 500_00, date(2025, 6, 6), donor_name="Khaled Mansour",
            donor_email="khaled@example.org", anonymous=True,
        )  # fmt: skip
        movements.online_gift(make, other, 999_00, date(2025, 3, 3))
        at = datetime(2025, 7, 1, 12, tzinfo=UTC)
        for n in range(DONORS):
            make.donation(
                wells,
                amount_minor=1_00,
                donor_name=f"Donor {n}",
                donor_email=f"donor{n:03}@example.org",
                status=DonationStatus.SUCCEEDED,
                succeeded_at=at,
            )
        make.member(ours, role=Role.EDITOR, email="live-editor@example.org")
        db.session.commit()
        db.session.remove()
    with serving(served) as url:
        yield url


def read_csv(response) -> list[dict]:
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))


def test_an_editor_reads_the_reports_and_downloads_them(live):
    browser = requests.Session()
    signed_in = browser.post(
        f"{live}/admin/login",
        data={"email": "live-editor@example.org", "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text

    dashboard = browser.get(f"{live}/admin/", timeout=30).text
    assert 'href="/admin/reports/">Reports</a>' in dashboard
    page = browser.get(f"{live}/admin/reports/", params=PERIOD, timeout=30)
    assert page.status_code == 200
    assert "Wells" in page.text and "School" in page.text and "Other" not in page.text

    months = read_csv(browser.get(f"{live}/admin/reports/months.csv", params=PERIOD, timeout=30))
    campaigns = read_csv(
        browser.get(f"{live}/admin/reports/campaigns.csv", params=PERIOD, timeout=30)
    )
    usd_by_month = sum(float(row["net"]) for row in months if row["currency"] == "USD")
    assert {row["campaign"]: row["net"] for row in campaigns} == {
        "live-wells": "800.00",  # 50 kept of 100, the dispute held, 20 offline, 500, 230 x 1
        "live-school": "40.00",
    }
    assert usd_by_month == 800.0
    april = [row for row in months if row["month"] == "2025-04"]
    # 30 disputed after a third was refunded: 10 refunded, 20 held by the dispute.
    assert [(row["refunded"], row["disputes_held"]) for row in april] == [("10.00", "20.00")]

    donors = read_csv(browser.get(f"{live}/admin/reports/donors.csv", timeout=60))
    named = [row for row in donors if row["row"] == "donor"]
    assert len(named) == DONORS + 1  # and the donor of the tests' movements
    grouped = [row for row in donors if row["row"] == "anonymous_donors"]
    assert [(row["donors"], row["total_USD"]) for row in grouped] == [("1", "500.00")]
    file = "".join(f"{row}" for row in donors)
    assert "Khaled" not in file and "khaled@example.org" not in file
