"""Browser fixtures: the site served on 127.0.0.1 from its own database, and Chromium.

The browser tests are slow, so they run once, not once per database like the rest of the
suite: none of these fixtures depends on the parametrised ``app`` fixture. The live site
has its own SQLite file built by the migrations, loaded with the demo content and with
campaigns made here for the journeys (see :mod:`tests.browser.site`). Donors pay through
the keyless test gateway.

Chromium is Debian's (``/usr/bin/chromium``); the accessibility engine is axe-core from the
npm registry (``npm ci --prefix tests/browser``).
"""

from __future__ import annotations

import contextlib
import logging
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from campaigns import create_app
from campaigns.extensions import db
from tests.browser import site
from tests.browser.helpers import SCREENSHOTS
from tests.mail_server import SMTPServer

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
#: Screen sizes the journeys use: a small phone and a laptop.
VIEWPORTS = {
    "phone": {"width": 360, "height": 740},
    "desktop": {"width": 1280, "height": 800},
}


class LiveServer:
    """The app served by werkzeug in a background thread, with what went wrong on it."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        #: "METHOD path -> status" for every answer of 500 or more.
        self.server_errors: list[str] = []
        self.log = _ErrorLog()
        self._thread = threading.Thread(
            target=self.server.serve_forever, name="live-server", daemon=True
        )

        @app.after_request
        def _record_server_errors(response):
            from flask import request

            if response.status_code >= 500:
                self.server_errors.append(
                    f"{request.method} {request.full_path} -> {response.status_code}"
                )
            return response

        # The app's own error log, and werkzeug's for a failure no error handler could catch.
        app.logger.addHandler(self.log)
        logging.getLogger("werkzeug").addHandler(self.log)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)
        self.app.logger.removeHandler(self.log)
        logging.getLogger("werkzeug").removeHandler(self.log)

    def __call__(self, path: str) -> str:
        """The absolute URL of a path on the site."""
        return self.url + path


class _ErrorLog(logging.Handler):
    """Keeps the app's error log lines (tracebacks of 500s) to explain a failing test."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.records: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(self.format(record))


@pytest.fixture(scope="session")
def mail_server() -> Iterator[SMTPServer]:
    """A real SMTP server on loopback that receives every email the live site sends."""
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory, mail_server):
    """The app the browser talks to, on its own SQLite file, with demo and journey data;
    its email goes to :func:`mail_server`."""
    folder = tmp_path_factory.mktemp("browser-site")
    app = create_app(
        {
            "SECRET_KEY": "browser-test-secret-key",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(folder / "site.sqlite3"),
            "STRIPE_SECRET_KEY": None,
            "STRIPE_WEBHOOK_SECRET": "whsec_browser_test_secret",
            "RATELIMIT_ENABLED": False,
            "UPLOAD_DIR": str(folder / "uploads"),
            "CAMPAIGNS_ENV": "development",
            "SERVER_NAME": None,
            "PUBLIC_URL": None,
            "SESSION_COOKIE_SECURE": False,
            **mail_server.app_settings,
        }
    )
    with app.app_context():
        upgrade()
        site.load(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[LiveServer]:
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = LiveServer(live_app)
    # Links that leave the site (the test gateway's way back) point at this server.
    live_app.config["PUBLIC_URL"] = server.url
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def data(live_app) -> site.SiteData:
    """Ids and slugs of what :func:`site.load` created for the journeys."""
    return live_app.extensions["browser_site_data"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, driven through Playwright's sync API in the test thread."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class PageMaker:
    """Opens pages in fresh browser contexts and checks every request stayed on the site."""

    def __init__(self, browser, server: LiveServer):
        self.browser = browser
        self.server = server
        self.contexts = []
        #: Every URL any page of the test asked for.
        self.requests: list[str] = []

    def __call__(self, viewport: str = "phone", javascript: bool = True, **options):
        context = self.browser.new_context(
            viewport=VIEWPORTS[viewport],
            java_script_enabled=javascript,
            base_url=self.server.url,
            locale=options.pop("locale", "en-GB"),
            **options,
        )
        context.set_default_timeout(15_000)
        context.on("request", lambda request: self.requests.append(request.url))
        self.contexts.append(context)
        return context.new_page()

    def third_party_requests(self) -> list[str]:
        own = self.server.url + "/"
        return [
            url
            for url in self.requests
            if not (url.startswith(own) or url.startswith(("data:", "blob:", "about:")))
        ]

    def save_failure_screenshots(self, test_name: str) -> None:
        folder = SCREENSHOTS / "failures"
        folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^\w.-]+", "_", test_name)
        for n, context in enumerate(self.contexts):
            for m, page in enumerate(context.pages):
                # A page that cannot be captured any more is no reason to hide the failure.
                with contextlib.suppress(Exception):
                    page.screenshot(path=str(folder / f"{safe}-{n}-{m}.png"), full_page=True)

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures know whether it failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def new_page(request, browser, live_server) -> Iterator[PageMaker]:
    """``new_page("phone", javascript=False)``: a page in its own context (own cookies).

    After the test: no request left 127.0.0.1 and the server answered no 5xx. When the
    test failed, each of its pages is saved under artifacts/screenshots/failures/.
    """
    errors_before = len(live_server.server_errors)
    log_before = len(live_server.log.records)
    maker = PageMaker(browser, live_server)
    yield maker
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        maker.save_failure_screenshots(request.node.name)
    maker.close()
    assert maker.third_party_requests() == [], "requests left the site"
    failures = live_server.server_errors[errors_before:] + live_server.log.records[log_before:]
    assert not failures, "the server failed:\n" + "\n".join(failures)


@pytest.fixture(scope="session")
def admin(live_app) -> tuple[str, str]:
    """A platform admin on the live site, made as an operator would with ``create-admin``."""
    email, password = "admin@example.org", "a long browser test password"
    with live_app.app_context():
        result = live_app.test_cli_runner().invoke(
            args=["create-admin", email, "--password-stdin"], input=password + "\n"
        )
    assert result.exit_code == 0, result.output
    return email, password
