"""News by email: who asked for a campaign's news, and each update's mailing."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from campaigns.extensions import Model
from campaigns.models.base import utcnow


class NewsSubscription(Model):
    """A donor's consent, given on the donate form, to the campaign's news.

    Stored when the donation is opened, but news goes only to an address that has a gift to
    the campaign that went through (see ``campaigns.news.sending``).
    """

    __tablename__ = "news_subscriptions"
    __table_args__ = (
        UniqueConstraint("campaign_id", "email", name="uq_news_subscriptions_campaign_email"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), index=True
    )
    #: Lower case, as donations store it.
    email: Mapped[str] = mapped_column(String(254))
    locale: Mapped[str] = mapped_column(String(5))
    #: Secret, in the unsubscribe link; unguessable, so the link needs no signature.
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class NewsMailing(Model):
    """One update sent to its campaign's subscribers: at most one per update, ever."""

    __tablename__ = "news_mailings"

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(
        ForeignKey("updates.id", ondelete="CASCADE"), unique=True
    )
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: The last subscription queued so far (ids are taken in order), and when: a mailing
    #: whose batches stopped (a lost job) is resumed from here by the periodic sweep.
    after_subscription_id: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    progress_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    #: Set once the last batch has been queued.
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
