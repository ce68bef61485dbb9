"""Work that may only happen once the transaction that asked for it has committed.

A minimal version of the request's unit of work: ``after_commit(callback)`` holds a callback
until the session's transaction commits, and drops it if the transaction is rolled back or
closed. It works alike for a request, a CLI command and a job, because it listens to the
session rather than to the request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from campaigns.extensions import db

log = logging.getLogger(__name__)
_PENDING = "campaigns.after_commit"


def after_commit(callback: Callable[[], object]) -> None:
    """Run ``callback`` after the current transaction of ``db.session`` commits; never if not.

    The callback runs while the session finishes its commit, so it must not use that
    session: work with the database in a session of its own. An error in a callback is
    logged and does not undo the commit nor stop the other callbacks.
    """
    db.session.info.setdefault(_PENDING, []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_pending(session: Session) -> None:
    for callback in session.info.pop(_PENDING, []):
        try:
            callback()
        except Exception:
            log.exception("A callback queued for after the commit failed: %r", callback)


@event.listens_for(Session, "after_transaction_end")
def _drop_pending(session: Session, transaction) -> None:
    # Reached after _run_pending on a commit (nothing left by then); on a rollback or a
    # close, what was queued belongs to work that never happened.
    if transaction.parent is None:
        session.info.pop(_PENDING, None)
