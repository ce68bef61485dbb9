"""A million donations: the pages people open, each figure beside its ceiling, one run.

It creates a PostgreSQL database of its own, builds the schema with the migrations, seeds
one campaign with N donations (``INSERT ... SELECT generate_series``, a few seconds per
hundred thousand rows) and a second, empty, campaign, brings the kept totals in line with
the app's own ``flask reconcile --fix``, then serves the app with gunicorn (2 workers) and
measures:

- the campaign page's requests per second against a bare Flask route returning 20 KB in
  the same gunicorn (``wrk``, 16 connections);
- the campaign page's latency with N donations against the empty campaign's, as served
  (page cache on) and rendered afresh (a second gunicorn with ``CACHE_TYPE=NullCache``);
- the admin dashboard's latency, signed in;
- the donations list, page 1 and page 500 (reached by following "Older" 499 times), and
  the audit log's;
- the CSV export of every donation: rows counted, time, the workers' peak memory;
- the workers' peak memory after all of it.

    python bench/scale.py --donations 1000000

It drops its database at the end unless ``--keep`` is given; ``--reuse NAME`` measures an
already seeded database again. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

EMAIL = "scale-admin@example.org"
PASSWORD = "a long bench password"  # noqa: S105 - a throwaway local account
SLUG = "scale"
EMPTY_SLUG = "scale-empty"


# Seeding --------------------------------------------------------------------------------

_DONATIONS = """
INSERT INTO donations (
    reference, campaign_id, amount_minor, currency, refunded_minor, refund_requested_minor,
    status, frequency, source, disputed, donor_name, donor_email, anonymous, message,
    message_hidden, name_hidden, locale, offline_method, offline_reference,
    succeeded_at, created_at, updated_at)
SELECT
    md5(n::text || :salt),
    :campaign_id,
    1000 + (n % 10) * 500,
    'USD',
    CASE WHEN n % 50 = 2 THEN 1000 + (n % 10) * 500
         WHEN n % 50 = 3 THEN (1000 + (n % 10) * 500) / 2 ELSE 0 END,
    CASE WHEN n % 50 = 2 THEN 1000 + (n % 10) * 500
         WHEN n % 50 = 3 THEN (1000 + (n % 10) * 500) / 2 ELSE 0 END,
    CASE WHEN n % 20 = 0 THEN 'pending' WHEN n % 20 = 1 THEN 'failed'
         WHEN n % 50 = 2 THEN 'refunded' WHEN n % 50 = 3 THEN 'partially_refunded'
         ELSE 'succeeded' END,
    'once',
    CASE WHEN n % 100 = 5 THEN 'offline' ELSE 'stripe' END,
    false,
    'Donor ' || n,
    'donor' || (n % 200000) || '@example.org',
    n % 7 = 0,
    CASE WHEN n % 9 = 0 THEN 'For the clinic, ' || n ELSE NULL END,
    false, false,
    CASE WHEN n % 3 = 0 THEN 'ar' ELSE 'en' END,
    CASE WHEN n % 100 = 5 THEN 'cash' ELSE NULL END,
    CASE WHEN n % 100 = 5 THEN 'R-' || n ELSE NULL END,
    CASE WHEN n % 20 IN (0, 1) THEN NULL
         ELSE now() - (:n - n) * interval '2 seconds' + interval '40 seconds' END,
    now() - (:n - n) * interval '2 seconds',
    now() - (:n - n) * interval '2 seconds'
FROM generate_series(1, :n) AS n
"""

_AUDIT = """
INSERT INTO audit_log (at, user_id, organization_id, action, object_type, object_id, detail)
SELECT now() - (:n - n) * interval '20 seconds', :user_id, :organization_id,
       CASE WHEN n % 2 = 0 THEN 'donation.refund' ELSE 'campaign.edit' END,
       CASE WHEN n % 2 = 0 THEN 'donation' ELSE 'campaign' END, n, '{"n": ' || n || '}'
FROM generate_series(1, :n) AS n
"""


def seed(database_url: str, donations: int, audit_entries: int) -> None:
    from datetime import date, timedelta

    from flask_migrate import upgrade

    from campaigns import create_app
    from campaigns.extensions import db
    from campaigns.models import Campaign, CampaignState, Organization, Sector, User
    from campaigns.security import hash_password

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        upgrade()
        org = Organization(slug="scale", name_en="Scale", founded_on=date(2018, 1, 1))
        common = {
            "organization": org,
            "state": CampaignState.PUBLISHED,
            "sector": Sector.HEALTH,
            "currency": "USD",
            "goal_minor": 10**12,
            "starts_on": date.today() - timedelta(days=90),
            "ends_on": date.today() + timedelta(days=90),
            "summary_en": "A campaign with many donors.",
            "story_en": "The story of the campaign. " * 40,
        }
        campaign = Campaign(slug=SLUG, title_en="A million gifts", **common)
        empty = Campaign(slug=EMPTY_SLUG, title_en="No gifts yet", **common)
        admin = User(email=EMAIL, is_platform_admin=True)
        admin.password_hash = hash_password(PASSWORD)
        db.session.add_all([campaign, empty, admin])
        db.session.flush()
        ids = {"campaign_id": campaign.id, "organization_id": org.id, "user_id": admin.id}
        db.session.commit()
        started = time.monotonic()
        with db.engine.begin() as connection:
            connection.execute(
                sa.text(_DONATIONS),
                {"n": donations, "campaign_id": ids["campaign_id"], "salt": uuid.uuid4().hex},
            )
            connection.execute(
                sa.text(_AUDIT),
                {
                    "n": audit_entries,
                    "user_id": ids["user_id"],
                    "organization_id": ids["organization_id"],
                },
            )
        print(f"seeded {donations:,} donations, {audit_entries:,} audit entries"
              f" in {time.monotonic() - started:.0f} s")  # fmt: skip
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
        db.engine.dispose()
    # The kept totals, brought in line by the app's own command.
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "reconcile", "--fix"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench"},
        capture_output=True,
        text=True,
        check=False,
    )
    print(f"reconcile --fix: exit {done.returncode}; {done.stdout.strip()[-200:]}")
    check = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "reconcile"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": "bench"},
        capture_output=True,
        text=True,
        check=False,
    )
    verdict = "no drift" if not check.returncode else check.stdout.strip()[-200:]
    print(f"reconcile (check): exit {check.returncode} ({verdict})")


# Serving --------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """gunicorn with two workers serving ``bench/scale_server.py``."""

    def __init__(self, database_url: str, *, cache: bool, timeout: int, worker_class: str):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "SECRET_KEY": "bench-secret",
            "RATELIMIT_ENABLED": "false",
            "PUBLIC_URL": self.url,
        }
        for name in ("STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET", "CELERY_BROKER_URL"):
            env.pop(name, None)
        if not cache:
            env["CACHE_TYPE"] = "NullCache"
        command = [sys.executable, "-m", "gunicorn", "--workers", "2", "--worker-class",
                   worker_class, "--timeout",
                   str(timeout), "--bind", f"127.0.0.1:{self.port}", "--log-level",
                   "warning", "--pythonpath", str(ROOT / "bench"), "scale_server:app"]  # fmt: skip
        self.process = subprocess.Popen(command, cwd=ROOT, env=env)
        deadline = time.monotonic() + 120
        while True:
            try:
                requests.get(f"{self.url}/healthz", timeout=30)
                break
            except requests.RequestException:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.3)

    def workers(self) -> list[int]:
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def memory(self, field: str) -> int:
        """The largest ``VmRSS`` or ``VmHWM`` (peak) of the workers, in MB."""
        most = 0
        for pid in self.workers():
            status = Path(f"/proc/{pid}/status").read_text()
            found = re.search(rf"^{field}:\s+(\d+) kB", status, re.M)
            most = max(most, int(found.group(1)) // 1024 if found else 0)
        return most

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def signed_in(url: str) -> requests.Session:
    browser = requests.Session()
    form = browser.get(f"{url}/admin/login", timeout=30).text
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form)
    answer = browser.post(
        f"{url}/admin/login",
        data={"email": EMAIL, "password": PASSWORD, "csrf_token": token.group(1) if token else ""},
        allow_redirects=False,
        timeout=30,
    )
    if answer.status_code != 302:
        raise RuntimeError(f"sign-in failed: {answer.status_code}")
    return browser


def median_ms(fetch: Callable[[], requests.Response], times: int = 7) -> float:
    """The median time of ``times`` requests, after one to warm up, in milliseconds."""
    fetch().raise_for_status()
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        fetch().raise_for_status()
        spent.append((time.perf_counter() - started) * 1000)
    return statistics.median(spent)


def wrk(url: str, seconds: int, headers: tuple[str, ...] = ()) -> float:
    """Requests per second from ``wrk`` with 16 connections (2 threads); every answer 200."""
    command = ["wrk", "-t2", "-c16", f"-d{seconds}s", url]
    for header in headers:
        command += ["-H", header]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"wrk got {errors.group(1)} errors from {url}")
    found = re.search(r"Requests/sec:\s+([\d.]+)", out)
    if not found:
        raise RuntimeError(out)
    return float(found.group(1))


def older_link(html: str) -> str | None:
    found = re.search(r'rel="next" href="([^"]+)"', html)
    return found.group(1).replace("&amp;", "&") if found else None


def page_500(browser: requests.Session, url: str, path: str) -> tuple[str, float]:
    """The address of page 500 of a list, reached through its "Older" links, and how long
    the whole walk took, in seconds."""
    address = url + path
    started = time.monotonic()
    for _ in range(499):
        response = browser.get(address, timeout=60)
        response.raise_for_status()
        link = older_link(response.text)
        if link is None:
            raise RuntimeError(f"{path} has fewer than 500 pages")
        address = url + link
    return address, time.monotonic() - started


def export(browser: requests.Session, server: Server) -> tuple[int, float, int, int]:
    """Rows in the whole CSV export, seconds, the workers' highest memory while it ran
    (sampled) and HTTP status."""
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.2):
            peak[0] = max(peak[0], server.memory("VmRSS"))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.monotonic()
    rows = 0
    with browser.get(f"{server.url}/admin/donations/export.csv", stream=True, timeout=600) as r:
        status = r.status_code
        r.raw.decode_content = True
        text = io.TextIOWrapper(r.raw, encoding="utf-8-sig", newline="")
        for _row in csv.reader(text):
            rows += 1
    elapsed = time.monotonic() - started
    done.set()
    sampler.join()
    return rows - 1, elapsed, peak[0], status


# The run --------------------------------------------------------------------------------


def measure(database_url: str, donations: int, args: argparse.Namespace) -> list[tuple]:
    rows: list[tuple] = []
    seconds = args.seconds
    served = {"timeout": args.timeout, "worker_class": args.worker_class}
    if shutil.which("wrk"):
        # The public site's pool (README, "Deployment"): sync workers, as behind a proxy.
        site = Server(
            database_url, cache=True, timeout=args.timeout, worker_class=args.site_worker_class
        )
        try:
            campaign_rps = wrk(f"{site.url}/campaigns/{SLUG}", seconds)
            bare_rps = wrk(f"{site.url}/bare/", seconds)
        finally:
            site.stop()
        rows.append((f"campaign page / bare 20 KB Flask route, req/s (wrk, 16 conn.,"
                     f" {args.site_worker_class} workers)",
                     f"{campaign_rps:.0f} vs {bare_rps:.0f}: {campaign_rps / bare_rps:.2f}",
                     ">= 0.5"))  # fmt: skip
    else:
        rows.append(("campaign page / bare route, req/s", "not measured: no wrk", ">= 0.5"))
    server = Server(database_url, cache=True, **served)
    try:
        baseline = server.memory("VmRSS")
        print(f"gunicorn ({args.worker_class}, 2 workers) on {server.url};"
              f" worker memory at start {baseline} MB")  # fmt: skip
        page = f"{server.url}/campaigns/{SLUG}"
        visitor = requests.Session()
        full = median_ms(lambda: visitor.get(page, timeout=60), 21)
        empty = median_ms(
            lambda: visitor.get(f"{server.url}/campaigns/{EMPTY_SLUG}", timeout=60), 21
        )
        rows.append((f"campaign page, {donations:,} donations / empty, cached (median)",
                     f"x{full / empty:.1f} ({full:.0f} vs {empty:.0f} ms)", "<= x1.5"))  # fmt: skip

        browser = signed_in(server.url)
        first = median_ms(lambda: browser.get(f"{server.url}/admin/donations/", timeout=60))
        address, walk = page_500(browser, server.url, "/admin/donations/")
        deep = median_ms(lambda: browser.get(address, timeout=60))
        rows.append((f"donations list at {donations:,}, page 1 / page 500",
                     f"{first:.0f} / {deep:.0f} ms (500 pages walked in {walk:.0f} s)",
                     "< 0.5 s each"))  # fmt: skip
        audit_first = median_ms(lambda: browser.get(f"{server.url}/admin/audit/", timeout=60))
        audit_address, _walk = page_500(browser, server.url, "/admin/audit/")
        audit_deep = median_ms(lambda: browser.get(audit_address, timeout=60))
        rows.append(("audit log, page 1 / page 500", f"{audit_first:.0f} / {audit_deep:.0f} ms",
                     "< 0.5 s each"))  # fmt: skip
        search = median_ms(
            lambda: browser.get(f"{server.url}/admin/donations/?q=donor+999999", timeout=60)
        )
        rows.append(("donations list, a search matching one gift", f"{search:.0f} ms",
                     "< 0.5 s"))  # fmt: skip
        lists_peak = server.memory("VmHWM")

        count, spent, peak, status = export(browser, server)
        rows.append((f"CSV export of {donations:,} donations",
                     f"HTTP {status}, {count:,} rows in {spent:.0f} s, worker RSS <= {peak} MB",
                     "every row, streamed, worker <= 300 MB"))  # fmt: skip
        rows.append(("worker peak memory (VmHWM) after the pages, lists and export",
                     f"{lists_peak} MB before the export, {server.memory('VmHWM')} MB after",
                     "<= 300 MB"))  # fmt: skip

        dashboard = median_ms(lambda: browser.get(f"{server.url}/admin/", timeout=120), 5)
        rows.append((f"admin dashboard at {donations:,} donations", f"{dashboard:.0f} ms",
                     "< 1 s"))  # fmt: skip
        rows.append(("worker peak memory (VmHWM) after the dashboard too",
                     f"{server.memory('VmHWM')} MB", "<= 300 MB"))  # fmt: skip
    finally:
        server.stop()

    fresh = Server(database_url, cache=False, **served)
    try:
        visitor = requests.Session()
        full = median_ms(lambda: visitor.get(f"{fresh.url}/campaigns/{SLUG}", timeout=60), 21)
        empty = median_ms(
            lambda: visitor.get(f"{fresh.url}/campaigns/{EMPTY_SLUG}", timeout=60), 21
        )
        rows.append((f"campaign page, {donations:,} donations / empty, rendered afresh",
                     f"x{full / empty:.1f} ({full:.0f} vs {empty:.0f} ms)", "<= x1.5"))  # fmt: skip
    finally:
        fresh.stop()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--donations", type=int, default=1_000_000)
    parser.add_argument(
        "--audit", type=int, default=None, help="audit entries (N / 10, at least 60,000)"
    )
    parser.add_argument("--seconds", type=int, default=15, help="each wrk run")
    parser.add_argument("--timeout", type=int, default=30, help="gunicorn's worker timeout")
    parser.add_argument(
        "--worker-class",
        default="gthread",
        help="gunicorn's worker class for the console (lists, export, dashboard): gthread, as"
        " in production; sync workers are killed by --timeout during a long export",
    )
    parser.add_argument(
        "--site-worker-class",
        default="sync",
        help="gunicorn's worker class for the public site's figure (the page / bare route"
        " ratio): sync, as in production",
    )
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--reuse", metavar="NAME", help="measure this seeded database again")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL URL whose server may create a database",
    )
    args = parser.parse_args()
    name = args.reuse or f"campaigns_scale_{uuid.uuid4().hex[:8]}"
    database_url = args.postgres.rsplit("/", 1)[0] + "/" + name
    admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    try:
        if not args.reuse:
            with admin.connect() as conn:
                conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
            seed(database_url, args.donations, args.audit or max(args.donations // 10, 60_000))
        rows = measure(database_url, args.donations, args)
        width = max(len(row[0]) for row in rows)
        print()
        print(f"{'figure':<{width}}  measured  |  must reach")
        for figure, now, target in rows:
            print(f"{figure:<{width}}  {now}  |  {target}")
        return 0
    finally:
        if not args.keep and not args.reuse:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        elif not args.reuse:
            print(f"kept database {name}: --reuse {name} measures it again")
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
