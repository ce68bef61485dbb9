"""What a donation contributes to its campaign, and the one guarded transition.

A campaign's ``raised_minor`` and ``donor_count`` are a cache of its donations. Every change of
a donation that moves money in or out of a total goes through :func:`move`, which

* reads the donation under a row lock (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
  serialises writers on its own),
* writes the new state with a conditional ``UPDATE ... WHERE status = <old> AND ...``, so a
  transition that another worker already made is refused instead of repeated, and
* adds the difference to the campaign with ``UPDATE campaigns SET raised_minor = raised_minor
  + :delta`` in the same transaction, as the last statement of the ledger call (the
  campaign's row is shared by every gift to it, so it is locked for as short a time as
  possible).

What counts: a donation contributes ``amount_minor - refunded_minor`` to ``raised_minor`` while
it is ``succeeded`` or ``partially_refunded``; nothing while it is pending, failed, expired,
refunded or held by a dispute. It adds one to ``donor_count`` on the same condition, except an
opening balance (money raised elsewhere, by donors who are not known here) and a monthly
renewal (the donor was counted with the gift that started the subscription).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from campaigns.extensions import db
from campaigns.models import Campaign, Donation, DonationSource, DonationStatus
from campaigns.models.base import utcnow
from campaigns.models.donation import COUNTED_STATUSES
from campaigns.receipts import issue_for_transition

#: Statuses whose money is in the campaign's total.
COUNTED = COUNTED_STATUSES
#: Statuses reached only once the money has moved.
PAID = frozenset(
    {
        DonationStatus.SUCCEEDED,
        DonationStatus.PARTIALLY_REFUNDED,
        DonationStatus.REFUNDED,
        DonationStatus.DISPUTED,
    }
)
#: Sources whose donations are driven by payment events, and the provider of those events.
EVENT_PROVIDERS = {DonationSource.STRIPE: "stripe", DonationSource.TEST: "test"}

_OWED_TOTALS = "ledger.owed_totals"
_DEPTH = "ledger.depth"
P = ParamSpec("P")
R = TypeVar("R")


class LedgerError(ValueError):
    """A request the ledger refuses (a negative amount, a refund larger than the gift ...)."""


class ConcurrentChange(RuntimeError):
    """Another transaction changed the donation between our read and our write.

    Under the row lock this cannot happen on PostgreSQL; on SQLite it means the event's
    transaction must be retried (the webhook answers 500 and Stripe sends it again).
    """


def contribution(
    status: DonationStatus, amount_minor: int, refunded_minor: int, *, donor: bool
) -> tuple[int, int]:
    """(raised, donors) that a donation in this state adds to its campaign."""
    if status in COUNTED:
        return amount_minor - refunded_minor, 1 if donor else 0
    return 0, 0


def counts_as_donor(donation: Donation) -> bool:
    """Opening balances and monthly renewals never add a donor (see the module docstring)."""
    return donation.source != DonationSource.OPENING_BALANCE and donation.parent_id is None


def lock(donation: Donation) -> Donation:
    """Re-read the donation under a row lock, discarding what the session remembered."""
    db.session.flush()
    return db.session.execute(
        sa.select(Donation)
        .where(Donation.id == donation.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def move(
    donation: Donation,
    status: DonationStatus,
    refunded_minor: int | None = None,
    disputed: bool | None = None,
    **fields: Any,
) -> bool:
    """Change the (locked) donation's state and the campaign's totals together, once.

    Returns whether anything changed. ``fields`` are other columns written with the state
    (``succeeded_at``).
    """
    refunded = donation.refunded_minor if refunded_minor is None else refunded_minor
    disputed = donation.disputed if disputed is None else disputed
    if refunded < 0 or refunded > donation.amount_minor:
        raise LedgerError("refund out of range")
    old = (donation.status, donation.refunded_minor, donation.disputed)
    if old == (status, refunded, disputed) and not fields:
        return False
    donor = counts_as_donor(donation)
    before = contribution(old[0], donation.amount_minor, old[1], donor=donor)
    after = contribution(status, donation.amount_minor, refunded, donor=donor)
    values = {"status": status, "refunded_minor": refunded, "disputed": disputed, **fields}
    # A refund made elsewhere (Stripe's dashboard) is one asked for, too.
    values["refund_requested_minor"] = max(donation.refund_requested_minor or 0, refunded)
    values["updated_at"] = utcnow()
    result = db.session.execute(
        sa.update(Donation)
        .where(
            Donation.id == donation.id,
            Donation.status == old[0],
            Donation.refunded_minor == old[1],
            Donation.disputed == old[2],
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    # An UPDATE's result is a cursor result, which counts the rows it changed.
    if cast("sa.CursorResult[Any]", result).rowcount != 1:
        raise ConcurrentChange(f"donation {donation.id} changed under us")
    for key, value in values.items():
        set_committed_value(donation, key, value)
    issue_for_transition(donation, old[0], old[1])  # receipts share the transition's transaction
    raised_delta = after[0] - before[0]
    donor_delta = after[1] - before[1]
    if raised_delta or donor_delta:
        owed = db.session.info.setdefault(_OWED_TOTALS, {})
        raised, donors = owed.get(donation.campaign_id, (0, 0))
        owed[donation.campaign_id] = (raised + raised_delta, donors + donor_delta)
    return True


def _write_totals() -> None:
    """Add what this transaction's transitions owe to their campaigns' totals.

    Done once, as the last statement before the caller commits: the campaign's row is the
    one every gift to it must lock, so it is held for as short a time as possible.
    """
    owed = db.session.info.pop(_OWED_TOTALS, None) or {}
    db.session.flush()
    for campaign_id in sorted(owed):
        raised_delta, donor_delta = owed[campaign_id]
        if not (raised_delta or donor_delta):
            continue
        db.session.execute(
            sa.update(Campaign)
            .where(Campaign.id == campaign_id)
            .values(
                raised_minor=Campaign.raised_minor + raised_delta,
                donor_count=Campaign.donor_count + donor_delta,
            )
            .execution_options(synchronize_session=False)
        )
        campaign = db.session.get(Campaign, campaign_id)
        if campaign is not None:
            db.session.expire(campaign, ["raised_minor", "donor_count"])


def ledger_entry(function: Callable[P, R]) -> Callable[P, R]:
    """Mark a public ledger function: on its way out, it writes the totals it moved.

    Nested calls write once, at the outermost; on an error nothing is written (the caller
    rolls the transaction back) and nothing is left owed for the session's next transaction.
    """

    @functools.wraps(function)
    def entry(*args: P.args, **kwargs: P.kwargs) -> R:
        depth = db.session.info.get(_DEPTH, 0)
        db.session.info[_DEPTH] = depth + 1
        try:
            result = function(*args, **kwargs)
        except BaseException:
            if depth == 0:
                db.session.info.pop(_OWED_TOTALS, None)
            raise
        finally:
            db.session.info[_DEPTH] = depth
        if depth == 0:
            _write_totals()
        return result

    return entry
