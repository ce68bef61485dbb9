"""The request is the unit of work: it commits once, at its end, or not at all.

A request whose view answers with a status below 400 is committed after the view (and
every other ``after_request`` step) has built its response; an exception or a status of
400 and more rolls everything back. Services only ``flush()``; views never commit.

Work that must follow the commit (an email, a job) is queued with :func:`after_commit`
and runs only once the commit has succeeded; a rollback drops it. The queue belongs to the
session, not to the request, so it behaves alike in a request, a command and a job. Where
a flow must make its work durable before the request ends, :func:`commit_early` does it
and says why.
Command-line tools are their own unit of work: :func:`command`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, SessionTransaction

from campaigns.extensions import db

log = logging.getLogger(__name__)

_PENDING = "unit_of_work.after_commit"


def init_app(app: Flask) -> None:
    """Register the end of the unit of work.

    Call this before any other ``after_request`` step is registered: Flask runs them in
    the reverse order, so the commit comes last, once the response is final.
    """
    app.after_request(_finish)
    app.teardown_request(_end)


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the work done so far is committed; never if it is rolled back.

    The callback runs as the session finishes its commit (the request's, a
    :func:`commit_early`, a command's), so it must not use that session: a job works in a
    session of its own. An exception it raises is logged and swallowed: the answer to the
    request has already been decided.
    """
    db.session.info.setdefault(_PENDING, []).append(callback)


def commit_early(reason: str) -> None:
    """Commit now, in the middle of the request, because the flow needs its work durable
    before it goes on (``reason`` says why, and is logged). The rest of the request is a
    new unit of work: a failure later on rolls back only what follows."""
    log.debug("Committing before the end of the request: %s", reason)
    _commit()


def abandon() -> None:
    """Roll back the request's work now (an error page then reads a clean session)."""
    _rollback()


@contextmanager
def command(*, dry_run: bool = False) -> Iterator[None]:
    """A command-line tool's unit of work: committed when the block ends normally (unless
    ``dry_run``), rolled back when it raises."""
    try:
        yield
    except BaseException:
        _rollback()
        raise
    if dry_run:
        _rollback()
    else:
        _commit()


def _commit() -> None:
    if _untouched():
        return
    db.session.commit()


def _untouched() -> bool:
    """Nothing in this context opened a session (a page served from the cache): nothing to
    commit or roll back, and no session is built just to end it."""
    registry = getattr(db.session, "registry", None)
    return registry is not None and not registry.has()


def _rollback() -> None:
    if _untouched():
        return
    try:
        db.session.rollback()
    except SQLAlchemyError:
        # A connection that broke cannot even roll back; the database has dropped the
        # transaction with it, and the session is discarded at the end of the request.
        log.exception("Rolling back the request's work failed")


def _finish(response: Response) -> Response:
    """Commit a successful answer, roll back an error. A failed commit raises, so that the
    request becomes a 500 (whose own pass through here rolls back)."""
    if response.status_code >= 400:
        _rollback()
    else:
        _commit()
    return response


def _end(_exc: BaseException | None) -> None:
    """Whatever did not reach :func:`_finish` (an exception no handler answered) is undone.

    After a commit this only ends the read-only transaction a streamed body may have used.
    """
    _rollback()


@event.listens_for(Session, "after_commit")
def _run_pending(session: Session) -> None:
    if session.get_nested_transaction() is not None:
        # Releasing a SAVEPOINT fires this event too, but nothing is durable until the
        # transaction around it commits.
        return
    for callback in session.info.pop(_PENDING, []):
        try:
            callback()
        except Exception:
            log.exception("A task queued for after the commit failed: %r", callback)


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction: SessionTransaction) -> None:
    # After a commit the queue is already empty; after a rollback or a close, what was
    # queued belongs to work that never happened.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
