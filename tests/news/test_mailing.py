"""Publishing an update mails it to those who asked, in their language, once, in batches."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from campaigns import news
from campaigns.catalog import writes
from campaigns.models import NewsMailing, OutboxMessage
from campaigns.news import sending


def _publish(db, make, campaign, **kw):
    update = make.update(campaign, published_at=None, **kw)
    writes.publish_update(update)
    db.session.commit()  # the request's commit: the mailing starts after it
    return update


def _recipients(smtp_server) -> list[str]:
    return sorted(str(message["To"]) for message in smtp_server.messages)


def test_subscribers_get_the_update_in_their_language_with_one_click_unsubscribe(
    db, make, campaign, subscriber, smtp_server
):
    english = subscriber("amal@example.org", "en")
    arabic = subscriber("omar@example.org", "ar")

    _publish(
        db, make, campaign,
        title_en="The well is dug", title_ar="حُفرت البئر",
        body_en="Water flows in the village.", body_ar="الماء يجري في القرية.",
    )  # fmt: skip

    by_address = {str(m["To"]): m for m in smtp_server.messages}
    assert sorted(by_address) == ["amal@example.org", "omar@example.org"]
    en, ar = by_address["amal@example.org"], by_address["omar@example.org"]
    assert en["Subject"] == "The well is dug"
    assert ar["Subject"] == "حُفرت البئر"
    assert "Water flows in the village." in en.get_body(("plain",)).get_content()
    assert "الماء يجري في القرية." in ar.get_body(("plain",)).get_content()
    assert 'dir="rtl"' in ar.get_body(("html",)).get_content()
    for message, subscription, prefix in ((en, english, ""), (ar, arabic, "/ar")):
        link = f"http://localhost{prefix}/news/unsubscribe/{subscription.token}"
        assert message["List-Unsubscribe"] == f"<{link}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert link in message.get_body(("plain",)).get_content()
        assert f'href="{link}"' in message.get_body(("html",)).get_content()


def test_nobody_who_did_not_ask_gets_news(db, make, campaign, subscriber, smtp_server):
    subscriber("asked@example.org")
    # gave, but did not tick the box
    make.donation(campaign, donor_email="gave@example.org", succeeded_at=datetime.now(UTC))
    # ticked the box, but the payment never went through
    subscriber("declined@example.org", gave=False)
    # asked, then withdrew
    withdrawn = subscriber("withdrew@example.org")
    news.unsubscribe(withdrawn)
    # asked for another campaign's news
    subscriber("elsewhere@example.org", to=make.campaign())

    _publish(db, make, campaign)

    assert _recipients(smtp_server) == ["asked@example.org"]


def test_publishing_again_sends_nothing_twice(db, make, campaign, subscriber, smtp_server):
    subscriber("amal@example.org")
    update = _publish(db, make, campaign)
    writes.unpublish_update(update)
    db.session.commit()
    writes.publish_update(update)
    db.session.commit()
    writes.save_update(
        update,
        {"category": update.category.value, "title_en": "Edited", "body_en": "Edited text.",
         "slug": update.slug, "published_at": "2026-01-01 10:00"},
        organization=update.organization,
        campaign=campaign,
    )  # fmt: skip
    db.session.commit()

    assert _recipients(smtp_server) == ["amal@example.org"]


def test_batches_send_each_subscriber_once(
    db, make, campaign, subscriber, smtp_server, monkeypatch
):
    monkeypatch.setattr(sending, "BATCH_SIZE", 2)
    emails = [f"donor{n}@example.org" for n in range(5)]
    for email in emails:
        subscriber(email)

    update = _publish(db, make, campaign)

    assert _recipients(smtp_server) == emails
    mailing = db.session.scalar(sa.select(NewsMailing).where(NewsMailing.update_id == update.id))
    assert mailing.finished_at is not None
    # A batch run again (a retried job) queues nothing new.
    mailing.finished_at = None
    mailing.after_subscription_id = 0
    db.session.commit()
    assert sending.queue_batch(mailing.id) is True
    assert _recipients(smtp_server) == emails
    keys = db.session.scalars(sa.select(OutboxMessage.dedupe_key)).all()
    assert len(keys) == len(set(keys)) == 5


def test_a_scheduled_update_goes_out_when_it_becomes_public(
    db, make, campaign, subscriber, smtp_server
):
    subscriber("amal@example.org")
    later = datetime.now(UTC) + timedelta(hours=3)
    update = make.update(campaign, published_at=later)
    writes.publish_update(update, now=later)
    db.session.commit()
    assert smtp_server.messages == []
    assert news.announce_due() == 0

    assert news.announce_due(now=later + timedelta(minutes=1)) == 1
    db.session.commit()

    assert _recipients(smtp_server) == ["amal@example.org"]
    assert news.announce_due(now=later + timedelta(minutes=2)) == 0


def test_an_old_update_is_not_mailed_out_of_the_blue(db, make, campaign, subscriber, smtp_server):
    subscriber("amal@example.org")
    make.update(campaign, published_at=datetime.now(UTC) - timedelta(days=30))
    make.update(None, organization=campaign.organization)  # about no campaign

    assert news.announce_due() == 0
    db.session.commit()
    assert smtp_server.messages == []


def test_the_sweep_resumes_a_mailing_whose_job_was_lost(
    db, make, campaign, subscriber, smtp_server
):
    subscriber("amal@example.org")
    update = make.update(campaign)
    lost = NewsMailing(update_id=update.id, progress_at=datetime.now(UTC) - timedelta(hours=1))
    db.session.add(lost)
    db.session.flush()

    assert news.announce_due() == 1
    db.session.commit()

    assert _recipients(smtp_server) == ["amal@example.org"]


def test_a_draft_or_a_hidden_campaign_mails_nothing(db, make, subscriber, smtp_server):
    from campaigns.models import CampaignState

    hidden = make.campaign(state=CampaignState.DRAFT)
    subscriber("amal@example.org", to=hidden)
    _publish(db, make, hidden)
    make.update(hidden, published_at=None)
    db.session.commit()

    assert smtp_server.messages == []
