"""Background jobs on Celery, as in Flask's "Background Tasks with Celery".

With ``CELERY_BROKER_URL`` set, a worker (``celery --app wsgi.celery_app worker``) runs the
jobs and beat (``celery --app wsgi.celery_app beat``) the periodic ones. Without a broker
the jobs run in the web process. Either way a job is started only once the transaction that
asked for it has committed (:func:`start_after_commit`), so it never sees work that was
rolled back, nor misses work that has not been committed yet.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from celery import Celery, Task
from celery.schedules import crontab
from flask import Flask, current_app, g, has_app_context, has_request_context
from sqlalchemy.orm import Session

from campaigns.extensions import db
from campaigns.unit_of_work import after_commit

log = logging.getLogger(__name__)

#: How often beat starts the sweep that sends mail a lost job left behind.
MAIL_SWEEP_SECONDS = 60.0


def init_app(app: Flask) -> Celery:
    """Create the app's Celery application and the commands that go with it."""
    from campaigns.mail.commands import register

    celery_app = celery_init_app(app)
    register(app)
    app.teardown_request(start_waiting_jobs)
    return celery_app


def celery_init_app(app: Flask) -> Celery:
    """A Celery application whose tasks run inside this Flask app's context."""
    from campaigns.mail import tasks  # noqa: F401 - registers the mail tasks
    from campaigns.news import tasks as news_tasks  # noqa: F401 - and the news tasks
    from campaigns.receipts import tasks as receipt_tasks  # noqa: F401 - and the statements

    class FlaskTask(Task):
        def __call__(self, *args: object, **kwargs: object) -> object:
            # Without a broker the task runs inside the caller's app context: pushing a
            # second one would end the caller's database session when it is popped.
            # current_app is a proxy, typed as the app it stands for (hence the ignore).
            if has_app_context() and current_app._get_current_object() is app:  # type: ignore[attr-defined]
                return self.run(*args, **kwargs)
            with app.app_context():
                return self.run(*args, **kwargs)

    celery_app: Celery = Celery(app.import_name, task_cls=FlaskTask)
    celery_app.config_from_object(celery_settings(app))
    celery_app.set_default()
    app.extensions["celery"] = celery_app
    return celery_app


def celery_settings(app: Flask) -> dict:
    broker = app.config.get("CELERY_BROKER_URL")
    from campaigns.mail.tasks import SEND_DUE
    from campaigns.news.tasks import SWEEP, SWEEP_SECONDS
    from campaigns.receipts.tasks import YEARLY_STATEMENTS

    return {
        "broker_url": broker or "memory://localhost/",
        # No broker: run each job here, at the moment it is started (after the commit).
        "task_always_eager": broker is None,
        "task_eager_propagates": True,
        "task_ignore_result": True,
        "broker_connection_retry_on_startup": True,
        # A broker that is down must not hold a request for long: the sweep catches up.
        "broker_connection_timeout": 2.0,
        "task_publish_retry_policy": {
            "max_retries": 2,
            "interval_start": 0.2,
            "interval_step": 0.5,
        },
        "timezone": "UTC",
        "beat_schedule": {
            "send-due-mail": {"task": SEND_DUE, "schedule": MAIL_SWEEP_SECONDS},
            "mail-due-news": {"task": SWEEP, "schedule": SWEEP_SECONDS},
            "yearly-statements": {
                "task": YEARLY_STATEMENTS,
                "schedule": crontab(minute=0, hour=6, day_of_month=1, month_of_year=1),
            },
        },
        "beat_schedule_filename": str(Path(app.instance_path) / "celerybeat-schedule"),
        "worker_hijack_root_logger": False,
    }


def start_after_commit(task_name: str, *args: object) -> None:
    """Start the job ``task_name(*args)`` once the current transaction commits.

    If it cannot be started (the broker is down) or, without a broker, it fails, the error
    is logged: the jobs are written so that a periodic sweep finishes what one left undone.
    """
    task = current_app.extensions["celery"].tasks[task_name]

    def start() -> None:
        try:
            task.apply_async(args)
        except Exception:
            log.exception("Could not start the job %s%r; the sweep will catch up.", task_name, args)

    def start_when_committed() -> None:
        # In a request, the job starts once the request is over and its connection is back
        # in the pool: a job run in this process (no broker) then never waits on it, which
        # on SQLite, whose writers take turns, would end in "database is locked".
        if has_request_context():
            g.setdefault("jobs_to_start", []).append(start)
        else:
            start()

    after_commit(start_when_committed)


def start_waiting_jobs(_exc: BaseException | None = None) -> None:
    """Start the jobs the request's commit released (see :func:`start_after_commit`)."""
    for start in g.pop("jobs_to_start", []):
        start()


@contextmanager
def job_session() -> Iterator[Session]:
    """A session of the job's own, apart from any request's: its commits are the job's. A
    job run in the web process right after a commit cannot use the request's session."""
    session = Session(
        bind=db.session.get_bind(),
        join_transaction_mode="create_savepoint",
        expire_on_commit=False,
    )
    try:
        yield session
    finally:
        session.close()
