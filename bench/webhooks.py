"""Sustained webhook throughput: gunicorn workers on PostgreSQL, many concurrent senders.

It creates a throwaway PostgreSQL database, builds the schema, opens one campaign with N
pending Stripe donations, starts gunicorn on it, and sends each donation's signed
``checkout.session.completed`` (plus a share of duplicate deliveries, as Stripe's retries
would) from concurrent senders. It prints events per second, then checks that the campaign's
total is exact and that ``reconcile`` finds no drift.

For a ceiling measured in the same run, on the same server, it then runs ``pgbench`` (from
PostgreSQL) with as many clients as senders, each transaction a single-row ``UPDATE`` of one
counter (the cheapest write a hot row can take), and prints events/s divided by pgbench's
transactions per second. Last, it delivers ``--probe`` more events in this process through
the test client, counts their SQL statements (round trips, BEGIN and COMMIT included) and
the CPU time this process spent per event (``--profile``: where it went), and drops the
database.

    python bench/webhooks.py --events 2000 --workers 4 --senders 16
    python bench/webhooks.py --app /path/to/another/checkout   # the same, on other code
    python bench/webhooks.py --probe-only --probe 300 --profile  # CPU per event only

Bounded: it stops sending after ``--events`` deliveries or ``--max-seconds``, whichever
comes first.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import requests
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
if "--app" in sys.argv:  # measure another checkout of the app (its code, its migrations)
    ROOT = Path(sys.argv[sys.argv.index("--app") + 1]).resolve()
sys.path.insert(0, str(ROOT))

SECRET = "whsec_bench_secret"  # noqa: S105 - signs events for a local throwaway server
AMOUNT = 2500


def sign(body: str) -> str:
    t = int(time.time())
    digest = hmac.new(SECRET.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def completion(donation_id: int, reference: str, slug: str) -> dict:
    """A ``checkout.session.completed`` event shaped as Stripe sends it."""
    now = int(time.time())
    return {
        "id": f"evt_{uuid.uuid4().hex[:24]}",
        "object": "event",
        "api_version": "2023-08-16",
        "created": now,
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": "checkout.session.completed",
        "data": {
            "object": {
                "id": f"cs_test_{reference}",
                "object": "checkout.session",
                "amount_subtotal": AMOUNT,
                "amount_total": AMOUNT,
                "client_reference_id": str(donation_id),
                "currency": "usd",
                "customer": f"cus_{reference[:14]}",
                "customer_email": "bench@example.org",
                "metadata": {
                    "donation_id": str(donation_id),
                    "donation_reference": reference,
                    "campaign": slug,
                },
                "mode": "payment",
                "payment_intent": f"pi_{reference}",
                "payment_status": "paid",
                "status": "complete",
                "submit_type": "donate",
                "subscription": None,
                "created": now,
                "expires_at": now + 86400,
                "livemode": False,
            }
        },
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(database_url: str, count: int, migrate: bool = True) -> tuple[int, list[dict]]:
    """Schema, one campaign and ``count`` pending donations; returns their events."""
    from flask_migrate import upgrade

    from campaigns import create_app
    from campaigns.extensions import db
    from campaigns.models import Campaign, CampaignState, DonationSource, Organization, Sector
    from campaigns.payments import ledger

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    suffix = "" if migrate else f"-{uuid.uuid4().hex[:6]}"
    with app.app_context():
        if migrate:
            upgrade()
        org = Organization(slug=f"bench{suffix}", name_en="Bench", founded_on=date(2018, 1, 1))
        campaign = Campaign(
            slug=f"bench{suffix}",
            organization=org,
            state=CampaignState.PUBLISHED,
            sector=Sector.HEALTH,
            currency="USD",
            goal_minor=10**9,
            starts_on=date.today() - timedelta(days=1),
            title_en="Bench",
        )
        db.session.add(campaign)
        db.session.flush()
        rows = [
            ledger.open_donation(campaign, AMOUNT, source=DonationSource.STRIPE)
            for _ in range(count)
        ]
        db.session.commit()
        events = [completion(d.id, d.reference, campaign.slug) for d in rows]
        campaign_id = campaign.id
        db.engine.dispose()
    return campaign_id, events


def settle(database_url: str) -> None:
    """VACUUM ANALYZE and a checkpoint before the run: the thousands of donations just
    written would otherwise start autovacuum and a checkpoint in the middle of it, and each
    run would measure a different share of them."""
    engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
        conn.execute(sa.text("CHECKPOINT"))
    engine.dispose()


def check(database_url: str, campaign_id: int) -> tuple[int, int, list, int]:
    """The campaign's total and donors, what ``reconcile`` finds, and the events stored."""
    from campaigns import create_app
    from campaigns.extensions import db
    from campaigns.models import Campaign, PaymentEvent
    from campaigns.payments import ledger

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": "bench"})
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        stored = db.session.scalar(sa.select(sa.func.count()).select_from(PaymentEvent))
        result = (campaign.raised_minor, campaign.donor_count, ledger.reconcile(), stored)
        db.engine.dispose()
    return result


def pgbench_tps(database_url: str, clients: int, seconds: int) -> float:
    """Single-row UPDATE transactions per second that pgbench gets from the same server."""
    url = sa.engine.make_url(database_url)
    engine = sa.create_engine(database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE bench_counter (id integer PRIMARY KEY, n bigint)"))
        conn.execute(sa.text("INSERT INTO bench_counter VALUES (1, 0)"))
    engine.dispose()
    handle, name = tempfile.mkstemp(suffix=".sql")
    script = Path(name)
    with os.fdopen(handle, "w") as file:
        file.write("UPDATE bench_counter SET n = n + 1 WHERE id = 1;\n")
    env = {**os.environ, **({"PGPASSWORD": url.password} if url.password else {})}
    command = [
        "pgbench",
        "--no-vacuum",
        f"--client={clients}",
        "--jobs=2",
        f"--time={seconds}",
        f"--file={script}",
        f"--host={url.host or '127.0.0.1'}",
        f"--port={url.port or 5432}",
        f"--username={url.username or 'postgres'}",
        url.database or "postgres",
    ]
    try:
        output = subprocess.run(
            command, env=env, capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    finally:
        script.unlink(missing_ok=True)
    for line in output.splitlines():
        if line.startswith("tps = "):
            return float(line.split()[2])
    raise RuntimeError(f"no tps in pgbench's output:\n{output}")


#: Deliveries made in this process before any is measured (imports, caches, prepared
#: statements).
WARM_UP = 20


def round_trips(
    database_url: str, count: int, profile: bool = False
) -> tuple[float, Counter, float]:
    """Statements per event (BEGIN and COMMIT included) for ``count`` completions delivered
    in this process, one request each; how many of each kind all of them took; and the CPU
    time of this process per delivery, in milliseconds (after ``WARM_UP`` deliveries that
    are not counted). With ``profile``, prints where that CPU time goes."""
    import cProfile
    import pstats

    from sqlalchemy import event

    from campaigns import create_app
    from campaigns.extensions import db

    _, events = prepare(database_url, count + WARM_UP, migrate=False)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": "bench",
            "STRIPE_WEBHOOK_SECRET": SECRET,
            "RATELIMIT_ENABLED": False,
            "STRIPE_SECRET_KEY": None,
        }
    )
    kinds: Counter = Counter()

    def statement(conn, cursor, text, parameters, context, executemany):
        kinds[" ".join(text.split()[:3])[:60]] += 1

    def counted(conn):
        kinds.update(["BEGIN"])

    def committed(conn):
        kinds.update(["COMMIT"])

    with app.app_context():
        client = app.test_client()
        engine = db.engine
        bodies = [json.dumps(e) for e in events]
        # Signed beforehand: the signing is the sender's work, not the app's.
        signed = [(body.encode(), sign(body)) for body in bodies]

        def deliver(body: bytes, signature: str) -> None:
            response = client.post(
                "/webhooks/stripe",
                data=body,
                headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
            )
            assert response.status_code == 200, response.get_data(as_text=True)

        for body, signature in signed[:WARM_UP]:
            deliver(body, signature)
        event.listen(engine, "before_cursor_execute", statement)
        event.listen(engine, "begin", counted)
        event.listen(engine, "commit", committed)
        profiler = cProfile.Profile(time.process_time) if profile else None
        cpu = time.process_time()
        if profiler:
            profiler.enable()
        for body, signature in signed[WARM_UP:]:
            deliver(body, signature)
        if profiler:
            profiler.disable()
        cpu = time.process_time() - cpu
        for name, listener in (
            ("before_cursor_execute", statement),
            ("begin", counted),
            ("commit", committed),
        ):
            event.remove(engine, name, listener)
        engine.dispose()
    if profiler:
        print("CPU time by function (cumulative, under the profiler):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)
    return sum(kinds.values()) / count, kinds, cpu * 1000 / count


def start_gunicorn(
    database_url: str, port: int, workers: int, worker_class: str = "sync", threads: int = 1
) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": database_url,
        "STRIPE_WEBHOOK_SECRET": SECRET,
        "SECRET_KEY": "bench-secret",
        "CAMPAIGNS_ENV": "production",
        "PUBLIC_URL": f"http://127.0.0.1:{port}",
        "RATELIMIT_ENABLED": "false",
    }
    env.pop("STRIPE_SECRET_KEY", None)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--threads",
        str(threads),
        "--bind",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        "wsgi:app",
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env)


def wait_until_serving(port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
            return
        except requests.RequestException:
            time.sleep(0.5)
    raise RuntimeError("gunicorn did not start")


def probe(database_url: str, count: int, profile: bool) -> None:
    per_event, kinds, cpu = round_trips(database_url, count, profile)
    print(f"SQL round trips per event (BEGIN and COMMIT included): {per_event:.1f}")
    for kind, n in kinds.most_common():
        print(f"  {n / count:5.2f}  {kind}")
    print(
        f"CPU time of the app's process per event, {count} deliveries through the test"
        f" client (PostgreSQL's own work not included): {cpu:.2f} ms"
        + (" (under the profiler)" if profile else "")
    )


def send_with_python(
    url: str, deliveries: list[str], senders: int, max_seconds: float
) -> tuple[Counter, float]:
    """Each delivery signed as it leaves, from ``senders`` threads of this process (whose
    Python competes with the app's for the same cores)."""
    statuses: Counter = Counter()
    lock = threading.Lock()
    stop_at = time.monotonic() + max_seconds
    local = threading.local()

    def send(body: str) -> None:
        if time.monotonic() > stop_at:
            return
        session = getattr(local, "session", None) or requests.Session()
        local.session = session
        response = session.post(
            url,
            data=body.encode(),
            headers={"Stripe-Signature": sign(body), "Content-Type": "application/json"},
            timeout=30,
        )
        with lock:
            statuses[response.status_code] += 1

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=senders) as pool:
        list(pool.map(send, deliveries))
    return statuses, time.monotonic() - started


def send_with_wrk(
    url: str, deliveries: list[str], senders: int, seconds: int
) -> tuple[Counter, float]:
    """The deliveries signed beforehand (well within Stripe's five minutes of tolerance) and
    sent by ``wrk`` for ``seconds``, one connection per thread, each delivery once
    (``webhooks.lua``); the statuses, and the time wrk measured."""
    handle, name = tempfile.mkstemp(suffix=".tsv")
    path = Path(name)
    with os.fdopen(handle, "w") as file:
        for body in deliveries:
            file.write(f"{sign(body)}\t{body}\n")
    command = [
        "wrk",
        f"--threads={senders}",
        f"--connections={senders}",
        f"--duration={seconds}s",
        "--timeout=30s",
        f"--script={Path(__file__).with_suffix('.lua')}",
        url,
        "--",
        str(path),
        str(senders),
    ]
    try:
        output = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    finally:
        path.unlink(missing_ok=True)
    statuses: Counter = Counter()
    elapsed = float(seconds)
    for line in output.splitlines():
        words = line.split()
        if line.startswith("status "):
            statuses[int(words[1])] += int(words[2])
        elif line.startswith("answered "):
            elapsed = int(words[3]) / 1e6
        elif line.startswith("exhausted ") and int(words[1]):
            raise SystemExit(
                f"{words[1]} of wrk's threads sent all their deliveries before the end:"
                " give more --events or fewer --seconds"
            )
        elif line.startswith("socket errors"):
            print(f"wrk's {line}")
    return statuses, elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=2000, help="distinct events to send")
    parser.add_argument("--duplicates", type=float, default=0.1, help="share sent twice")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    parser.add_argument(
        "--worker-class",
        default="sync",
        help="gunicorn's worker class (sync: a process per request, as behind a proxy)",
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--senders", type=int, default=16, help="concurrent senders")
    parser.add_argument(
        "--max-seconds", type=float, default=120, help="python senders: stop sending after"
    )
    parser.add_argument("--pgbench-seconds", type=int, default=15, help="length of pgbench's run")
    parser.add_argument(
        "--probe",
        type=int,
        default=20,
        help="events delivered in this process: their statements and CPU time are counted",
    )
    parser.add_argument(
        "--profile", action="store_true", help="profile the CPU time of the probe's events"
    )
    parser.add_argument(
        "--probe-only",
        action="store_true",
        help="only the probe: no gunicorn, no pgbench (a quick measure of CPU per event)",
    )
    parser.add_argument(
        "--sender",
        choices=("wrk", "python"),
        default="wrk" if shutil.which("wrk") else "python",
        help="what sends the deliveries: wrk (C, the default when installed) or threads here",
    )
    parser.add_argument(
        "--seconds", type=int, default=10, help="length of wrk's run (more --events than it uses)"
    )
    parser.add_argument("--app", default=str(ROOT), help="the checkout of the app to measure")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
        ),
        help="a PostgreSQL URL whose server may create a throwaway database",
    )
    args = parser.parse_args()

    name = f"campaigns_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(args.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    database_url = args.postgres.rsplit("/", 1)[0] + "/" + name
    process = None
    try:
        if args.probe_only:
            prepare(database_url, 0)  # the schema
            probe(database_url, args.probe, args.profile)
            return 0
        campaign_id, events = prepare(database_url, args.events)
        settle(database_url)
        bodies = [json.dumps(e) for e in events]
        deliveries = bodies + random.sample(bodies, int(len(bodies) * args.duplicates))
        random.shuffle(deliveries)

        port = free_port()
        process = start_gunicorn(database_url, port, args.workers, args.worker_class, args.threads)
        wait_until_serving(port)
        url = f"http://127.0.0.1:{port}/webhooks/stripe"
        if args.sender == "wrk":
            statuses, elapsed = send_with_wrk(url, deliveries, args.senders, args.seconds)
        else:
            statuses, elapsed = send_with_python(url, deliveries, args.senders, args.max_seconds)
        sent = sum(statuses.values())

        # gunicorn stops gracefully: the requests still running when wrk stopped finish first.
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
        process = None
        raised, donors, drift, stored = check(database_url, campaign_id)
        rate = sent / elapsed
        print(
            f"{sent} deliveries ({sent - stored} of them repeats) in {elapsed:.1f} s"
            f" with {args.workers} gunicorn {args.worker_class} workers ({args.threads} threads)"
            f" and {args.senders} senders ({args.sender}): {rate:.0f} events/s"
        )
        print(f"HTTP statuses: {dict(statuses)}")
        # Every event stored is a distinct completion of a gift of AMOUNT: the total must be
        # exactly that many gifts, however the deliveries and their repeats interleaved.
        exact = raised == stored * AMOUNT and donors == stored
        ok = not drift and set(statuses) == {200} and exact
        print(
            f"campaign total {raised} minor units from {donors} donors;"
            f" expected {stored * AMOUNT} from the {stored} events stored:"
            f" {'exact' if exact else 'WRONG'}; reconcile drift: {len(drift)}"
        )
        tps = pgbench_tps(database_url, args.senders, args.pgbench_seconds)
        print(
            f"pgbench, single-row UPDATE, {args.senders} clients, same server: {tps:.0f} TPS;"
            f" events/s / pgbench TPS = {rate / tps:.3f}"
        )
        if args.probe:
            probe(database_url, args.probe, args.profile)
        return 0 if ok else 1
    finally:
        if process is not None:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
