"""The donation ledger: the only code that changes a donation's status or a campaign's totals.

* ``totals``: what a donation contributes, and the one guarded transition that moves it;
* ``entries``: gifts and refunds the site records itself (pending, offline, opening balance);
* ``events``: payment events stored once and applied in any order;
* ``reconcile``: totals and daily figures recomputed from the donations.

Callers use this package's names (``ledger.record_event(...)``); services here ``flush()``
and the caller commits once.
"""

from campaigns.payments.ledger.entries import (
    RefundRefused,
    check_refund,
    mark_failed,
    new_reference,
    open_donation,
    record_offline_gift,
    record_opening_balance,
    refund_directly,
    refundable_minor,
    request_refund,
)
from campaigns.payments.ledger.events import (
    DUPLICATE,
    WAITING,
    pending_events,
    record_event,
)
from campaigns.payments.ledger.reconcile import DailyDrift, Drift, reconcile
from campaigns.payments.ledger.totals import (
    COUNTED,
    EVENT_PROVIDERS,
    PAID,
    ConcurrentChange,
    LedgerError,
    contribution,
    counts_as_donor,
)

__all__ = [
    "COUNTED",
    "DUPLICATE",
    "EVENT_PROVIDERS",
    "PAID",
    "WAITING",
    "ConcurrentChange",
    "DailyDrift",
    "Drift",
    "LedgerError",
    "RefundRefused",
    "check_refund",
    "contribution",
    "counts_as_donor",
    "mark_failed",
    "new_reference",
    "open_donation",
    "pending_events",
    "reconcile",
    "record_event",
    "record_offline_gift",
    "record_opening_balance",
    "refund_directly",
    "refundable_minor",
    "request_refund",
]
