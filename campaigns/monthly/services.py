"""Monthly gifts after the first payment: where one stands, stopping it, changing its amount,
and renewing the test gateway's subscriptions.

The gateway is asked to do the thing; the ledger hears of it through the gateway's events
(``customer.subscription.deleted``, ``invoice.paid``), as for every other change of state.
Services only flush.
"""

from __future__ import annotations

import calendar
import enum
import logging
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from campaigns import audit, mail
from campaigns.extensions import db
from campaigns.models import Donation, DonationSource, DonationStatus, Frequency, User
from campaigns.models.base import utcnow
from campaigns.monthly.links import manage_url, subscription_gift
from campaigns.payments.gateways import GatewayError, gateway_for
from campaigns.payments.gateways.test import TestGateway
from campaigns.payments.ledger.totals import PAID
from campaigns.timeutil import as_utc

log = logging.getLogger(__name__)

#: Session key naming the gift being stopped here, while its gateway is asked to.
_STOPPING_HERE = "monthly.stopping_here"


class GiftState(enum.StrEnum):
    #: The first payment has not been confirmed (or failed): nothing renews yet.
    NOT_STARTED = "not_started"
    ACTIVE = "active"
    #: Asked to stop; the gateway's confirmation has not arrived yet.
    STOPPING = "stopping"
    STOPPED = "stopped"


class MonthlyRefusal(ValueError):
    """The gift cannot be changed as asked (it is stopped, or has not started)."""


@dataclass(frozen=True)
class MonthlyGift:
    """What the donor's page shows."""

    gift: Donation
    state: GiftState
    amount_minor: int
    since: datetime | None
    next_renewal: datetime | None
    renewals: int


def state_of(gift: Donation) -> GiftState:
    if gift.subscription_ended_at is not None:
        return GiftState.STOPPED
    if gift.stop_requested_at is not None:
        return GiftState.STOPPING
    if gift.status not in PAID or not gift.subscription_id:
        return GiftState.NOT_STARTED
    return GiftState.ACTIVE


def renewal_amount(gift: Donation) -> int:
    """What the next renewal charges, in minor units."""
    return gift.monthly_amount_minor or gift.amount_minor


def _renewals(gift: Donation) -> list[Donation]:
    return list(
        db.session.scalars(
            sa.select(Donation)
            .where(Donation.parent_id == gift.id, Donation.succeeded_at.is_not(None))
            .order_by(Donation.succeeded_at)
        )
    )


def add_month(moment: datetime) -> datetime:
    """The same day of the next month (the last day when the next month is shorter)."""
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def last_payment(gift: Donation, renewals: list[Donation] | None = None) -> datetime | None:
    """When the gift was last paid: its latest confirmed renewal, or its first payment."""
    renewals = _renewals(gift) if renewals is None else renewals
    last = renewals[-1].succeeded_at if renewals else gift.succeeded_at
    return as_utc(last) if last else None


def describe(gift: Donation) -> MonthlyGift:
    state = state_of(gift)
    renewals = _renewals(gift)
    last = last_payment(gift, renewals)
    return MonthlyGift(
        gift=gift,
        state=state,
        amount_minor=renewal_amount(gift),
        since=as_utc(gift.succeeded_at) if gift.succeeded_at else None,
        next_renewal=add_month(last) if last and state == GiftState.ACTIVE else None,
        renewals=len(renewals),
    )


def _check_changeable(gift: Donation) -> None:
    state = state_of(gift)
    if state != GiftState.ACTIVE:
        raise MonthlyRefusal(state.value)


def stop(donation: Donation, *, staff: User | None = None) -> bool:
    """Stop the monthly gift; False if it was stopped (or asked to stop) already.

    The gateway cancels the subscription; its ``customer.subscription.deleted`` event tells
    the ledger (the test gateway sends it at once). The donor gets an email either way.
    Raises :class:`GatewayError` when the gateway refuses; the caller rolls back.
    """
    gift = subscription_gift(donation)
    if state_of(gift) in (GiftState.STOPPED, GiftState.STOPPING):
        return False
    _check_changeable(gift)
    # The test gateway's event arrives within the call: it is this stop, not the gateway's.
    db.session.info[_STOPPING_HERE] = gift.id
    try:
        gateway_for(gift.source).cancel_subscription(gift)
    finally:
        db.session.info.pop(_STOPPING_HERE, None)
    db.session.refresh(gift)
    if gift.subscription_ended_at is None:
        gift.stop_requested_at = utcnow()
    audit.record(
        "donation.monthly_stop",
        gift,
        {"by": "staff" if staff is not None else "donor"},
        user=staff,
    )
    _tell_donor_stopped(gift)
    db.session.flush()
    log.info("Monthly gift %s stopped by %s", gift.id, "staff" if staff else "the donor")
    return True


def subscription_ended(gift: Donation) -> None:
    """The gateway's ``customer.subscription.deleted`` ended this gift's subscription.

    Called by the ledger once, when the gift is first marked stopped. When nobody stopped it
    here (Stripe ends a subscription whose payments keep failing, or someone cancelled it in
    Stripe's dashboard), the audit log says so; either way the donor gets the stop email,
    the same one as after stopping it here, and only once (its dedupe key). Only flushes.
    """
    if gift.parent_id is not None or gift.frequency != Frequency.MONTHLY:
        return
    if gift.status not in PAID:
        return  # it never started: there is no monthly gift to say goodbye to
    if gift.stop_requested_at is None and db.session.info.get(_STOPPING_HERE) != gift.id:
        audit.record("donation.monthly_ended", gift, {"by": "gateway"}, user=None)
        log.info("Monthly gift %s ended by its gateway", gift.id)
    _tell_donor_stopped(gift)


def change_amount(donation: Donation, amount_minor: int) -> bool:
    """Charge ``amount_minor`` from the next renewal on; False if it is that already.

    The amount must have passed the donate form's rules (``ChangeAmountForm``).
    """
    gift = subscription_gift(donation)
    _check_changeable(gift)
    if amount_minor == renewal_amount(gift):
        return False
    gateway_for(gift.source).change_subscription_amount(gift, amount_minor)
    previous = renewal_amount(gift)
    gift.monthly_amount_minor = amount_minor
    audit.record("donation.monthly_amount", gift, {"from": previous, "to": amount_minor}, user=None)
    db.session.flush()
    return True


def _tell_donor_stopped(gift: Donation) -> None:
    if not gift.donor_email:
        return
    try:
        mail.queue(
            "monthly_stopped",
            to=gift.donor_email,
            locale=gift.locale,
            organization=gift.campaign.organization,
            context={
                "gift": gift,
                "campaign": gift.campaign,
                "amount_minor": renewal_amount(gift),
                "manage_url": manage_url(gift),
            },
            dedupe_key=f"monthly-stopped:{gift.id}",
        )
    except ValueError:
        # An address no mail server would take must not keep the gift running.
        log.warning("Monthly gift %s stopped; its donor's address takes no email.", gift.id)


def due_test_subscriptions() -> list[Donation]:
    """Running monthly gifts of the test gateway, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Donation)
            .where(
                Donation.source == DonationSource.TEST,
                Donation.frequency == Frequency.MONTHLY,
                Donation.parent_id.is_(None),
                Donation.subscription_id.is_not(None),
                Donation.subscription_ended_at.is_(None),
                Donation.stop_requested_at.is_(None),
                Donation.status.in_([DonationStatus.SUCCEEDED, DonationStatus.PARTIALLY_REFUNDED]),
            )
            .order_by(Donation.id)
        )
    )


def renew_test_subscriptions(now: datetime | None = None, *, all_now: bool = False) -> int:
    """Send ``invoice.paid`` for each test subscription whose month has passed (with
    ``all_now``, for every running one, as a demo's "next month"); returns how many.

    The invoice is named after the renewal's due date, so a renewal sent twice is one
    invoice, and the ledger makes one donation of it.
    """
    now = as_utc(now) if now else utcnow()
    gateway = gateway_for(DonationSource.TEST)
    if not isinstance(gateway, TestGateway):
        raise GatewayError("not_test_gateway")
    renewed = 0
    for gift in due_test_subscriptions():
        last = last_payment(gift)
        if last is None:
            continue
        due = add_month(last)
        if due > now and not all_now:
            continue
        invoice_id = f"in_test_{gift.reference}_{due:%Y%m%d}"
        outcome = gateway.renew(gift, invoice_id, renewal_amount(gift))
        if outcome.startswith("applied"):
            renewed += 1
    return renewed
