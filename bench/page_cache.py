"""The campaign page against a bare Flask route returning 20 KB, same gunicorn, same run.

It creates a PostgreSQL database of its own, builds the schema with the migrations and loads
the demo content (``flask demo-data``), serves ``bench/scale_server.py`` with gunicorn
(2 sync workers, as the public site runs in production), then runs ``wrk`` (16
connections) back to back on the campaign page in English, the same page in Arabic and the
bare route, ``--rounds`` times, and prints each round's requests per second and ratios.
wrk keeps no cookies, so every request is a new visitor: a CSRF token of its own, a session
cookie set.

    python bench/page_cache.py --rounds 3 --seconds 10

Not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scale import Server, wrk

ROOT = Path(__file__).resolve().parent.parent
SLUG = "safe-spaces-children-hajin"  # an open demo campaign, with its donate form


def prepare(postgres: str) -> tuple[str, str]:
    name = f"campaigns_page_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = postgres.rsplit("/", 1)[0] + "/" + name
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench-secret"}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    subprocess.run([*flask, "db", "upgrade"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo-data"], cwd=ROOT, env=env, check=True, capture_output=True)
    return name, url


def drop(postgres: str, name: str) -> None:
    admin = sa.create_engine(postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10, help="each wrk run")
    parser.add_argument(
        "--worker-class",
        default="sync",
        help="sync, as the public site runs in production (README); gthread to compare",
    )
    parser.add_argument(
        "--gzip",
        action="store_true",
        help="send Accept-Encoding: gzip (the campaign page is then compressed; the bare "
        "route never is)",
    )
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL")
        or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    )
    args = parser.parse_args()
    name, url = prepare(args.postgres)
    server = Server(url, cache=True, timeout=30, worker_class=args.worker_class)
    try:
        pages = {
            "en": f"{server.url}/en/campaigns/{SLUG}",
            "ar": f"{server.url}/ar/campaigns/{SLUG}",
        }
        bare = f"{server.url}/bare/"
        headers = ("Accept-Encoding: gzip",) if args.gzip else ()
        print(
            f"gunicorn ({args.worker_class}, 2 workers), wrk -t2 -c16 -d{args.seconds}s",
            *headers,
        )
        for round_ in range(1, args.rounds + 1):
            rates = {lang: wrk(page, args.seconds, headers) for lang, page in pages.items()}
            bare_rate = wrk(bare, args.seconds, headers)
            print(
                f"round {round_}: /en {rates['en']:.0f}, /ar {rates['ar']:.0f}, "
                f"bare {bare_rate:.0f} req/s; ratios "
                f"{rates['en'] / bare_rate:.2f} (en), {rates['ar'] / bare_rate:.2f} (ar)",
                flush=True,
            )
    finally:
        server.stop()
        drop(args.postgres, name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
