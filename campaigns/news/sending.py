"""Mailing an update to its campaign's subscribers, a batch at a time on the job queue.

Publishing starts a mailing (one per update, ever); its job takes :data:`BATCH_SIZE`
subscribers in id order, writes their emails to the outbox in a transaction of its own,
records how far it got, and starts the next batch. Each email's dedupe key names the update
and the subscriber, so a batch run twice (a retried job, a resumed mailing) sends nothing
twice. An update scheduled for later is picked up by the periodic sweep once it is public.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from campaigns.catalog.visibility import is_public_update
from campaigns.extensions import db
from campaigns.jobs import job_session
from campaigns.models import Donation, NewsMailing, NewsSubscription, OutboxMessage, Update
from campaigns.timeutil import utcnow
from campaigns.urls import absolute

log = logging.getLogger(__name__)

#: Subscribers one job queues at most, so that no job (and no request) runs for long.
BATCH_SIZE = 500
#: How far back the sweep looks for updates that became public (scheduled ones): an update
#: published before the feature existed, or long ago, is not mailed out of the blue.
LOOKBACK = timedelta(days=2)
#: A mailing with no batch for this long lost its job; the sweep resumes it.
STALLED_AFTER = timedelta(minutes=15)
#: The paths of the links in every news email (a language prefix goes before them).
UNSUBSCRIBE_PATH = "/news/unsubscribe/"


def announce(update: Update, now: datetime | None = None) -> NewsMailing | None:
    """Start mailing ``update`` to its campaign's subscribers once the transaction commits.

    Does nothing for a draft, an update scheduled for later (the sweep sends it when it
    becomes public), an update about no campaign, or one already mailed. Only flushes.
    """
    if update.campaign_id is None or not is_public_update(update, now):
        return None
    if _mailing_of(update.id) is not None:
        return None
    mailing = NewsMailing(update_id=update.id, after_subscription_id=0, progress_at=now or utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(mailing)
    except IntegrityError:
        return None  # another transaction started it first
    _start_after_commit(mailing.id)
    return mailing


def announce_due(now: datetime | None = None) -> int:
    """Start the mailings of updates that became public lately, and resume stalled ones.

    The caller commits (a job or a command is its own unit of work). Returns how many
    mailings were started or resumed.
    """
    now = now or utcnow()
    stalled = db.session.scalars(
        select(NewsMailing).where(
            NewsMailing.finished_at.is_(None), NewsMailing.progress_at < now - STALLED_AFTER
        )
    ).all()
    for mailing in stalled:
        mailing.progress_at = now
        _start_after_commit(mailing.id)
    mailed = select(NewsMailing.id).where(NewsMailing.update_id == Update.id)
    due = db.session.scalars(
        select(Update)
        .where(
            Update.campaign_id.is_not(None),
            Update.published_at.is_not(None),
            Update.published_at <= now,
            Update.published_at > now - LOOKBACK,
            ~exists(mailed),
        )
        .order_by(Update.id)
    ).all()
    started = sum(1 for update in due if announce(update, now) is not None)
    db.session.flush()
    return started + len(stalled)


def run_mailing(mailing_id: int) -> None:
    """The job: queue one batch, then hand the rest to the next job.

    Without a broker the jobs run here, one after the other, rather than nested.
    """
    from campaigns.news.tasks import BATCH

    celery_app = current_app.extensions["celery"]
    while queue_batch(mailing_id):
        if not celery_app.conf.task_always_eager:
            _start(celery_app.tasks[BATCH], mailing_id)
            return


def queue_batch(mailing_id: int) -> bool:
    """Write the next batch's emails to the outbox and start sending them.

    Works in a session of its own (it may run right after the request's commit), and
    commits it. Returns whether subscribers may remain.
    """
    from campaigns.mail.tasks import SEND

    with job_session() as session:
        mailing = session.get(NewsMailing, mailing_id)
        if mailing is None or mailing.finished_at is not None:
            return False
        update = session.get_one(Update, mailing.update_id)
        if update.campaign_id is None:  # news of the organization alone has no subscribers
            mailing.finished_at = utcnow()
            session.commit()
            return False
        batch = session.scalars(
            _recipients(update.campaign_id)
            .where(NewsSubscription.id > mailing.after_subscription_id)
            .order_by(NewsSubscription.id)
            .limit(BATCH_SIZE)
        ).all()
        queued = [_queue_one(session, update, subscription) for subscription in batch]
        if batch:
            mailing.after_subscription_id = batch[-1].id
        if len(batch) < BATCH_SIZE:
            mailing.finished_at = utcnow()
        mailing.progress_at = utcnow()
        session.commit()
        more = mailing.finished_at is None
    send = current_app.extensions["celery"].tasks[SEND]
    for message_id in filter(None, queued):
        _start(send, message_id)
    return more


def _recipients(campaign_id: int):
    """Who gets a campaign's news: those who asked, did not withdraw, and whose gift went
    through. Nobody else."""
    gave = (
        select(Donation.id)
        .where(
            Donation.campaign_id == NewsSubscription.campaign_id,
            Donation.donor_email == NewsSubscription.email,
            Donation.succeeded_at.is_not(None),
        )
        .correlate(NewsSubscription)
    )
    return select(NewsSubscription).where(
        NewsSubscription.campaign_id == campaign_id,
        NewsSubscription.unsubscribed_at.is_(None),
        exists(gave),
    )


def _queue_one(session: Session, update: Update, subscription: NewsSubscription) -> int | None:
    """One subscriber's email; ``None`` if it was queued before (a repeated batch)."""
    from campaigns.mail.outbox import message_row

    key = f"news:update:{update.id}:subscription:{subscription.id}"
    if session.scalar(select(OutboxMessage.id).where(OutboxMessage.dedupe_key == key)):
        return None
    unsubscribe_url = unsubscribe_link(subscription)
    try:
        row = message_row(
            "news_update",
            to=subscription.email,
            locale=subscription.locale,
            organization=update.organization,
            context={
                "update": update,
                "campaign": update.campaign,
                "update_url": _localized(subscription.locale, f"/updates/{update.slug}"),
                "unsubscribe_url": unsubscribe_url,
            },
            headers={
                # RFC 8058: the mail client posts "List-Unsubscribe=One-Click" to this URL.
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
            dedupe_key=key,
        )
    except ValueError as error:  # an address the outbox refuses: skip it, send the rest
        log.warning("News for subscription %s not queued: %s", subscription.id, error)
        return None
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        return None
    return row.id


def unsubscribe_link(subscription: NewsSubscription) -> str:
    return _localized(subscription.locale, UNSUBSCRIBE_PATH + subscription.token)


def _localized(locale: str, path: str) -> str:
    prefix = "" if locale == "en" else "/" + locale
    return absolute(prefix + path)


def _mailing_of(update_id: int) -> int | None:
    return db.session.scalar(select(NewsMailing.id).where(NewsMailing.update_id == update_id))


def _start_after_commit(mailing_id: int) -> None:
    from campaigns.jobs import start_after_commit
    from campaigns.news.tasks import BATCH

    start_after_commit(BATCH, mailing_id)


def _start(task, *args: object) -> None:
    try:
        task.apply_async(args)
    except Exception:
        log.exception("Could not start %s%r; the sweep will catch up.", task.name, args)
