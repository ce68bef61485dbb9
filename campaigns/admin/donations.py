"""Following donations: the filtered list, the CSV export, a donation's history, and the
two things an organization does to money by hand, recording an offline gift and refunding.

Neither of those writes a donation's state or a campaign's total here: they go through the
payments ledger and gateway, the only code allowed to.
"""

from __future__ import annotations

import csv
import functools
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, contains_eager

from campaigns import catalog
from campaigns.admin.access import Ability, scope
from campaigns.audit import record
from campaigns.catalog import ContentError
from campaigns.extensions import db
from campaigns.models import (
    AuditEntry,
    Campaign,
    Donation,
    DonationStatus,
    OfflineMethod,
    PaymentEvent,
    User,
)
from campaigns.money import AmountError, format_plain, parse_amount
from campaigns.paging import Cursor, KeysetPage, Place, keyset_page, record_id

if TYPE_CHECKING:
    from campaigns.payments.ledger import RefundRefused
from campaigns.timeutil import as_utc

PER_PAGE = 50
#: The list says how many donations match up to this many, then "more than".
COUNT_UP_TO = 10_000

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Filters:
    campaign_id: int | None = None
    status: DonationStatus | None = None
    date_from: date | None = None
    date_to: date | None = None
    q: str | None = None

    def as_args(self) -> dict:
        """The filters as query-string arguments (for pagination and export links)."""
        args = {
            "campaign": self.campaign_id,
            "status": self.status.value if self.status else None,
            "date_from": self.date_from.isoformat() if self.date_from else None,
            "date_to": self.date_to.isoformat() if self.date_to else None,
            "q": self.q,
        }
        return {key: value for key, value in args.items() if value}


def parse_filters(data: dict) -> tuple[Filters, dict[str, str]]:
    """Filters from the list's query string; unreadable values are dropped and reported."""
    errors: dict[str, str] = {}
    try:
        campaign_id = record_id(data.get("campaign") or "0")
    except ValueError:
        campaign_id = None
    try:
        status = DonationStatus(data["status"]) if data.get("status") else None
    except ValueError:
        status = None
    dates: dict[str, date | None] = {}
    for name in ("date_from", "date_to"):
        text = (data.get(name) or "").strip()
        dates[name] = None
        if text:
            try:
                dates[name] = catalog.parse_date(text)
            except ValueError as exc:
                errors[name] = str(exc)
    q = (data.get("q") or "").strip() or None
    return Filters(campaign_id, status, dates["date_from"], dates["date_to"], q), errors


def gift_time():
    """When the gift happened: confirmed (or received, offline), else when it was started.

    The list is sorted on it (then on the id), and indexed on it, alone and after the
    campaign or the state (``ix_donations_*_gift_time``), for the sort and the filters.
    """
    return func.coalesce(Donation.succeeded_at, Donation.created_at)


def _matching(filters: Filters):
    """The donations the user may see that match ``filters``, in no order."""
    query = select(Donation).join(Campaign, Donation.campaign_id == Campaign.id)
    query = scope(query, Campaign.organization_id, Ability.MONEY)
    if filters.campaign_id:
        query = query.where(Donation.campaign_id == filters.campaign_id)
    if filters.status:
        query = query.where(Donation.status == filters.status)
    if filters.date_from:
        start = datetime.combine(filters.date_from, time.min, tzinfo=UTC)
        query = query.where(gift_time() >= start)
    if filters.date_to:
        end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=UTC)
        query = query.where(gift_time() < end)
    if filters.q:
        needle = "%" + filters.q.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
        query = query.where(
            or_(
                func.lower(Donation.donor_name).like(needle),
                func.lower(Donation.donor_email).like(needle),
                func.lower(Donation.reference).like(needle),
            )
        )
    return query


def donations_query(filters: Filters):
    """The donations the user may see that match ``filters``, newest first."""
    return _matching(filters).order_by(gift_time().desc(), Donation.id.desc())


def _cursor(donation: Donation) -> Cursor:
    return Cursor(donation.succeeded_at or donation.created_at, donation.id)


def page_of(filters: Filters, at: Place) -> KeysetPage:
    """The page of the list at ``at`` (the first, or older or newer than a cursor)."""
    query = _matching(filters).options(contains_eager(Donation.campaign))
    return keyset_page(query, (gift_time(), Donation.id), at, PER_PAGE, key=_cursor)


def count_up_to(filters: Filters, most: int = COUNT_UP_TO) -> int:
    """How many donations match, counted up to ``most + 1`` (beyond, it shows as "more
    than"): an exact count of a million rows would cost more than the page itself."""
    some = _matching(filters).with_only_columns(Donation.id).limit(most + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(some)) or 0


# Export -------------------------------------------------------------------------------

#: Characters that make a spreadsheet read a cell as a formula (or shift it into one).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: A formula start right after a character some spreadsheet splits cells (or rows) on:
#: ``1;=HYPERLINK(...)`` is two cells, the second a formula, where ``;`` separates lists.
_FORMULA_AFTER_SEPARATOR = re.compile(r"([;,\t\r\n])(?=[=+\-@\t\r])")

EXPORT_COLUMNS = (
    "id", "reference", "date_utc", "campaign", "amount", "refunded", "currency", "status",
    "frequency", "source", "donor_name", "donor_email", "anonymous", "message",
    "offline_method", "offline_reference",
)  # fmt: skip


def safe_cell(value) -> str:
    """A cell as text, with an apostrophe wherever a spreadsheet would see a formula start:
    at the beginning, and after each separator it might split the cell on."""
    text = "" if value is None else str(value)
    if _FORMULA_AFTER_SEPARATOR.search(text):  # rare: most cells are left as they are
        text = _FORMULA_AFTER_SEPARATOR.sub(r"\1'", text)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


#: What the export reads of each donation: plain columns, not whole objects, so a million
#: rows cost no more than the few thousand the database sends at a time.
_EXPORT_FIELDS = (
    Donation.id, Donation.reference, Donation.succeeded_at, Donation.created_at,
    Campaign.slug, Donation.amount_minor, Donation.refunded_minor, Donation.currency,
    Donation.status, Donation.frequency, Donation.source, Donation.donor_name,
    Donation.donor_email, Donation.anonymous, Donation.message, Donation.offline_method,
    Donation.offline_reference,
)  # fmt: skip
#: Rows read from the database at a time (a server-side cursor on PostgreSQL).
EXPORT_BATCH = 2000
#: Amounts as the export writes them; gifts repeat a few amounts, so most are looked up.
_plain = functools.lru_cache(maxsize=4096)(format_plain)


def _export_row(row) -> list:
    """A donation's cells. What people typed (names, emails, messages, references) and
    what comes from outside (the gateway's reference, the slug) goes through
    :func:`safe_cell`; the rest is written by this code from a fixed vocabulary (ids,
    dates, amounts that are never negative, currency codes, state names, yes/no) and
    cannot start a formula."""
    moment = row.succeeded_at or row.created_at
    return [
        row.id,
        safe_cell(row.reference),
        as_utc(moment).astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if moment else "",
        safe_cell(row.slug),
        _plain(row.amount_minor, row.currency),
        _plain(row.refunded_minor, row.currency),
        row.currency,
        row.status.value,
        row.frequency.value,
        row.source.value,
        safe_cell(row.donor_name),
        safe_cell(row.donor_email),
        "yes" if row.anonymous else "no",
        safe_cell(row.message),
        row.offline_method.value if row.offline_method else "",
        safe_cell(row.offline_reference),
    ]


def export_csv(filters: Filters) -> Iterator[str]:
    """The filtered donations as CSV (RFC 4180, CRLF), UTF-8 with a byte-order mark.

    The mark makes spreadsheet programs read the file as UTF-8, so Arabic names survive.

    The query is built here, while the request runs: it needs the signed-in user. The rows
    are read later, as the body is sent, after the request's session has committed and
    closed; so the returned generator reads them in a session of its own, on the same
    database, a batch at a time (a server-side cursor on PostgreSQL), and needs nothing of
    the request: memory stays bounded however many rows there are.
    """
    query = donations_query(filters).with_only_columns(*_EXPORT_FIELDS)
    return _csv_lines(db.session.get_bind(), query)


def _csv_lines(bind, query) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    writer.writerow(EXPORT_COLUMNS)
    yield "\ufeff" + flush()
    n = 0
    # Bound to an engine (a server), the session takes a connection of its own and gives it
    # back, its reading transaction rolled back, when the body ends or the client leaves.
    with Session(bind=bind, join_transaction_mode="create_savepoint") as session:
        try:
            result = session.execute(query, execution_options={"yield_per": EXPORT_BATCH})
            for rows in result.partitions():
                writer.writerows(_export_row(row) for row in rows)
                n += len(rows)
                yield flush()
        except Exception:
            # The audit log already holds the export (written before the first row left):
            # say here that the file the user received is cut short.
            log.exception("A donations export broke off after %s rows", n)
            raise


def note_export(user: User, filters: Filters) -> None:
    """Exports reveal donors' details: each one is written to the audit log.

    The entry is part of the request's work, committed before the body (and the first
    donor's row) is sent: no export leaves without its entry, and an export refused or
    failed before its body starts leaves none.
    """
    campaign = db.session.get(Campaign, filters.campaign_id) if filters.campaign_id else None
    record("donation.export", campaign or user, {"filters": filters.as_args()})


# A donation's page --------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryLine:
    at: datetime
    kind: str  # "event" or "audit"
    what: str
    detail: str | None
    who: str | None


def history(donation: Donation) -> list[HistoryLine]:
    """Payment events and admin actions on this donation, oldest first."""
    lines = [
        HistoryLine(as_utc(e.received_at), "event", e.type, e.outcome, e.provider)
        for e in db.session.scalars(
            select(PaymentEvent).where(PaymentEvent.donation_id == donation.id)
        )
    ]
    entries = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.object_type == "donation", AuditEntry.object_id == donation.id
        )
    )
    lines += [
        HistoryLine(as_utc(a.at), "audit", a.action, a.detail, a.user.email if a.user else None)
        for a in entries
    ]
    return sorted(lines, key=lambda line: line.at)


# Offline gifts and refunds ------------------------------------------------------------


def record_offline(campaign: Campaign, data: dict, actor: User, today: date | None = None):
    """Record a cash or bank-transfer gift through the ledger, which updates the total."""
    from campaigns.payments import ledger

    errors: dict[str, str] = {}
    try:
        amount = parse_amount(data.get("amount") or "", campaign.currency)
        if amount <= 0:
            errors["amount"] = _("The amount must be greater than zero.")
    except AmountError as exc:
        errors["amount"] = exc.message
    try:
        received_on = catalog.parse_date(data.get("received_on") or "")
        if received_on > (today or date.today()):
            errors["received_on"] = _("The date is in the future.")
    except ValueError as exc:
        errors["received_on"] = str(exc)
    try:
        method = OfflineMethod(data.get("method") or "")
    except ValueError:
        errors["method"] = _("Choose how the gift was received.")
    donor_name = (data.get("donor_name") or "").strip()
    reference = (data.get("reference") or "").strip()
    if not donor_name:
        errors["donor_name"] = _("Write the donor's name.")
    if not reference:
        errors["reference"] = _("Write the receipt or transfer reference.")
    if errors:
        raise ContentError(errors)
    if not data.get("confirm_duplicate") and (
        earlier := earlier_offline_gift(campaign, amount, reference, donor_name)
    ):
        raise ContentError({"confirm_duplicate": _duplicate_warning(earlier)})
    donation = ledger.record_offline_gift(
        campaign,
        amount,
        donor_name=donor_name,
        donor_email=(data.get("donor_email") or "").strip().lower() or None,
        anonymous=bool(data.get("anonymous")),
        method=method,
        reference=reference,
        received_on=received_on,
        recorded_by=actor,
        message=(data.get("message") or "").strip() or None,
    )
    db.session.flush()
    record(
        "donation.offline",
        donation,
        {"amount": format_plain(amount, campaign.currency), "method": method.value},
    )
    return donation


def earlier_offline_gift(
    campaign: Campaign, amount_minor: int, reference: str, donor_name: str
) -> Donation | None:
    """An offline gift already recorded for this campaign with the same amount, reference
    and donor (letter case aside): typing a receipt twice must not count it twice."""
    query = (
        select(Donation)
        .where(
            Donation.campaign_id == campaign.id,
            Donation.offline_reference.is_not(None),
            Donation.amount_minor == amount_minor,
            func.lower(Donation.offline_reference) == reference.lower(),
            func.lower(Donation.donor_name) == donor_name.lower(),
            Donation.status.not_in((DonationStatus.FAILED, DonationStatus.EXPIRED)),
        )
        .order_by(Donation.id)
    )
    return db.session.scalars(query).first()


def _duplicate_warning(earlier: Donation) -> str:
    from campaigns.i18n import date_text

    return _(
        "A gift with the same reference, amount and donor was recorded on %(date)s. If this "
        "is another gift, tick the box and record it again.",
        date=date_text(earlier.succeeded_at or earlier.created_at),
    )


def refundable_minor(donation: Donation) -> int:
    """What can still be given back, as the ledger counts it."""
    from campaigns.payments import ledger

    return ledger.refundable_minor(donation)


def _refusal(exc: RefundRefused, currency: str) -> ContentError:
    """The admin's words for the ledger's reason to refuse a refund."""
    from campaigns.payments.ledger import RefundRefused

    if exc.reason == RefundRefused.CHANGED:
        return ContentError(
            {
                "amount": _(
                    "This donation changed since you confirmed (a refund was already made). "
                    "Check the amounts and try again."
                )
            }
        )
    if exc.reason == RefundRefused.NOT_POSITIVE:
        return ContentError({"amount": _("The amount must be greater than zero.")})
    if exc.reason == RefundRefused.TOO_LARGE:
        left = format_plain(exc.left, currency)
        return ContentError({"amount": _("At most %(amount)s can be refunded.", amount=left)})
    return ContentError({"amount": _("This donation cannot be refunded.")})


def parse_refund(donation: Donation, text: str) -> int:
    """The amount of a refund the admin asked for, if the ledger would make it."""
    from campaigns.payments import ledger

    if ledger.refundable_minor(donation) <= 0:
        raise ContentError({"amount": _("This donation cannot be refunded.")})
    try:
        amount = parse_amount(text or "", donation.currency)
    except AmountError as exc:
        raise ContentError({"amount": exc.message}) from None
    try:
        ledger.check_refund(donation, amount)
    except ledger.RefundRefused as exc:
        raise _refusal(exc, donation.currency) from None
    return amount


def refund(
    donation: Donation, amount_minor: int, actor: User, refunded_before: str | None = None
) -> bool:
    """Give back ``amount_minor`` through the gateway (or the ledger, for offline gifts).

    ``refunded_before`` is what had been refunded or asked back when the admin saw the
    confirmation; if it has changed since (a second click, or another admin), nothing is
    done. The ledger checks it under the donation's lock.

    Returns whether the total has already fallen: at once for offline gifts and the test
    gateway, when Stripe confirms the refund for Stripe payments.
    """
    from campaigns.payments import ledger, services
    from campaigns.payments.gateways import GatewayError

    seen = None
    if refunded_before is not None:
        seen = (
            int(refunded_before) if refunded_before.isascii() and refunded_before.isdigit() else -1
        )
    before = donation.refunded_minor
    try:
        refund_id = services.refund_donation(donation, amount_minor, actor, seen)
    except ledger.RefundRefused as exc:
        raise _refusal(exc, donation.currency) from None
    except ledger.LedgerError:
        raise ContentError(
            {"amount": _("This refund is not possible for this donation as it stands now.")}
        ) from None
    except GatewayError:
        raise ContentError(
            {
                "amount": _(
                    "The payment provider did not make the refund. Nothing was refunded; "
                    "please try again later."
                )
            }
        ) from None
    db.session.flush()
    db.session.refresh(donation)
    record(
        "donation.refund",
        donation,
        {"amount": format_plain(amount_minor, donation.currency), "refund": refund_id},
    )
    return donation.refunded_minor > before
