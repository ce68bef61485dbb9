"""Ledger entries made by the site itself: pending gifts, offline gifts, opening balances,
refunds decided here, and a checkout that never started.

The ledger alone decides whether a refund is possible (:func:`check_refund`); forms only
parse what was typed.
"""

from __future__ import annotations

import secrets
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    Donation,
    DonationSource,
    DonationStatus,
    Frequency,
    OfflineMethod,
    RefundRecord,
)
from campaigns.models.base import utcnow
from campaigns.payments.ledger.totals import (
    COUNTED,
    EVENT_PROVIDERS,
    LedgerError,
    ledger_entry,
    lock,
    move,
)


class RefundRefused(LedgerError):
    """A refund the ledger will not make; ``reason`` says which rule, ``left`` what is left."""

    #: The gift is not counted (pending, failed, refunded, disputed ...): nothing to give back.
    NOT_REFUNDABLE = "not_refundable"
    #: Zero, negative or not a whole number of minor units.
    NOT_POSITIVE = "not_positive"
    #: More than what is left of the gift.
    TOO_LARGE = "too_large"
    #: The refunds changed since the person asking saw them (a second click, another admin).
    CHANGED = "changed"

    def __init__(self, reason: str, left: int) -> None:
        super().__init__(reason)
        self.reason = reason
        self.left = left


def new_reference() -> str:
    """The unguessable key of a donor's thank-you page."""
    return secrets.token_urlsafe(16)


def _check_amount(amount_minor: int) -> None:
    if not isinstance(amount_minor, int) or isinstance(amount_minor, bool) or amount_minor <= 0:
        raise LedgerError("amount must be a positive whole number of minor units")


def _day_start(day: date | None) -> datetime:
    if day is None:
        return utcnow()
    return datetime.combine(day, time(12, 0), tzinfo=UTC)


def open_donation(
    campaign: Campaign,
    amount_minor: int,
    *,
    source: DonationSource,
    frequency: Frequency = Frequency.ONCE,
    donor_name: str | None = None,
    donor_email: str | None = None,
    anonymous: bool = False,
    message: str | None = None,
    locale: str = "en",
) -> Donation:
    """A pending gift, before the donor is sent to pay; it counts for nothing yet."""
    _check_amount(amount_minor)
    if source not in EVENT_PROVIDERS:
        raise LedgerError("only gateway donations start pending")
    donation = Donation(
        campaign=campaign,
        reference=new_reference(),
        amount_minor=amount_minor,
        currency=campaign.currency,
        status=DonationStatus.PENDING,
        refunded_minor=0,
        disputed=False,
        frequency=frequency,
        source=source,
        donor_name=donor_name or None,
        donor_email=(donor_email or "").strip().lower() or None,
        anonymous=anonymous,
        message=message or None,
        locale=locale,
    )
    db.session.add(donation)
    db.session.flush()
    return donation


def _record_succeeded(donation: Donation) -> Donation:
    """Insert a donation as pending, then move it to succeeded through the ledger."""
    target_at = donation.succeeded_at
    donation.status = DonationStatus.PENDING
    donation.succeeded_at = None
    db.session.add(donation)
    donation = lock(donation)
    move(donation, DonationStatus.SUCCEEDED, succeeded_at=target_at or utcnow())
    return donation


@ledger_entry
def record_opening_balance(
    campaign: Campaign,
    amount_minor: int,
    *,
    note: str | None = None,
    received_on: date | None = None,
) -> Donation:
    """What a campaign had raised elsewhere before it moved here, as one ledger entry.

    It adds to ``raised_minor`` but not to ``donor_count``: the people who gave it are not
    known here, and counting the entry as one donor would be wrong either way.
    """
    _check_amount(amount_minor)
    return _record_succeeded(
        Donation(
            campaign=campaign,
            reference=new_reference(),
            amount_minor=amount_minor,
            currency=campaign.currency,
            refunded_minor=0,
            disputed=False,
            source=DonationSource.OPENING_BALANCE,
            anonymous=True,
            offline_reference=note,
            succeeded_at=_day_start(received_on),
        )
    )


@ledger_entry
def record_offline_gift(
    campaign: Campaign,
    amount_minor: int,
    *,
    donor_name: str,
    donor_email: str | None = None,
    anonymous: bool = False,
    method: OfflineMethod,
    reference: str | None,
    received_on: date,
    recorded_by=None,
    message: str | None = None,
) -> Donation:
    """A gift received in cash or by bank transfer, counted at once."""
    _check_amount(amount_minor)
    return _record_succeeded(
        Donation(
            campaign=campaign,
            reference=new_reference(),
            amount_minor=amount_minor,
            currency=campaign.currency,
            refunded_minor=0,
            disputed=False,
            source=DonationSource.OFFLINE,
            frequency=Frequency.ONCE,
            donor_name=donor_name or None,
            donor_email=(donor_email or "").strip().lower() or None,
            anonymous=anonymous,
            message=message or None,
            offline_method=OfflineMethod(method),
            offline_reference=reference or None,
            recorded_by_id=getattr(recorded_by, "id", None),
            succeeded_at=_day_start(received_on),
        )
    )


def refundable_minor(donation: Donation) -> int:
    """How much of the gift can still be given back: refunds asked of the gateway and not
    confirmed yet are no longer available."""
    if donation.status not in COUNTED:
        return 0
    return max(donation.amount_minor - donation.refund_claimed_minor, 0)


def check_refund(donation: Donation, amount_minor: int, seen_claimed: int | None = None) -> None:
    """Refuse a refund of a gift that is not counted, of nothing, or of more than is left;
    with ``seen_claimed``, also one asked for by somebody who saw other refunds than these."""
    if seen_claimed is not None and seen_claimed != donation.refund_claimed_minor:
        raise RefundRefused(RefundRefused.CHANGED, refundable_minor(donation))
    left = refundable_minor(donation)
    if left <= 0:
        raise RefundRefused(RefundRefused.NOT_REFUNDABLE, 0)
    try:
        _check_amount(amount_minor)
    except LedgerError:
        raise RefundRefused(RefundRefused.NOT_POSITIVE, left) from None
    if amount_minor > left:
        raise RefundRefused(RefundRefused.TOO_LARGE, left)


@ledger_entry
def request_refund(donation: Donation, amount_minor: int, seen_claimed: int | None = None) -> int:
    """Count a refund about to be asked of the gateway; returns the cumulative amount asked.

    Checked and written under the donation's row lock, so two requests racing each other are
    checked one after the other and get different totals (which key them at the gateway).
    The total falls only when the gateway confirms the refund.
    """
    if donation.source not in EVENT_PROVIDERS:
        raise LedgerError("only gateway donations are refunded through a gateway")
    donation = lock(donation)
    check_refund(donation, amount_minor, seen_claimed)
    requested = donation.refund_claimed_minor + amount_minor
    db.session.execute(
        sa.update(Donation)
        .where(Donation.id == donation.id)
        .values(refund_requested_minor=requested)
        .execution_options(synchronize_session=False)
    )
    set_committed_value(donation, "refund_requested_minor", requested)
    return requested


@ledger_entry
def refund_directly(
    donation: Donation, amount_minor: int, seen_claimed: int | None = None
) -> Donation:
    """Give back part or all of an offline gift (or correct an opening balance).

    Gateway donations are refunded through their gateway, and their totals fall when the
    gateway confirms it (see ``services.refund_donation``).
    """
    if donation.source in EVENT_PROVIDERS:
        raise LedgerError("gateway donations are refunded through their gateway")
    donation = lock(donation)
    check_refund(donation, amount_minor, seen_claimed)
    refunded = donation.refunded_minor + amount_minor
    status = (
        DonationStatus.REFUNDED
        if refunded >= donation.amount_minor
        else DonationStatus.PARTIALLY_REFUNDED
    )
    before = donation.refunded_minor
    if move(donation, status, refunded_minor=refunded):
        note_refunds(donation, before, [(refunded, None)])
    return donation


def note_refunds(donation: Donation, before: int, steps: list[tuple[int, datetime | None]]) -> None:
    """Record the refunds that took the gift from ``before`` to its refunded total: one row
    per step, ``(refunded total after it, when)`` (None: now), in the ledger's transaction."""
    for total, amount, at in _rows(steps, before, donation.refunded_minor):
        db.session.add(
            RefundRecord(
                donation_id=donation.id,
                amount_minor=amount,
                refunded_total_minor=total,
                refunded_at=at,
            )
        )
    db.session.flush()


def place_refunds(donation: Donation, steps: list[tuple[int, datetime | None]]) -> None:
    """Make the gift's refund records exactly these steps (every refunded total its payment
    events report, with when each was first reported), rewriting them if they differ: an
    event about an earlier refund that arrives after a later one splits the later one."""
    wanted = _rows(steps, 0, donation.refunded_minor)
    held = db.session.execute(
        sa.select(
            RefundRecord.refunded_total_minor, RefundRecord.amount_minor, RefundRecord.refunded_at
        )
        .where(RefundRecord.donation_id == donation.id)
        .order_by(RefundRecord.refunded_total_minor)
    ).all()
    kept = [(t, a) for t, a, _ in held]
    if [(t, a) for t, a, _ in wanted[: len(kept)]] == kept:
        # The usual case: the events add refunds after those recorded (or none at all).
        before = kept[-1][0] if kept else 0
        if len(wanted) > len(kept):
            note_refunds(donation, before, [(total, at) for total, _, at in wanted[len(kept) :]])
        return
    db.session.execute(sa.delete(RefundRecord).where(RefundRecord.donation_id == donation.id))
    note_refunds(donation, 0, [(total, at) for total, _, at in wanted])


def _rows(
    steps: list[tuple[int, datetime | None]], before: int, ceiling: int
) -> list[tuple[int, int, datetime]]:
    """(total, amount, when) for each step above ``before``, up to ``ceiling``, in order."""
    rows, previous = [], before
    for total, at in sorted(steps, key=lambda step: step[0]):
        total = min(total, ceiling)
        if total <= previous:
            continue
        rows.append((total, total - previous, at or utcnow()))
        previous = total
    return rows


@ledger_entry
def mark_failed(donation: Donation) -> Donation:
    """The gateway refused to start the payment: the pending gift will never be paid."""
    donation = lock(donation)
    if donation.status == DonationStatus.PENDING:
        move(donation, DonationStatus.FAILED)
    return donation
