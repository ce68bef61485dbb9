"""Donors' data beyond the ledger: news subscriptions, monthly gifts, receipts and emails.

Found, exported and erased with the donations (see :mod:`campaigns.admin.privacy`):

* a news subscription holds an address, a campaign, a language and two dates: it is the
  donor's consent, which means nothing without the address, so erasure deletes it;
* a monthly gift is managed on its donation (its amount per renewal, when it was asked to
  stop, when it ended) and in the audit log (who changed what): exported; the amounts and
  dates stay, like the ledger's;
* a receipt holds its number, amount, currency and date, and names the donor only through
  its donation: exported and kept (numbers must have no gaps); once the donation is
  anonymised, so is every receipt printed from it;
* an email in the outbox holds the address and a body that names the donor: erasure blanks
  the address, the subject when it names the donor, the body, the headers and the last
  error, and one that was not sent yet is never sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from campaigns.extensions import db
from campaigns.models import (
    AuditEntry,
    Donation,
    Frequency,
    NewsSubscription,
    OutboxMessage,
    OutboxStatus,
    Receipt,
)
from campaigns.money import format_plain

ERASED = "[erased]"
#: Why an email that was waiting is not sent any more.
NOT_SENT = "erased at the donor's request: not sent"


def _when(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


# Finding ------------------------------------------------------------------------------


def subscriptions(email: str) -> list[NewsSubscription]:
    return list(
        db.session.scalars(
            sa.select(NewsSubscription)
            .where(sa.func.lower(NewsSubscription.email) == email)
            .order_by(NewsSubscription.id)
        )
    )


def receipts(donation_ids: Sequence[int]) -> list[Receipt]:
    if not donation_ids:
        return []
    return list(
        db.session.scalars(
            sa.select(Receipt)
            .where(Receipt.donation_id.in_(donation_ids))
            .options(selectinload(Receipt.organization))
            .order_by(Receipt.issued_at, Receipt.id)
        )
    )


def emails(email: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(sa.func.lower(OutboxMessage.recipient) == email)
            .order_by(OutboxMessage.id)
        )
    )


def monthly_gifts(donations: Iterable[Donation]) -> list[Donation]:
    """The gifts that started a monthly subscription (renewals are their children)."""
    return [d for d in donations if d.frequency == Frequency.MONTHLY and d.parent_id is None]


def monthly_changes(gifts: Sequence[Donation]) -> list[AuditEntry]:
    """What the donor or staff did to those monthly gifts (stopped, changed the amount)."""
    if not gifts:
        return []
    return list(
        db.session.scalars(
            sa.select(AuditEntry)
            .where(
                AuditEntry.object_type == "donation",
                AuditEntry.object_id.in_([g.id for g in gifts]),
                AuditEntry.action.startswith("donation.monthly_"),
            )
            .order_by(AuditEntry.at, AuditEntry.id)
        )
    )


# Export -------------------------------------------------------------------------------


def subscription_document(s: NewsSubscription, slugs: dict[int, str]) -> dict[str, Any]:
    return {
        "id": s.id,
        "email": s.email,
        "campaign": slugs.get(s.campaign_id),
        "language": s.locale,
        "subscribed_at": _when(s.created_at),
        "unsubscribed_at": _when(s.unsubscribed_at),
    }


def monthly_document(gift: Donation, changes: Sequence[AuditEntry]) -> dict[str, Any]:
    from campaigns.monthly.services import renewal_amount, state_of

    return {
        "donation_id": gift.id,
        "state": state_of(gift).value,
        "amount_per_month": format_plain(renewal_amount(gift), gift.currency),
        "amount_per_month_minor": renewal_amount(gift),
        "currency": gift.currency,
        "started_at": _when(gift.succeeded_at),
        "stop_requested_at": _when(gift.stop_requested_at),
        "ended_at": _when(gift.subscription_ended_at),
        "changes": [
            {
                "action": entry.action,
                "at": _when(entry.at),
                "detail": json.loads(entry.detail) if entry.detail else None,
                "by_staff": entry.user_id is not None,
            }
            for entry in changes
            if entry.object_id == gift.id
        ],
    }


def receipt_document(r: Receipt) -> dict[str, Any]:
    return {
        "number": r.label,
        "kind": r.kind,
        "donation_id": r.donation_id,
        "organization": r.organization.name_en,
        "amount": format_plain(r.amount_minor, r.currency),
        "amount_minor": r.amount_minor,
        "currency": r.currency,
        "issued_at": _when(r.issued_at),
    }


def email_document(m: OutboxMessage) -> dict[str, Any]:
    return {
        "id": m.id,
        "template": m.template,
        "recipient": m.recipient,
        "language": m.locale,
        "subject": m.subject,
        "status": m.status.value,
        "queued_at": _when(m.created_at),
        "sent_at": _when(m.sent_at),
        "text_body": m.text_body,
    }


# Erasure ------------------------------------------------------------------------------


def erase_subscriptions(found: Sequence[NewsSubscription]) -> int:
    for subscription in found:
        db.session.delete(subscription)
    return len(found)


def _names_donor(text: str | None, email: str, names: set[str]) -> bool:
    lowered = (text or "").lower()
    return email in lowered or any(name in lowered for name in names)


def erase_emails(found: Sequence[OutboxMessage], email: str, names: Iterable[str]) -> int:
    """Blank what the emails to the address say about the donor; stop those not sent yet."""
    lowered_names = {n.strip().lower() for n in names if n and len(n.strip()) > 1}
    for message in found:
        message.recipient = ERASED
        if _names_donor(message.subject, email, lowered_names):
            message.subject = ERASED
        message.text_body = ERASED
        message.html_body = ERASED
        message.headers = {}
        message.last_error = None
        if message.status in (OutboxStatus.QUEUED, OutboxStatus.SENDING):
            message.status = OutboxStatus.FAILED
            message.last_error = NOT_SENT
    return len(found)
