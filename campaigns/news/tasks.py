"""The news jobs: one batch of a mailing, and the periodic sweep (beat)."""

from __future__ import annotations

from celery import shared_task

#: Task names: stable, so that messages already on the broker survive a refactoring.
BATCH = "campaigns.news.batch"
SWEEP = "campaigns.news.sweep"

#: How often beat starts the sweep (scheduled updates that became public, stalled mailings).
SWEEP_SECONDS = 60.0


@shared_task(name=BATCH)
def mail_batch(mailing_id: int) -> None:
    from campaigns.news.sending import run_mailing

    run_mailing(mailing_id)


@shared_task(name=SWEEP)
def sweep() -> int:
    """Its own unit of work: commits, and the mailings it starts run after that commit."""
    from campaigns.extensions import db
    from campaigns.news.sending import announce_due

    started = announce_due()
    db.session.commit()
    return started
