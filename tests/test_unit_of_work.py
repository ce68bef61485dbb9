"""The request as the unit of work: one commit for a successful answer, nothing kept from
a failed one, work queued for after the commit released only by it, and the one early
commit a flow may make.

The views here are a small blueprint of probes on an app of their own (the shared app
takes no new routes once it has served a request), on the same database and inside the
test's rolled-back transaction. Each of its requests pushes its own application context,
so the session is removed at the end of every request, as on a server.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import Blueprint
from sqlalchemy.orm import Session

from campaigns import create_app, unit_of_work
from campaigns.extensions import db as _db
from campaigns.models import Organization

#: What the probes' queued callbacks and the commit listener saw, in order.
happened: list[str] = []

probes = Blueprint("probes", __name__)


def _store(slug: str) -> None:
    _db.session.add(Organization(slug=slug, name_en=slug))
    _db.session.flush()


@probes.post("/probe/store/<slug>/<int:status>")
def store(slug: str, status: int):
    _store(slug)
    return "stored", status


@probes.post("/probe/raise/<slug>")
def store_then_raise(slug: str):
    _store(slug)
    raise RuntimeError("the view failed after writing")


@probes.post("/probe/queue/<slug>/<int:status>")
def store_and_queue(slug: str, status: int):
    _store(slug)
    unit_of_work.after_commit(lambda: happened.append(f"callback {slug}"))
    return "queued", status


@probes.post("/probe/queue-failing/<slug>")
def queue_a_failing_callback(slug: str):
    _store(slug)

    def fails():
        raise RuntimeError("the mail server is down")

    unit_of_work.after_commit(fails)
    unit_of_work.after_commit(lambda: happened.append(f"callback {slug}"))
    return "queued", 200


@probes.post("/probe/early/<slug>")
def commit_early_then_fail(slug: str):
    _store(f"{slug}-before")
    unit_of_work.after_commit(lambda: happened.append(f"callback {slug}-before"))
    unit_of_work.commit_early("the probe's first row must outlive the failure")
    _store(f"{slug}-after")
    unit_of_work.after_commit(lambda: happened.append(f"callback {slug}-after"))
    return "failed after an early commit", 502


@probes.post("/probe/commit-fails/<slug>")
def answer_well_but_fail_to_commit(slug: str):
    # Two organizations with one slug: the unique constraint fails in the commit's flush.
    _db.session.add(Organization(slug=slug, name_en="one"))
    _db.session.add(Organization(slug=slug, name_en="two"))
    unit_of_work.after_commit(lambda: happened.append(f"callback {slug}"))
    return "looked fine", 200


@pytest.fixture(scope="module")
def probe_app(app, tmp_path_factory):
    probe = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "STRIPE_SECRET_KEY": None,
            "RATELIMIT_ENABLED": False,
            "UPLOAD_DIR": str(tmp_path_factory.mktemp("probe-uploads")),
        }
    )
    probe.register_blueprint(probes)
    yield probe
    with probe.app_context():
        _db.engine.dispose()


@pytest.fixture
def probe(probe_app, db):
    happened.clear()

    def note_commit(_session):
        happened.append("commit")

    # First among the listeners: the commit is noted before anything that follows it runs.
    sa.event.listen(Session, "after_commit", note_commit, insert=True)
    try:
        yield probe_app.test_client()
    finally:
        sa.event.remove(Session, "after_commit", note_commit)
        probe_app.config["PROPAGATE_EXCEPTIONS"] = None


def stored(db, slug: str) -> bool:
    query = sa.select(Organization.id).where(Organization.slug == slug)
    return db.session.scalar(query) is not None


@pytest.mark.parametrize("status", [200, 201, 302, 399])
def test_a_successful_answer_is_committed(probe, db, status):
    assert probe.post(f"/probe/store/kept-{status}/{status}").status_code == status
    assert stored(db, f"kept-{status}")
    assert happened == ["commit"]


@pytest.mark.parametrize("status", [400, 403, 404, 422, 429, 500, 502])
def test_an_error_answer_keeps_nothing(probe, db, status):
    assert probe.post(f"/probe/store/dropped-{status}/{status}").status_code == status
    assert not stored(db, f"dropped-{status}")
    assert "commit" not in happened


def test_a_view_that_raises_keeps_nothing(probe, db):
    with pytest.raises(RuntimeError):
        probe.post("/probe/raise/raised")
    assert not stored(db, "raised")
    assert "commit" not in happened


def test_a_view_that_raises_keeps_nothing_behind_the_error_page(probe_app, probe, db):
    probe_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = probe.post("/probe/raise/error-page")
    assert response.status_code == 500
    assert not stored(db, "error-page")
    assert "commit" not in happened


def test_a_commit_that_fails_is_a_500_that_keeps_nothing_and_sends_nothing(probe_app, probe, db):
    probe_app.config["PROPAGATE_EXCEPTIONS"] = False
    response = probe.post("/probe/commit-fails/twice")
    assert response.status_code == 500
    assert not stored(db, "twice")
    assert happened == []


def test_after_commit_runs_once_the_commit_has_succeeded(probe, db):
    assert probe.post("/probe/queue/mailed/200").status_code == 200
    assert happened == ["commit", "callback mailed"]
    assert stored(db, "mailed")


def test_after_commit_is_dropped_by_a_rollback(probe, db):
    assert probe.post("/probe/queue/not-mailed/422").status_code == 422
    assert happened == []
    # Nothing queued by the failed request leaks into the next one.
    assert probe.post("/probe/store/next/200").status_code == 200
    assert happened == ["commit"]


def test_a_failing_callback_is_logged_and_the_answer_stands(probe, db, caplog):
    response = probe.post("/probe/queue-failing/partly-mailed")
    assert response.status_code == 200
    assert stored(db, "partly-mailed")
    assert happened == ["commit", "callback partly-mailed"]
    assert "the mail server is down" in caplog.text


def test_commit_early_keeps_its_work_when_the_request_then_fails(probe, db):
    assert probe.post("/probe/early/gift").status_code == 502
    assert stored(db, "gift-before")
    assert not stored(db, "gift-after")
    # What was queued before the early commit went out with it; what came after did not.
    assert happened == ["commit", "callback gift-before"]


def test_a_command_commits_when_it_ends_and_keeps_nothing_when_it_raises(app, db):
    happened.clear()
    with unit_of_work.command():
        _store("command-done")
        unit_of_work.after_commit(lambda: happened.append("command callback"))
    with pytest.raises(RuntimeError), unit_of_work.command():
        _store("command-failed")
        unit_of_work.after_commit(lambda: happened.append("failed command callback"))
        raise RuntimeError("the command failed")
    with unit_of_work.command(dry_run=True):
        _store("command-dry-run")
    assert stored(db, "command-done")
    assert not stored(db, "command-failed")
    assert not stored(db, "command-dry-run")
    assert happened == ["command callback"]


def test_a_released_savepoint_is_not_the_commit(app, db):
    """Work queued before a SAVEPOINT waits for the transaction around it to commit."""
    ran: list[str] = []
    unit_of_work.after_commit(lambda: ran.append("callback"))
    with db.session.begin_nested():
        db.session.add(Organization(slug="inside-a-savepoint", name_en="Savepoint"))
    assert ran == []
    db.session.commit()
    assert ran == ["callback"]
