"""Queueing emails in the outbox, and the jobs that send them exactly once.

Sending happens outside any transaction of the caller, in short transactions of its own:
a job claims a row (a conditional UPDATE, so two jobs never both win it), commits, talks to
the SMTP server, and records the outcome. A claim lasts :data:`CLAIM_TIMEOUT`; if the job
dies meanwhile, the sweep takes the row again once the claim has expired.
"""

from __future__ import annotations

import logging
import smtplib
from datetime import datetime, timedelta
from email.utils import make_msgid
from typing import Any, cast

from flask import current_app
from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from campaigns.extensions import db
from campaigns.jobs import job_session
from campaigns.mail.compose import build_message, default_sender, is_address, render
from campaigns.mail.transport import is_permanent, open_transport
from campaigns.models import Organization, OutboxMessage, OutboxStatus
from campaigns.models.base import utcnow

log = logging.getLogger(__name__)

#: Attempts before a message is given up (status ``failed``).
MAX_ATTEMPTS = 8
#: The wait after the first failed attempt; it doubles after each further failure...
FIRST_RETRY = timedelta(minutes=1)
#: ... up to this. Eight attempts span about two and a half hours.
LONGEST_WAIT = timedelta(hours=1)
#: How long a job may hold a message; past it, the job is taken for lost.
CLAIM_TIMEOUT = timedelta(minutes=10)
#: Messages one sweep sends at most (beat starts one a minute).
SWEEP_BATCH = 200


def queue(
    template: str,
    *,
    to: str,
    locale: str,
    organization: Organization | None = None,
    context: dict | None = None,
    headers: dict[str, str] | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage | None:
    """Render ``email/<template>`` for ``to`` and write it to the outbox; send it after the commit.

    Only flushes: the email belongs to the caller's transaction, and a rollback takes it
    back. ``organization`` signs it (the From name, in ``locale``; its Reply-To address).
    With a ``dedupe_key`` already in the outbox nothing is queued and ``None`` is returned,
    so the same event (a redelivered webhook) never sends a second email. A bad address or
    header raises ``ValueError`` and queues nothing.
    """
    if dedupe_key is not None and _queued_already(dedupe_key):
        return None
    row = message_row(
        template,
        to=to,
        locale=locale,
        organization=organization,
        context=context,
        headers=headers,
        dedupe_key=dedupe_key,
    )
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        # A concurrent transaction queued the same key first; anything else is a real error.
        if dedupe_key is not None and _queued_already(dedupe_key):
            return None
        raise

    from campaigns.jobs import start_after_commit
    from campaigns.mail.tasks import SEND

    start_after_commit(SEND, row.id)
    return row


def message_row(
    template: str,
    *,
    to: str,
    locale: str,
    organization: Organization | None = None,
    context: dict | None = None,
    headers: dict[str, str] | None = None,
    dedupe_key: str | None = None,
) -> OutboxMessage:
    """The outbox row of an email, rendered and checked, not yet added to any session.

    For jobs that write to the outbox in a session of their own; others use :func:`queue`.
    """
    locale = _language(locale)
    sender_name, sender_address = default_sender()
    if organization is not None:
        sender_name = organization.localized("name", locale).text
    values = dict(context or {}, organization=organization, recipient=to, locale=locale)
    rendered = render(template, locale, values)
    all_headers = {
        "Message-ID": make_msgid(domain=sender_address.rpartition("@")[2]),
        # Receipts and notices are not conversations: no vacation auto-replies (RFC 3834).
        "Auto-Submitted": "auto-generated",
    }
    reply_to = organization.reply_to_email if organization is not None else None
    if reply_to and is_address(reply_to):
        all_headers["Reply-To"] = reply_to
    elif reply_to and organization is not None:
        # A typo in the organization's profile must not stop its receipts: send without.
        log.warning("Organization %s has an unusable Reply-To %r.", organization.id, reply_to)
    all_headers.update(headers or {})
    row = OutboxMessage(
        dedupe_key=dedupe_key,
        template=template,
        organization_id=organization.id if organization is not None else None,
        locale=locale,
        recipient=to,
        sender_name=sender_name or None,
        sender_address=sender_address,
        subject=rendered.subject[:300],
        text_body=rendered.text,
        html_body=rendered.html,
        headers=all_headers,
        status=OutboxStatus.QUEUED,
        attempts=0,
        next_attempt_at=utcnow(),
    )
    build_message(row)  # refuse now what could never be sent
    return row


def deliver(message_id: int) -> OutboxStatus | None:
    """Send one message if it is due and no other job holds it; its new status, or ``None``.

    A message never tried is due whatever the clocks say: the worker's clock may be a
    little behind the web server's that stamped it.
    """
    with job_session() as session:
        now = utcnow()
        claimed = _claim(session, message_id, now, first_attempt=True)
        session.commit()
        if not claimed:
            return None
        row = session.get_one(OutboxMessage, message_id)
        _send_all(session, [row])
        return row.status


def send_due(limit: int | None = None) -> int:
    """Send the messages that are due: queued past their next attempt, or whose job was lost.

    On PostgreSQL, concurrent sweeps skip each other's rows (``FOR UPDATE SKIP LOCKED``);
    everywhere, the conditional claim lets only one job have a message. Returns how many
    messages this sweep attempted, at most ``limit`` (:data:`SWEEP_BATCH`).
    """
    with job_session() as session:
        now = utcnow()
        _give_up_lost(session, now)
        ids = session.scalars(
            select(OutboxMessage.id)
            .where(_is_due(now))
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit or SWEEP_BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        claimed = [message_id for message_id in ids if _claim(session, message_id, now)]
        session.commit()
        rows = [session.get_one(OutboxMessage, message_id) for message_id in claimed]
        _send_all(session, rows)
        return len(rows)


def retry_wait(attempts: int) -> timedelta:
    """How long to wait after ``attempts`` failed attempts: 1, 2, 4 ... minutes, at most an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def _language(locale: str) -> str:
    language = str(locale or "").replace("-", "_").split("_")[0].lower()
    return language if language in current_app.config["LANGUAGES"] else "en"


def _queued_already(dedupe_key: str) -> bool:
    found = db.session.scalar(
        select(OutboxMessage.id).where(OutboxMessage.dedupe_key == dedupe_key)
    )
    return found is not None


def _is_due(now: datetime):
    return and_(
        OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.SENDING)),
        OutboxMessage.next_attempt_at <= now,
    )


def _give_up_lost(session: Session, now: datetime) -> None:
    """A message whose every attempt died with its job (it may crash the sender) is failed."""
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.attempts >= MAX_ATTEMPTS,
        )
        .values(status=OutboxStatus.FAILED, last_error="Every attempt's job was lost.")
        .execution_options(synchronize_session=False)
    )


def _claim(session: Session, message_id: int, now: datetime, first_attempt=False) -> bool:
    due = and_(_is_due(now), OutboxMessage.attempts < MAX_ATTEMPTS)
    if first_attempt:
        never_tried = and_(OutboxMessage.status == OutboxStatus.QUEUED, OutboxMessage.attempts == 0)
        due = or_(due, never_tried)
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, due)
        .values(
            status=OutboxStatus.SENDING,
            attempts=OutboxMessage.attempts + 1,
            next_attempt_at=now + CLAIM_TIMEOUT,
        )
        .execution_options(synchronize_session=False)
    )
    # An UPDATE's result is a cursor result, which counts the rows it changed.
    return cast("CursorResult[Any]", result).rowcount == 1


def _send_all(session: Session, rows: list[OutboxMessage]) -> None:
    """Send claimed rows over one connection, recording each outcome as it happens."""
    waiting = list(rows)
    if not waiting:
        return
    try:
        with open_transport() as transport:
            while waiting:
                row = waiting[0]
                try:
                    message = build_message(row)
                except ValueError as error:
                    waiting.pop(0)
                    _record_failure(session, row, error, permanent=True)
                    continue
                try:
                    transport.send(message)
                except Exception as error:
                    if _breaks_the_connection(error):
                        raise
                    waiting.pop(0)  # about this message only: the next one may still go
                    _record_failure(session, row, error, permanent=is_permanent(error))
                    continue
                waiting.pop(0)
                _record(session, row, status=OutboxStatus.SENT, sent_at=utcnow())
    except OSError as error:  # no connection, or it broke: the rest waits for a retry
        for row in waiting:
            _record_failure(session, row, error, permanent=False)


def _breaks_the_connection(error: Exception) -> bool:
    """Whether the messages after this one cannot go on the same connection either.

    ``SMTPException`` is an ``OSError`` too, but most of them concern one message only.
    """
    if isinstance(error, smtplib.SMTPServerDisconnected | smtplib.SMTPConnectError):
        return True
    return isinstance(error, OSError) and not isinstance(error, smtplib.SMTPException)


def _record_failure(session: Session, row: OutboxMessage, error: Exception, permanent: bool):
    reason = f"{type(error).__name__}: {error}"[:2000]
    if permanent or row.attempts >= MAX_ATTEMPTS:
        log.error("Gave up email %s to %s after %s attempt(s): %s", row.id, row.recipient,
                  row.attempts, reason)  # fmt: skip
        _record(session, row, status=OutboxStatus.FAILED, last_error=reason)
        return
    wait = retry_wait(row.attempts)
    log.warning("Email %s not sent (attempt %s), next try in %s: %s", row.id, row.attempts,
                wait, reason)  # fmt: skip
    _record(
        session,
        row,
        status=OutboxStatus.QUEUED,
        next_attempt_at=utcnow() + wait,
        last_error=reason,
    )


def _record(session: Session, row: OutboxMessage, **values) -> None:
    """Write the outcome of this job's attempt, unless the claim expired and was taken over."""
    session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == row.id,
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.attempts == row.attempts,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    session.commit()
    session.refresh(row)
