"""The donations CSV export through real servers, gunicorn and werkzeug, on SQLite and on
PostgreSQL.

The test client keeps one application context (and so one session) for the whole test;
a server ends each request's session before a streamed body is sent, which is when an
export that still needs the request's session breaks off after its header. So here the
app is served for real (gunicorn in its own process, or werkzeug in a thread), the data
is committed, the whole file is read and every row checked; everything the test stored
is deleted afterwards. Memory at a million rows is measured by ``bench/scale.py``.
"""

from __future__ import annotations

import csv
import io
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from werkzeug.serving import make_server

from campaigns import create_app
from campaigns.admin.donations import EXPORT_BATCH
from campaigns.extensions import db
from campaigns.models import AuditEntry, Donation, DonationSource, DonationStatus, Role
from tests.factories import PASSWORD, Factories
from tests.live import empty_tables

ROOT = Path(__file__).resolve().parents[2]
#: Several of the export's batches, and a last one that is not full.
GIFTS = 2 * EXPORT_BATCH + 345
#: Names a spreadsheet would run as a formula, and Arabic that must survive.
TRICKY = {0: '=HYPERLINK("http://x")', 1: "لينا الحسن", 2: "@SUM(A1)"}


def _seed(live_app, gifts: int) -> int:
    """Two organizations, ``gifts`` gifts to ours and one to theirs; the manager's id."""
    with live_app.app_context():
        make = Factories(db.session)
        ours = make.organization(slug="live-ours", name_en="Ours")
        theirs = make.organization(slug="live-theirs", name_en="Theirs")
        campaign = make.campaign(organization=ours, slug="live-clinic")
        other = make.campaign(organization=theirs, slug="live-other")
        start = datetime.now(UTC) - timedelta(days=30)
        rows = [
            {
                "reference": secrets.token_urlsafe(16),
                "campaign_id": campaign.id,
                "amount_minor": 100 + n,
                "currency": "USD",
                "status": DonationStatus.SUCCEEDED,
                "source": DonationSource.TEST,
                "donor_name": TRICKY.get(n, f"Donor {n}"),
                "donor_email": f"donor{n}@example.org",
                "succeeded_at": start + timedelta(seconds=n),
                "created_at": start + timedelta(seconds=n),
            }
            for n in range(gifts)
        ]
        db.session.execute(sa.insert(Donation), rows)
        make.donation(other, donor_name="Not ours", status=DonationStatus.SUCCEEDED)
        manager = make.member(ours, role=Role.MANAGER, email="live-manager@example.org")
        manager_id = manager.id
        db.session.commit()
        db.session.remove()
    return manager_id


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _werkzeug(live_app) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-export", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def _gunicorn(database_url: str, upload_dir: str) -> Iterator[str]:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": "live-export-secret",
        "RATELIMIT_ENABLED": "false",
        "UPLOAD_DIR": upload_dir,
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
    }
    for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "CELERY_BROKER_URL"):
        env.pop(name, None)
    command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--bind",
               f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}/healthz", timeout=30)
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def _served(server: str, gifts: int, app, tmp_path):
    """The app on the test database, served for real; ``app`` has built the schema."""
    database_url = app.config["SQLALCHEMY_DATABASE_URI"]
    live_app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "live-export-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "WTF_CSRF_ENABLED": False,
            "STRIPE_SECRET_KEY": None,
            "RATELIMIT_ENABLED": False,
            "UPLOAD_DIR": str(tmp_path),
            # Errors become 500 pages, as in production, instead of reaching the test.
            "PROPAGATE_EXCEPTIONS": False,
        }
    )
    manager_id = _seed(live_app, gifts)
    served = _gunicorn(database_url, str(tmp_path)) if server == "gunicorn" else _werkzeug(live_app)
    try:
        yield live_app, next(served), manager_id
    finally:
        served.close()
        with live_app.app_context():
            empty_tables()
            db.engine.dispose()


@pytest.fixture(params=["gunicorn", "werkzeug"])
def live(request, app, tmp_path):
    yield from _served(request.param, GIFTS, app, tmp_path)


#: Gifts in the list that is read page by page: five full pages of 50 and a short one.
LISTED = 5 * 50 + 7


@pytest.fixture
def live_list(app, tmp_path):
    yield from _served("werkzeug", LISTED, app, tmp_path)


def _signed_in(url: str) -> requests.Session:
    browser = requests.Session()
    form = browser.get(f"{url}/admin/login", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    signed_in = browser.post(
        f"{url}/admin/login",
        data={
            "email": "live-manager@example.org",
            "password": PASSWORD,
            "csrf_token": token.group(1) if token else "",
        },
        allow_redirects=False,
        timeout=30,
    )
    assert signed_in.status_code == 302, signed_in.text
    return browser


def test_the_whole_export_arrives_and_is_in_the_audit_log(live):
    live_app, url, manager_id = live
    browser = _signed_in(url)

    response = browser.get(f"{url}/admin/donations/export.csv", timeout=120)

    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert len(rows) == GIFTS
    assert {row["campaign"] for row in rows} == {"live-clinic"}
    # Every gift once, newest first, its amount beside it.
    names = [row["donor_name"] for row in rows]
    expected = [TRICKY.get(n, f"Donor {n}") for n in reversed(range(GIFTS))]
    expected = ["'" + name if name[0] in "=@" else name for name in expected]
    assert names == expected
    assert [row["amount"] for row in rows[:2]] == [f"{(100 + GIFTS - 1) / 100:.2f}",
                                                    f"{(100 + GIFTS - 2) / 100:.2f}"]  # fmt: skip
    with live_app.app_context():
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "donation.export")
        ).all()
        assert [entry.user_id for entry in entries] == [manager_id]
        db.session.remove()


def test_the_list_is_read_to_its_end_and_back_through_its_links(live_list):
    """Following "Older" from the first page shows every gift once, newest first; "Newer"
    from the last page leads back to the same pages."""
    _live_app, url, _manager_id = live_list
    browser = _signed_in(url)
    shown: list[list[str]] = []
    address: str | None = f"{url}/admin/donations/?status=succeeded"
    link = "next"
    while address and len(shown) < 2 * LISTED:
        page = browser.get(address, timeout=30)
        assert page.status_code == 200
        html = page.text
        shown.append(re.findall(r">Donor (\d+)</", html))
        found = re.search(rf'rel="{link}" href="([^"]+)"', html)
        if not found and link == "next":
            link = "prev"  # at the end: back up the list
            found = re.search(rf'rel="{link}" href="([^"]+)"', html)
        address = url + found.group(1).replace("&amp;", "&") if found else None
        if address:
            assert "status=succeeded" in address
    down = [n for page in shown[:6] for n in page]
    assert down == [str(n) for n in reversed(range(LISTED)) if n not in TRICKY]
    assert shown[6:] == shown[4::-1]  # the same pages, from the last but one to the first
