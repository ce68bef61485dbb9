"""Through a real HTTP server: the donor-data downloads arrive whole, and the public account
page is served, with CSRF protection on as in production."""

from __future__ import annotations

import csv
import http.cookiejar
import io
import json
import re
import threading
import urllib.parse
import urllib.request
from datetime import date

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from campaigns import create_app
from campaigns.extensions import db
from tests import movements
from tests.factories import PASSWORD, Factories

EMAIL = "lina@example.org"
_TOKEN = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("served")
    app = create_app(
        {
            "SECRET_KEY": "served-test-secret-key",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(folder / "site.sqlite3"),
            "STRIPE_SECRET_KEY": None,
            "RATELIMIT_ENABLED": False,
            "UPLOAD_DIR": str(folder / "uploads"),
            "SERVER_NAME": None,
            "SESSION_COOKIE_SECURE": False,
        }
    )
    with app.app_context():
        upgrade()
        make = Factories(db.session)
        campaign = make.campaign(slug="served", tiers=())
        movements.opening_balance(campaign, 1_000_00, date(2020, 1, 1))
        # Enough rows that the downloads span many network packets.
        for n in range(120):
            movements.online_gift(
                make,
                campaign,
                10_00 + n,
                date(2025, 1 + n % 12, 5),
                movements.ONLINE_FATES[n % len(movements.ONLINE_FATES)],
                donor_name="لينا Lina",
                donor_email=EMAIL,
                message=f"Gift number {n}, with love from Malmö",
            )
        make.user("root@example.org", is_platform_admin=True)
        db.session.commit()
        raised = campaign.raised_minor
    http = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=http.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{http.server_port}", raised
    http.shutdown()
    thread.join(5)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


class Browser:
    """Cookies and CSRF tokens, as a browser keeps them."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str):
        return self.opener.open(self.base + path, timeout=30)

    def post(self, path: str, form_page: str, **fields):
        token = _TOKEN.search(self.get(form_page).read().decode()).group(1)
        body = urllib.parse.urlencode({"csrf_token": token, **fields}).encode()
        return self.opener.open(self.base + path, data=body, timeout=30)


def test_downloads_arrive_whole_and_the_account_is_served(server):
    base, raised = server
    browser = Browser(base)
    signed_in = browser.post(
        "/admin/login", "/admin/login", email="root@example.org", password=PASSWORD
    )
    assert signed_in.status == 200 and signed_in.url.endswith("/admin/")

    response = browser.post("/admin/donor-data/export.json", "/admin/donor-data/", email=EMAIL)
    body = response.read()
    assert int(response.headers["Content-Length"]) == len(body)
    document = json.loads(body.decode("utf-8"))
    assert len(document["donations"]) == 120
    assert {d["donor_name"] for d in document["donations"]} == {"لينا Lina"}
    assert len(document["payment_events"]) > 120

    response = browser.post("/admin/donor-data/export.csv", "/admin/donor-data/", email=EMAIL)
    body = response.read()
    assert int(response.headers["Content-Length"]) == len(body)
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    donations = [r for r in rows if r["record"] == "donation"]
    assert len(donations) == 120
    assert {r["message"] for r in donations} == {
        f"Gift number {n}, with love from Malmö" for n in range(120)
    }

    for path in ("/campaigns/served/account", "/ar/campaigns/served/account"):
        page = browser.get(path).read().decode()
        assert f"{raised // 100:,}.{raised % 100:02d}" in page  # the closing line
        assert "<script" not in page
