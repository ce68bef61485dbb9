"""The outbox: every email, written in the transaction of the change that causes it.

A row is sent once by a job after the commit; if the mail server is down it is retried with
backoff, and a periodic sweep sends anything a lost job left behind. The sending code lives
in ``campaigns.mail.outbox``.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from campaigns.extensions import Model
from campaigns.models.base import enum_type, utcnow


class OutboxStatus(enum.StrEnum):
    #: Waiting for its next attempt (``next_attempt_at``).
    QUEUED = "queued"
    #: Claimed by a job; ``next_attempt_at`` is when the claim expires, should the job die.
    SENDING = "sending"
    SENT = "sent"
    #: Given up: a permanent refusal, or too many attempts. Shown to staff.
    FAILED = "failed"


class OutboxMessage(Model):
    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Names the event the email is about (``receipt:donation:42``): a second queue of the
    #: same message, from a redelivered webhook for instance, is refused by the database.
    dedupe_key: Mapped[str | None] = mapped_column(String(200), unique=True)
    #: The template it was rendered from (``email/<template>.txt`` and ``.html``).
    template: Mapped[str] = mapped_column(String(100))
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    locale: Mapped[str] = mapped_column(String(5))
    recipient: Mapped[str] = mapped_column(String(254))
    #: The From display name (the organization's name in the recipient's language).
    sender_name: Mapped[str | None] = mapped_column(String(200))
    sender_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    #: Rendered at queue time, so that sending needs no request and no template.
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    #: Further headers (``Reply-To``, ``List-Unsubscribe`` ...), name to value.
    headers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        enum_type(OutboxStatus), default=OutboxStatus.QUEUED, server_default="queued"
    )
    #: Attempts started so far, the one in progress included.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.template} {self.status}>"
