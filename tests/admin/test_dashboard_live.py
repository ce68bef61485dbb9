"""The dashboard through a real server, on SQLite and on PostgreSQL: its figures come from
what the ledger keeps, and the page sums no donations to show them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
from sqlalchemy import event

from campaigns.extensions import db
from campaigns.models import OfflineMethod, Role
from campaigns.payments import ledger
from tests.factories import PASSWORD, Factories
from tests.live import live_app, serving


@pytest.fixture
def live(app, tmp_path):
    """A second app on the test database, served for real; ``app`` has built the schema."""
    served = live_app(app, tmp_path, WTF_CSRF_ENABLED=False)
    with served.app_context():
        make = Factories(db.session)
        ours = make.organization(slug="live-dash", name_en="Ours")
        campaign = make.campaign(organization=ours, slug="live-dash-clinic", goal_minor=1000_00)
        today = datetime.now(UTC).date()
        for amount, days_ago in ((30_00, 0), (50_00, 0), (10_00, 2)):
            ledger.record_offline_gift(
                campaign,
                amount,
                donor_name=f"Donor {amount}",
                method=OfflineMethod.CASH,
                reference=None,
                received_on=today - timedelta(days=days_ago),
            )
        ledger.record_opening_balance(campaign, 500_00, received_on=today - timedelta(days=400))
        refunded = ledger.record_offline_gift(
            campaign,
            20_00,
            donor_name="Changed their mind",
            method=OfflineMethod.BANK_TRANSFER,
            reference="T1",
            received_on=today,
        )
        ledger.refund_directly(refunded, 20_00)
        make.member(ours, role=Role.MANAGER, email="live-dash@example.org")
        db.session.commit()
        db.session.remove()
    with serving(served) as url:
        yield served, url


def test_the_dashboard_shows_the_kept_figures_without_summing_donations(live):
    live_app, url = live
    browser = requests.Session()
    signed_in = browser.post(
        f"{url}/admin/login",
        data={"email": "live-dash@example.org", "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text
    sent: list[str] = []
    with live_app.app_context():
        engine = db.engine

    def record(conn, cursor, statement, parameters, context, executemany):
        sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        page = browser.get(f"{url}/admin/", timeout=30)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert page.status_code == 200
    html = page.text
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>(?:<bdi>)?([^<]+)", html))
    assert figures["Raised"] == "$590.00"  # three gifts and the opening balance
    assert figures["Donors"] == "3"
    assert figures["Average gift"] == "$30.00"  # the opening balance is not a gift
    assert html.count("<rect ") == 2  # today and two days ago
    assert "Changed their mind" in html  # among the latest donations
    aggregates = [
        s for s in sent if "FROM donations" in s and re.search(r"\b(sum|count)\(", s, re.I)
    ]
    assert sent and not aggregates
