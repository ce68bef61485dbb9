"""The outbox: an email is sent once, only after the commit that queued it, and survives a
mail server that is down."""

from __future__ import annotations

import smtplib
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from campaigns import mail
from campaigns.mail import outbox
from campaigns.models import Organization, OutboxMessage, OutboxStatus


def _aware(moment: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; they are stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _row(db, message_id: int) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message_id)


def _make_due(db, message_id: int) -> None:
    """As if the wait before the next attempt had passed."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1))
    )
    db.session.commit()


def _queue(**kw):
    kw.setdefault("to", "donor@example.org")
    kw.setdefault("locale", "en")
    return mail.queue("mail_check", **kw)


def test_a_message_queued_in_a_request_is_sent_only_after_the_commit(app, db, smtp_server):
    with app.test_request_context("/"):
        row = _queue()
        db.session.flush()
        assert smtp_server.messages == []
        assert row.status == OutboxStatus.QUEUED
        db.session.commit()
    assert len(smtp_server.messages) == 1
    row = _row(db, row.id)
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 1
    assert row.sent_at is not None
    assert row.last_error is None


def test_a_request_that_rolls_back_sends_nothing(app, db, smtp_server):
    with app.test_request_context("/"):
        row = _queue(dedupe_key="rolled-back")
        message_id = row.id
        db.session.rollback()
        db.session.commit()  # a later commit of the same session must not send it either
    assert smtp_server.messages == []
    assert _row(db, message_id) is None
    assert mail.send_due() == 0


def test_the_dedupe_key_makes_a_second_queue_a_no_op(db, smtp_server):
    first = _queue(dedupe_key="receipt:donation:1")
    assert first is not None
    assert _queue(dedupe_key="receipt:donation:1") is None
    db.session.commit()
    assert _queue(dedupe_key="receipt:donation:1") is None  # also once the first is sent
    db.session.commit()
    assert len(smtp_server.messages) == 1
    count = db.session.scalar(
        sa.select(sa.func.count()).where(OutboxMessage.dedupe_key == "receipt:donation:1")
    )
    assert count == 1


def test_the_database_refuses_a_duplicate_that_slips_past_the_check(db, smtp_server, monkeypatch):
    """Two transactions racing past the check: the unique key decides, the loser queues
    nothing, and its own transaction goes on."""
    _queue(dedupe_key="raced")
    real_check = outbox._queued_already
    answers = iter([False])  # the check misses the row once, as a concurrent one would
    with monkeypatch.context() as patch:
        patch.setattr(outbox, "_queued_already", lambda key: next(answers, None) or real_check(key))
        assert _queue(dedupe_key="raced") is None
    db.session.commit()
    assert len(smtp_server.messages) == 1


def test_an_integrity_error_other_than_the_dedupe_key_is_not_hidden(db, make):
    organization = make.organization()
    db.session.execute(sa.delete(Organization).where(Organization.id == organization.id))
    with pytest.raises(sa.exc.IntegrityError):
        _queue(organization=organization, dedupe_key="for-an-organization-just-deleted")


def test_without_a_dedupe_key_every_message_is_queued(db, smtp_server):
    _queue()
    _queue()
    db.session.commit()
    assert len(smtp_server.messages) == 2


def test_the_outbox_survives_a_mail_server_that_is_down_and_then_back(db, smtp_server):
    smtp_server.stop()
    before = datetime.now(UTC)
    message_id = _queue().id
    db.session.commit()  # the job runs, and finds no server

    row = _row(db, message_id)
    assert row.status == OutboxStatus.QUEUED
    assert row.attempts == 1
    assert "ConnectionRefusedError" in row.last_error
    assert _aware(row.next_attempt_at) >= before + outbox.FIRST_RETRY
    assert mail.send_due() == 0, "not due before its retry time"

    smtp_server.start()
    _make_due(db, message_id)
    assert mail.send_due() == 1
    assert len(smtp_server.messages) == 1
    row = _row(db, message_id)
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 2
    assert mail.send_due() == 0
    assert outbox.deliver(message_id) is None
    assert len(smtp_server.messages) == 1, "sent once"


def test_retries_wait_longer_each_time_and_give_up_after_the_last_attempt(db, smtp_server):
    assert [outbox.retry_wait(n).total_seconds() / 60 for n in range(1, 9)] == [
        1, 2, 4, 8, 16, 32, 60, 60,
    ]  # fmt: skip
    smtp_server.stop()
    message_id = _queue().id
    db.session.commit()
    for _attempt in range(outbox.MAX_ATTEMPTS - 1):
        assert _row(db, message_id).status == OutboxStatus.QUEUED
        _make_due(db, message_id)
        mail.send_due()
    row = _row(db, message_id)
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == outbox.MAX_ATTEMPTS
    assert row.last_error
    smtp_server.start()
    _make_due(db, message_id)
    assert mail.send_due() == 0, "a failed message is left for staff to see"
    assert smtp_server.messages == []


def test_a_permanent_refusal_is_not_retried(db, smtp_server):
    smtp_server.inbox.refuse = "550 5.1.1 No such mailbox"
    message_id = _queue(to="nobody@example.org").id
    db.session.commit()
    row = _row(db, message_id)
    assert row.status == OutboxStatus.FAILED
    assert row.attempts == 1
    assert "550" in row.last_error


def test_a_temporary_refusal_is_retried(db, smtp_server):
    smtp_server.inbox.refuse = "451 4.3.0 Try again later"
    message_id = _queue().id
    db.session.commit()
    row = _row(db, message_id)
    assert row.status == OutboxStatus.QUEUED
    assert "451" in row.last_error
    smtp_server.inbox.refuse = None
    _make_due(db, message_id)
    assert mail.send_due() == 1
    assert len(smtp_server.messages) == 1


def test_a_message_whose_job_was_lost_is_sent_by_the_sweep_once_its_claim_expires(
    db, smtp_server, monkeypatch
):
    with monkeypatch.context() as patch:
        patch.setattr(outbox, "deliver", lambda message_id: None)  # the job never runs
        message_id = _queue().id
        db.session.commit()
    # A worker claimed it and died before sending: the claim holds it for a while...
    now = datetime.now(UTC)
    assert outbox._claim(db.session, message_id, now)
    db.session.commit()
    assert not outbox._claim(db.session, message_id, now), "a claim is won once"
    assert mail.send_due() == 0
    # ... and once it has expired, the sweep sends it.
    _make_due(db, message_id)
    assert mail.send_due() == 1
    row = _row(db, message_id)
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 2
    assert len(smtp_server.messages) == 1


def test_a_broker_that_is_down_does_not_undo_the_commit(app, db, smtp_server, monkeypatch):
    task = app.extensions["celery"].tasks["campaigns.mail.send"]

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("broker down")

    with monkeypatch.context() as patch:
        patch.setattr(task, "apply_async", unreachable)
        message_id = _queue().id
        db.session.commit()
    assert _row(db, message_id).status == OutboxStatus.QUEUED
    assert mail.send_due() == 1
    assert len(smtp_server.messages) == 1


def test_the_sweep_sends_a_batch_over_one_connection(db, smtp_server, monkeypatch):
    connections = []
    real_init = smtplib.SMTP.__init__

    def counting_init(self, *args, **kwargs):
        connections.append(args)
        real_init(self, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(outbox, "deliver", lambda message_id: None)
        ids = [_queue(to=f"donor{n}@example.org").id for n in range(3)]
        db.session.commit()
    monkeypatch.setattr(smtplib.SMTP, "__init__", counting_init)
    assert mail.send_due() == 3
    assert len(connections) == 1
    assert sorted(m["To"] for m in smtp_server.messages) == [
        "donor0@example.org",
        "donor1@example.org",
        "donor2@example.org",
    ]
    assert {_row(db, i).status for i in ids} == {OutboxStatus.SENT}


def test_the_job_sends_a_new_message_even_if_its_clock_is_behind(db, smtp_server, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(outbox, "deliver", lambda message_id: None)
        message_id = _queue().id
        db.session.commit()
    late = datetime.now(UTC) - timedelta(minutes=2)
    monkeypatch.setattr(outbox, "utcnow", lambda: late)
    assert mail.send_due() == 0, "the sweep waits for the message's time"
    assert outbox.deliver(message_id) == OutboxStatus.SENT
    assert len(smtp_server.messages) == 1


def test_the_sweep_task_drains_a_backlog_in_batches(app, db, smtp_server, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(outbox, "deliver", lambda message_id: None)
        for n in range(5):
            _queue(to=f"backlog{n}@example.org")
        db.session.commit()
    monkeypatch.setattr(outbox, "SWEEP_BATCH", 2)
    rounds = []
    real_send_due = outbox.send_due
    monkeypatch.setattr(outbox, "send_due", lambda: rounds.append(real_send_due()) or rounds[-1])
    task = app.extensions["celery"].tasks["campaigns.mail.send_due"]
    assert task.apply().get() == 5
    assert rounds == [2, 2, 1]
    assert len(smtp_server.messages) == 5


def test_an_unexpected_error_is_retried_and_the_next_message_still_goes(
    db, smtp_server, monkeypatch
):
    with monkeypatch.context() as patch:
        patch.setattr(outbox, "deliver", lambda message_id: None)
        broken = _queue(to="first@example.org").id
        fine = _queue(to="second@example.org").id
        db.session.commit()
    real_send = smtplib.SMTP.send_message

    def send_message(self, message, *args, **kwargs):
        if message["To"] == "first@example.org":
            raise UnicodeEncodeError("ascii", "ö", 0, 1, "cannot encode")
        return real_send(self, message, *args, **kwargs)

    monkeypatch.setattr(smtplib.SMTP, "send_message", send_message)
    assert mail.send_due() == 2
    assert _row(db, broken).status == OutboxStatus.QUEUED
    assert "UnicodeEncodeError" in _row(db, broken).last_error
    assert _row(db, fine).status == OutboxStatus.SENT


def test_a_message_whose_every_job_was_lost_is_given_up(db, smtp_server, monkeypatch):
    with monkeypatch.context() as patch:
        patch.setattr(outbox, "deliver", lambda message_id: None)
        message_id = _queue().id
        db.session.commit()
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id)
        .values(status=OutboxStatus.SENDING, attempts=outbox.MAX_ATTEMPTS)
    )
    _make_due(db, message_id)
    assert mail.send_due() == 0
    row = _row(db, message_id)
    assert row.status == OutboxStatus.FAILED
    assert row.last_error == "Every attempt's job was lost."
    assert smtp_server.messages == []
