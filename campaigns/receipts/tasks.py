"""The yearly statements job, started by beat on 1 January."""

from __future__ import annotations

from celery import shared_task

#: The task's name: stable, so that messages already on the broker survive a refactoring.
YEARLY_STATEMENTS = "campaigns.receipts.yearly_statements"


@shared_task(name=YEARLY_STATEMENTS)
def yearly_statements(year: int | None = None) -> int:
    """Queue the statements of ``year`` (by default the year that has just ended)."""
    from campaigns.extensions import db
    from campaigns.models.base import utcnow
    from campaigns.receipts.statements import send_yearly_statements

    queued = send_yearly_statements(year if year is not None else utcnow().year - 1)
    db.session.commit()  # a job is its own unit of work; the emails start after this
    return queued
