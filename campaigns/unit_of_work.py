"""The request is the unit of work: it commits once, at its end, or not at all.

A request whose view answers with a status below 400 is committed after the view (and
every other ``after_request`` step) has built its response; an exception or a status of
400 and more rolls everything back. Services only ``flush()``; views never commit.

Work that must follow the commit (an email, a job) is queued with :func:`after_commit`
and runs only once the commit has succeeded; a rollback drops it. Where a flow must make
its work durable before the request ends, :func:`commit_early` does it and says why.
Command-line tools are their own unit of work: :func:`command`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from flask import Flask, Response, g
from sqlalchemy.exc import SQLAlchemyError

from campaigns.extensions import db

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Register the end of the unit of work.

    Call this before any other ``after_request`` step is registered: Flask runs them in
    the reverse order, so the commit comes last, once the response is final.
    """
    app.after_request(_finish)
    app.teardown_request(_end)


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` once the work done so far is committed; never if it is rolled back.

    The callback runs after the request's commit (or a :func:`commit_early`, which makes
    that work durable too). An exception it raises is logged and swallowed: the answer to
    the request has already been decided.
    """
    _queue().append(callback)


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


def _queue() -> list[Callable[[], object]]:
    if "unit_of_work_callbacks" not in g:
        g.unit_of_work_callbacks = []
    return g.unit_of_work_callbacks


def _commit() -> None:
    db.session.commit()
    callbacks, g.unit_of_work_callbacks = _queue(), []
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log.exception("A task queued for after the commit failed: %r", callback)


def _rollback() -> None:
    _queue().clear()
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
