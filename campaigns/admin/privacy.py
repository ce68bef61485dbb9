"""Donors' data on request: everything held about an email address, exported or erased.

Erasure removes what names a person (names, emails, messages, free-text references, and the
personal fields of stored payment events) and keeps what the accounts need: each donation's
amount, currency, dates, state and the payment provider's identifiers, which later events
and refunds are matched on and which name nobody outside the provider (whose own records
are erased at the provider). Totals and ``reconcile`` do not move. The audit log records
who erased how much, naming the address only by its hash. News subscriptions, monthly
gifts, receipts and the emails sent to the address are found, exported and erased with
the donations (:mod:`campaigns.admin.privacy_records`).

Services here ``flush()``; the request commits.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from campaigns.admin import privacy_records as records
from campaigns.admin.donations import safe_cell
from campaigns.audit import record
from campaigns.catalog import ContentError
from campaigns.extensions import db
from campaigns.models import (
    AuditEntry,
    Campaign,
    Donation,
    NewsSubscription,
    OutboxMessage,
    PaymentEvent,
    Receipt,
    User,
)
from campaigns.money import format_plain
from campaigns.payments.gateways.stripe_events import MalformedEvent, read_event

#: Keys of a payment event's objects whose values describe the payer, never the payment.
PERSONAL_KEYS = frozenset(
    {
        "address",
        "billing_details",
        "custom_fields",
        "customer_address",
        "customer_details",
        "customer_email",
        "customer_name",
        "customer_phone",
        "customer_shipping",
        "customer_tax_ids",
        "email",
        "name",
        "payment_method_details",
        "phone",
        "receipt_email",
        "receipt_url",
        "shipping",
        "shipping_address",
        "shipping_details",
    }
)
ERASED = "[erased]"


class DonorDataSubject:
    """What the audit log names as an erasure's object: a donor known by an email's hash."""

    __tablename__ = "donor"
    id = None


def normalise_email(text: str | None) -> str:
    """The address as donations store it (lower case), or a ContentError for the form."""
    email = (text or "").strip().lower()
    if not email or len(email) > 254 or "@" not in email or any(c.isspace() for c in email):
        raise ContentError({"email": _("Write the donor's email address.")})
    return email


def email_hash(email: str) -> str:
    """SHA-256 of the stored address: the audit log can confirm an erasure without keeping it."""
    return hashlib.sha256(email.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DonorData:
    email: str
    donations: list[Donation]
    #: Payment events about those donations, and unmatched ones that mention the address.
    events: list[PaymentEvent]
    subscriptions: list[NewsSubscription] = field(default_factory=list)
    receipts: list[Receipt] = field(default_factory=list)
    #: The outbox's emails to the address, sent or waiting.
    emails: list[OutboxMessage] = field(default_factory=list)
    #: What was done to the donor's monthly gifts (stopped, new amount), from the audit log.
    monthly_changes: list[AuditEntry] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.donations or self.events or self.subscriptions or self.emails)

    @property
    def monthly_gifts(self) -> list[Donation]:
        return records.monthly_gifts(self.donations)


def find(email: str) -> DonorData:
    """Everything stored about ``email`` (already normalised)."""
    donations = list(
        db.session.scalars(
            sa.select(Donation)
            .where(Donation.donor_email == email)
            .options(selectinload(Donation.campaign).selectinload(Campaign.organization))
            .order_by(Donation.id)
        )
    )
    ids = [d.id for d in donations]
    mentions = sa.and_(
        PaymentEvent.donation_id.is_(None),
        sa.func.lower(PaymentEvent.payload).contains(email, autoescape=True),
    )
    events = list(
        db.session.scalars(
            sa.select(PaymentEvent)
            .where(sa.or_(PaymentEvent.donation_id.in_(ids), mentions) if ids else mentions)
            .order_by(PaymentEvent.id)
        )
    )
    monthly = records.monthly_gifts(donations)
    return DonorData(
        email,
        donations,
        events,
        subscriptions=records.subscriptions(email),
        receipts=records.receipts(ids),
        emails=records.emails(email),
        monthly_changes=records.monthly_changes(monthly),
    )


# Export -------------------------------------------------------------------------------


def _when(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat()


def _donation_document(d: Donation) -> dict[str, Any]:
    return {
        "id": d.id,
        "reference": d.reference,
        "campaign": {
            "slug": d.campaign.slug,
            "title_en": d.campaign.title_en,
            "title_ar": d.campaign.title_ar,
            "organization": d.campaign.organization.name_en,
        },
        "amount": format_plain(d.amount_minor, d.currency),
        "amount_minor": d.amount_minor,
        "refunded": format_plain(d.refunded_minor, d.currency),
        "refunded_minor": d.refunded_minor,
        "currency": d.currency,
        "status": d.status.value,
        "disputed": d.disputed,
        "frequency": d.frequency.value,
        "source": d.source.value,
        "created_at": _when(d.created_at),
        "succeeded_at": _when(d.succeeded_at),
        "disputed_at": _when(d.disputed_at),
        "subscription_ended_at": _when(d.subscription_ended_at),
        "donor_name": d.donor_name,
        "donor_email": d.donor_email,
        "anonymous": d.anonymous,
        "message": d.message,
        "locale": d.locale,
        "offline_method": d.offline_method.value if d.offline_method else None,
        "offline_reference": d.offline_reference,
        "payment_provider_ids": {
            "checkout_session": d.checkout_session_id,
            "payment_intent": d.payment_intent_id,
            "charge": d.charge_id,
            "customer": d.customer_id,
            "subscription": d.subscription_id,
            "invoice": d.invoice_id,
        },
        "monthly_gift_started_by": d.parent_id,
    }


def _payload(event: PaymentEvent) -> Any:
    try:
        return json.loads(event.payload)
    except ValueError:
        return event.payload


def _event_document(e: PaymentEvent) -> dict[str, Any]:
    return {
        "id": e.id,
        "provider": e.provider,
        "event_id": e.event_id,
        "type": e.type,
        "received_at": _when(e.received_at),
        "donation_id": e.donation_id,
        "outcome": e.outcome,
        "payload": _payload(e),
    }


def export_document(data: DonorData, now: datetime | None = None) -> dict[str, Any]:
    """Everything held about the address, as one JSON-ready document."""
    return {
        "email": data.email,
        "exported_at": _when(now or datetime.now(UTC)),
        "donations": [_donation_document(d) for d in data.donations],
        "payment_events": [_event_document(e) for e in data.events],
        "news_subscriptions": [
            records.subscription_document(s, _campaign_slugs(data)) for s in data.subscriptions
        ],
        "monthly_gifts": [
            records.monthly_document(g, data.monthly_changes) for g in data.monthly_gifts
        ],
        "receipts": [records.receipt_document(r) for r in data.receipts],
        "emails": [records.email_document(m) for m in data.emails],
    }


def _campaign_slugs(data: DonorData) -> dict[int, str]:
    ids = {s.campaign_id for s in data.subscriptions}
    if not ids:
        return {}
    rows = db.session.execute(sa.select(Campaign.id, Campaign.slug).where(Campaign.id.in_(ids)))
    return {row.id: row.slug for row in rows}


def export_json(data: DonorData) -> str:
    return json.dumps(export_document(data), ensure_ascii=False, indent=2, sort_keys=True)


CSV_COLUMNS = (
    "record", "id", "reference", "campaign", "organization", "created_utc", "confirmed_utc",
    "amount", "refunded", "currency", "status", "frequency", "source", "donor_name",
    "donor_email", "anonymous", "message", "locale", "offline_method", "offline_reference",
    "event_type", "event_payload", "language", "subscribed_utc", "unsubscribed_utc",
    "receipt_number", "receipt_kind", "monthly_state", "stop_requested_utc", "ended_utc",
    "email_subject", "email_status", "email_body",
)  # fmt: skip


def export_csv(data: DonorData) -> str:
    """The same as the JSON, flat: one row per donation, then one per payment event, news
    subscription, monthly gift, receipt and email.

    UTF-8 with a byte-order mark, so spreadsheet programs keep Arabic names, and cells that
    a spreadsheet would run as formulas are neutralised.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for d in data.donations:
        row = {
            "record": "donation",
            "id": d.id,
            "reference": d.reference,
            "campaign": d.campaign.slug,
            "organization": d.campaign.organization.name_en,
            "created_utc": _when(d.created_at),
            "confirmed_utc": _when(d.succeeded_at),
            "amount": format_plain(d.amount_minor, d.currency),
            "refunded": format_plain(d.refunded_minor, d.currency),
            "currency": d.currency,
            "status": d.status.value,
            "frequency": d.frequency.value,
            "source": d.source.value,
            "donor_name": d.donor_name,
            "donor_email": d.donor_email,
            "anonymous": "yes" if d.anonymous else "no",
            "message": d.message,
            "locale": d.locale,
            "offline_method": d.offline_method.value if d.offline_method else None,
            "offline_reference": d.offline_reference,
        }
        writer.writerow([safe_cell(row.get(column)) for column in CSV_COLUMNS])
    for e in data.events:
        row = {
            "record": "payment_event",
            "id": e.id,
            "reference": e.event_id,
            "created_utc": _when(e.received_at),
            "event_type": e.type,
            "event_payload": e.payload,
        }
        writer.writerow([safe_cell(row.get(column)) for column in CSV_COLUMNS])
    for row in _related_rows(data):
        writer.writerow([safe_cell(row.get(column)) for column in CSV_COLUMNS])
    return "\ufeff" + buffer.getvalue()


def _related_rows(data: DonorData):
    document = export_document(data)
    for s in document["news_subscriptions"]:
        yield {
            "record": "news_subscription", "id": s["id"], "campaign": s["campaign"],
            "donor_email": s["email"], "language": s["language"],
            "subscribed_utc": s["subscribed_at"], "unsubscribed_utc": s["unsubscribed_at"],
        }  # fmt: skip
    for g in document["monthly_gifts"]:
        yield {
            "record": "monthly_gift", "id": g["donation_id"], "amount": g["amount_per_month"],
            "currency": g["currency"], "confirmed_utc": g["started_at"],
            "monthly_state": g["state"], "stop_requested_utc": g["stop_requested_at"],
            "ended_utc": g["ended_at"], "event_payload": json.dumps(g["changes"]),
        }  # fmt: skip
    for r in document["receipts"]:
        yield {
            "record": "receipt", "id": r["donation_id"], "receipt_number": r["number"],
            "receipt_kind": r["kind"], "organization": r["organization"],
            "amount": r["amount"], "currency": r["currency"], "created_utc": r["issued_at"],
        }  # fmt: skip
    for m in document["emails"]:
        yield {
            "record": "email", "id": m["id"], "donor_email": m["recipient"],
            "language": m["language"], "created_utc": m["queued_at"],
            "email_subject": m["subject"], "email_status": m["status"],
            "email_body": m["text_body"],
        }  # fmt: skip


def note_export(data: DonorData, file_format: str) -> None:
    """An export reveals a donor's details: it is written to the audit log (by hash)."""
    record(
        "donor.export",
        DonorDataSubject(),
        {
            "email_sha256": email_hash(data.email),
            "format": file_format,
            "donations": len(data.donations),
            "payment_events": len(data.events),
            "news_subscriptions": len(data.subscriptions),
            "receipts": len(data.receipts),
            "emails": len(data.emails),
        },
    )


# Erasure ------------------------------------------------------------------------------


def _scrubbed(value: Any, email: str) -> Any:
    if isinstance(value, dict):
        return {
            key: (None if item is not None and key in PERSONAL_KEYS else _scrubbed(item, email))
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_scrubbed(item, email) for item in value]
    if isinstance(value, str) and email in value.lower():
        return ERASED
    return value


def _reading(payload: Any):
    try:
        return read_event(payload)
    except MalformedEvent:
        return None


def scrub_payload(payload: str, email: str) -> str:
    """The event without the payer's details, saying to the ledger exactly what it said.

    The ledger re-reads stored events whenever another event about the same payment comes
    in; the personal fields are ones it never reads, and this is checked: if the reading
    would change, only the address itself is blanked out of the text.
    """
    try:
        original = json.loads(payload)
    except ValueError:
        original = None
    if isinstance(original, dict):
        cleaned = _scrubbed(original, email)
        if _reading(cleaned) == _reading(original):
            return json.dumps(cleaned, ensure_ascii=False)
    lowered = payload.lower()
    pieces, start = [], 0
    while (at := lowered.find(email, start)) >= 0:
        pieces += [payload[start:at], ERASED]
        start = at + len(email)
    return "".join(pieces) + payload[start:]


@dataclass(frozen=True)
class Erasure:
    donations: int
    events: int
    subscriptions: int = 0
    emails: int = 0


def erase(data: DonorData, actor: User) -> Erasure:
    """Anonymise the donor's donations and events, delete their news subscriptions, blank
    their emails; amounts, dates, states and receipt numbers stay."""
    ids = [d.id for d in data.donations]
    names = {d.donor_name for d in data.donations if d.donor_name}
    if ids:
        db.session.execute(
            sa.update(Donation)
            .where(Donation.id.in_(ids))
            .values(
                donor_name=None,
                donor_email=None,
                message=None,
                anonymous=True,
                offline_reference=None,
            )
            .execution_options(synchronize_session=False)
        )
    for event in data.events:
        event.payload = scrub_payload(event.payload, data.email)
    subscriptions = records.erase_subscriptions(data.subscriptions)
    emails = records.erase_emails(data.emails, data.email, names)
    db.session.flush()
    for donation in data.donations:
        db.session.expire(donation)
    record(
        "donor.erase",
        DonorDataSubject(),
        {
            "email_sha256": email_hash(data.email),
            "donations": len(ids),
            "payment_events": len(data.events),
            "news_subscriptions": subscriptions,
            "receipts_kept": len(data.receipts),
            "emails": emails,
        },
        user=actor,
    )
    db.session.flush()
    return Erasure(len(ids), len(data.events), subscriptions, emails)
