"""The mail jobs, run by the Celery worker (or in the web process when no broker is set)."""

from __future__ import annotations

from celery import shared_task

#: Task names: stable, so that messages already on the broker survive a refactoring.
SEND = "campaigns.mail.send"
SEND_DUE = "campaigns.mail.send_due"


@shared_task(name=SEND)
def send_message(message_id: int) -> None:
    """Send one outbox message, started after the commit that queued it."""
    from campaigns.mail.outbox import deliver

    deliver(message_id)


#: Batches one sweep sends at most, so that a backlog does not hold the worker for long.
SWEEP_ROUNDS = 10


@shared_task(name=SEND_DUE)
def send_due_messages() -> int:
    """The periodic sweep (beat, every minute): retries, and rows a lost job left behind."""
    from campaigns.mail.outbox import SWEEP_BATCH, send_due

    total = 0
    for _round in range(SWEEP_ROUNDS):
        sent = send_due()
        total += sent
        if sent < SWEEP_BATCH:
            break
    return total
