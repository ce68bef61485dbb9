"""The donations CSV export through a real server, on SQLite and on PostgreSQL.

The test client keeps one application context (and so one session) for the whole test;
a server ends each request's session before a streamed body is sent, which is when an
export that still needs the request's objects breaks off after its header. So here the
app is served by werkzeug in a thread, the data is committed for real, the whole file is
read and its rows counted; everything the test stored is deleted afterwards.
"""

from __future__ import annotations

import csv
import io
import threading
from datetime import UTC, datetime

import pytest
import requests
import sqlalchemy as sa
from werkzeug.serving import make_server

from campaigns import create_app
from campaigns.extensions import db
from campaigns.models import AuditEntry, DonationStatus, Role
from tests.factories import PASSWORD, Factories
from tests.live import empty_tables

#: More than one batch of the export's rows (it sends them 200 at a time).
GIFTS = 230


@pytest.fixture
def live(app, tmp_path):
    """A second app on the test database, served for real; ``app`` has built the schema."""
    live_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "live-export-secret",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "STRIPE_SECRET_KEY": None,
            "RATELIMIT_ENABLED": False,
            "UPLOAD_DIR": str(tmp_path),
            # Errors become 500 pages, as in production, instead of reaching the test.
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    with live_app.app_context():
        make = Factories(db.session)
        ours = make.organization(slug="live-ours", name_en="Ours")
        theirs = make.organization(slug="live-theirs", name_en="Theirs")
        campaign = make.campaign(organization=ours, slug="live-clinic")
        other = make.campaign(organization=theirs, slug="live-other")
        now = datetime.now(UTC)
        for n in range(GIFTS):
            make.donation(
                campaign,
                donor_name=f"Donor {n}",
                status=DonationStatus.SUCCEEDED,
                succeeded_at=now,
            )
        make.donation(other, donor_name="Not ours", status=DonationStatus.SUCCEEDED)
        manager = make.member(ours, role=Role.MANAGER, email="live-manager@example.org")
        manager_id = manager.id
        db.session.commit()
        db.session.remove()
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-export", daemon=True)
    thread.start()
    try:
        yield live_app, f"http://127.0.0.1:{server.server_port}", manager_id
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with live_app.app_context():
            empty_tables()
            db.engine.dispose()


def test_the_whole_export_arrives_and_is_in_the_audit_log(live):
    live_app, url, manager_id = live
    browser = requests.Session()
    signed_in = browser.post(
        f"{url}/admin/login",
        data={"email": "live-manager@example.org", "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text

    response = browser.get(f"{url}/admin/donations/export.csv", timeout=60)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == GIFTS
    assert {row["campaign"] for row in rows} == {"live-clinic"}
    assert {row["donor_name"] for row in rows} == {f"Donor {n}" for n in range(GIFTS)}
    with live_app.app_context():
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "donation.export")
        ).all()
        assert [entry.user_id for entry in entries] == [manager_id]
        db.session.remove()
