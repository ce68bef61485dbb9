"""A real Celery worker (``celery --app wsgi.celery_app worker``, as production runs it) on
Redis sends the outbox's mail to a real SMTP server, end to end.

The worker is another process: it sees only committed rows, so this test commits for real,
in a PostgreSQL database of its own that is dropped afterwards, and uses a Redis database
number of its own (``TEST_CELERY_BROKER_URL``) that it empties before and after.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask_migrate import upgrade

from campaigns import create_app, mail
from campaigns.extensions import db
from campaigns.mail import outbox
from campaigns.mail.tasks import SEND_DUE
from campaigns.models import OutboxMessage, OutboxStatus
from tests.conftest import IN_CI, PG_ADMIN_URL
from tests.mail_server import SMTPServer

pytestmark = pytest.mark.postgres_only

ROOT = Path(__file__).resolve().parents[2]
BROKER_URL = os.environ.get("TEST_CELERY_BROKER_URL", "redis://127.0.0.1:6379/13")
CELERY = Path(sys.executable).parent / "celery"


@pytest.fixture(scope="module")
def broker():
    client = redis.Redis.from_url(BROKER_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        client.close()
        message = f"Redis is not reachable at {BROKER_URL}: {exc}"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    client.flushdb()
    try:
        yield BROKER_URL
    finally:
        client.flushdb()
        client.close()


@pytest.fixture(scope="module")
def committed_database(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("the worker test runs once, on PostgreSQL")
    name = f"campaigns_worker_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="module")
def smtp():
    server = SMTPServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def web_app(committed_database, broker, smtp):
    """The web side: an app whose jobs go to the broker, on the committed database."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "worker-test",
            "SQLALCHEMY_DATABASE_URI": committed_database,
            "CELERY_BROKER_URL": broker,
            "MAIL_SERVER": smtp.host,
            "MAIL_PORT": smtp.port,
            "RATELIMIT_ENABLED": False,
        }
    )
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def worker(web_app, committed_database, broker, smtp, tmp_path_factory):
    """``celery --app wsgi.celery_app worker``, configured from the environment only."""
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    env = dict(
        os.environ,
        DATABASE_URL=committed_database,
        CELERY_BROKER_URL=broker,
        MAIL_SERVER=smtp.host,
        MAIL_PORT=str(smtp.port),
        SECRET_KEY="worker-test",
        PYTHONWARNINGS="ignore",
    )
    for name in ("MAIL_USE_TLS", "MAIL_USE_SSL", "MAIL_USERNAME", "CAMPAIGNS_ENV"):
        env.pop(name, None)
    command = [str(CELERY), "--app", "wsgi.celery_app", "worker", "--pool", "solo",
               "--without-heartbeat", "--without-gossip", "--without-mingle",
               "--loglevel", "INFO"]  # fmt: skip
    with log_path.open("wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        deadline = time.monotonic() + 60
        while b"ready." not in log_path.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the worker did not start:\n" + log_path.read_text())
            time.sleep(0.2)
        yield log_path
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _status(app, message_id: int) -> OutboxStatus:
    with app.app_context():
        return db.session.get(OutboxMessage, message_id).status


def _wait_for_status(app, message_id: int, status: OutboxStatus, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while _status(app, message_id) != status:
        assert time.monotonic() < deadline, f"message {message_id} never became {status}"
        time.sleep(0.2)


def test_the_worker_sends_a_message_queued_by_the_web_app(web_app, worker, smtp):
    before = len(smtp.messages)
    with web_app.app_context():
        row = mail.queue("mail_check", to="donor@example.org", locale="ar", dedupe_key="w:1")
        message_id = row.id
        assert smtp.messages[before:] == [], "nothing is sent in the web process"
        db.session.commit()  # hands the job to the broker
    smtp.inbox.wait_for(before + 1, timeout=30)
    _wait_for_status(web_app, message_id, OutboxStatus.SENT)
    [message] = smtp.messages[before:]
    assert message["To"] == "donor@example.org"
    assert message["Subject"] == "رسالة تجريبية من تبرّع لسوريا"
    assert "campaigns.mail.send" in worker.read_text()


def test_the_sweep_on_the_worker_sends_what_a_lost_job_left(web_app, worker, smtp, monkeypatch):
    before = len(smtp.messages)
    with web_app.app_context():
        with monkeypatch.context() as patch:
            patch.setattr("campaigns.jobs.start_after_commit", lambda *args: None)
            message_id = mail.queue("mail_check", to="lost@example.org", locale="en").id
            db.session.commit()
        assert _status(web_app, message_id) == OutboxStatus.QUEUED
        web_app.extensions["celery"].tasks[SEND_DUE].apply_async()
    smtp.inbox.wait_for(before + 1, timeout=30)
    _wait_for_status(web_app, message_id, OutboxStatus.SENT)
    assert [m["To"] for m in smtp.messages[before:]] == ["lost@example.org"]
    with web_app.app_context():
        assert outbox.deliver(message_id) is None
    assert len(smtp.messages) == before + 1, "sent once"


def test_beat_runs_the_sweep_every_minute(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    assert schedule["send-due-mail"] == {"task": SEND_DUE, "schedule": 60.0}
    assert SEND_DUE in app.extensions["celery"].tasks


def test_concurrent_sweeps_send_each_message_once(web_app, smtp, monkeypatch):
    """Several workers sweeping at once: row locks skipped, claims won once, no duplicate."""
    before = len(smtp.messages)
    with web_app.app_context(), monkeypatch.context() as patch:
        patch.setattr("campaigns.jobs.start_after_commit", lambda *args: None)
        for n in range(30):
            mail.queue("mail_check", to=f"donor{n}@example.org", locale="en")
        db.session.commit()

    def sweep() -> int:
        with web_app.app_context():
            return sum(outbox.send_due(limit=4) for _round in range(10))

    with ThreadPoolExecutor(max_workers=4) as pool:
        attempted = sum(pool.map(lambda _n: sweep(), range(4)))
    assert attempted == 30
    recipients = [m["To"] for m in smtp.inbox.wait_for(before + 30)[before:]]
    assert sorted(recipients) == sorted(f"donor{n}@example.org" for n in range(30))
    with web_app.app_context():
        statuses = db.session.scalars(
            sa.select(OutboxMessage.status).where(OutboxMessage.recipient.like("donor%"))
        ).all()
    assert set(statuses) == {OutboxStatus.SENT}
