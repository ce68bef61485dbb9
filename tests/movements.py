"""Money moved through the real ledger, for tests that read totals back: gifts paid online
(through Stripe-shaped events dated as the test asks), offline gifts, opening balances,
refunds, and disputes open, lost or won."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time

from campaigns.models import DonationSource, OfflineMethod
from campaigns.payments import ledger
from tests.stripe_server import events as stripe_events

#: What can happen to an online gift after it is paid.
ONLINE_FATES = (
    "kept",
    "partly_refunded",
    "refunded",
    "dispute_open",
    "dispute_lost",
    "dispute_won",
)
#: What can happen to an offline gift or an opening balance.
DIRECT_FATES = ("kept", "partly_refunded", "refunded")


def _send(event: dict, at: datetime | None = None) -> str:
    if at is not None:
        event["created"] = int(at.timestamp())
    return ledger.record_event("stripe", event, json.dumps(event))


def online_gift(
    make, campaign, amount: int, day: date, fate: str = "kept", fate_on: date | None = None, **donor
):
    """A Stripe gift confirmed on ``day``, then refunded or disputed as ``fate`` says (on
    ``fate_on``; by default, now)."""
    donation = make.donation(campaign, amount_minor=amount, source=DonationSource.STRIPE, **donor)
    at = datetime.combine(day, time(12), tzinfo=UTC)
    later = datetime.combine(fate_on, time(12), tzinfo=UTC) if fate_on else None
    _send(stripe_events.session_event("checkout.session.completed", donation), at)
    if fate == "partly_refunded" and amount > 1:
        _send(stripe_events.charge_refunded(donation, amount_refunded=amount // 2), later)
    elif fate == "refunded":
        _send(stripe_events.charge_refunded(donation, amount_refunded=amount), later)
    elif fate.startswith("dispute_"):
        if amount > 2:
            # A part refunded before the dispute: both must show, neither twice.
            _send(stripe_events.charge_refunded(donation, amount_refunded=amount // 3), later)
        _send(stripe_events.dispute_created(donation), later)
        if fate != "dispute_open":
            closed = stripe_events.dispute_closed(donation, status=fate.removeprefix("dispute_"))
            _send(closed, later)
    return donation


def offline_gift(campaign, amount: int, day: date, fate: str = "kept", **donor):
    """A bank transfer received on ``day``, then refunded as ``fate`` says."""
    donor.setdefault("donor_name", "Offline Donor")
    donation = ledger.record_offline_gift(
        campaign,
        amount,
        method=OfflineMethod.BANK_TRANSFER,
        reference="TRX-1",
        received_on=day,
        **donor,
    )
    _refund_directly(donation, amount, fate)
    return donation


def opening_balance(campaign, amount: int, day: date, fate: str = "kept"):
    """Money raised elsewhere before ``day``, corrected as ``fate`` says."""
    donation = ledger.record_opening_balance(campaign, amount, received_on=day)
    _refund_directly(donation, amount, fate)
    return donation


def _refund_directly(donation, amount: int, fate: str) -> None:
    if fate == "partly_refunded" and amount > 1:
        ledger.refund_directly(donation, amount // 2)
    elif fate == "refunded":
        ledger.refund_directly(donation, amount)
