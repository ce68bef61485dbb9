"""What a donation contributes to its campaign, and the one guarded transition.

A campaign's ``raised_minor`` and ``donor_count``, and the dashboard's daily figures
(:mod:`campaigns.models.totals`), are a cache of its donations. Every change of a donation
that moves money in or out of them goes through :func:`move`, which

* reads the donation under a row lock (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite
  serialises writers on its own),
* writes the new state with a conditional ``UPDATE ... WHERE status = <old> AND ...``, so a
  transition that another worker already made is refused instead of repeated, and
* adds the differences to the kept figures in the same transaction, as the last statement
  of the ledger call: an ``INSERT ... ON CONFLICT DO UPDATE`` adding to the campaigns'
  totals, with another adding to their daily figures in its ``WITH`` (on SQLite, two
  statements). Both go to one of ``SLOTS`` rows per campaign
  (and day), picked at random per transaction, so gifts to one campaign do not all queue
  on one row; readers sum the slots.

What counts: a donation contributes ``amount_minor - refunded_minor`` to ``raised_minor`` while
it is ``succeeded`` or ``partially_refunded``; nothing while it is pending, failed, expired,
refunded or held by a dispute. It adds one to ``donor_count`` on the same condition, except an
opening balance (money raised elsewhere, by donors who are not known here) and a monthly
renewal (the donor was counted with the gift that started the subscription).
"""

from __future__ import annotations

import functools
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, ParamSpec, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from campaigns.extensions import db
from campaigns.models import (
    Campaign,
    CampaignDailyTotal,
    CampaignTotalSlot,
    Donation,
    DonationSource,
    DonationStatus,
)
from campaigns.models.base import utcnow
from campaigns.models.donation import COUNTED_STATUSES
from campaigns.models.totals import SLOTS
from campaigns.receipts import issue_for_transition
from campaigns.timeutil import as_utc

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


@dataclass(frozen=True)
class Figures:
    """What a donation in one state adds to its campaign's day (see ``CampaignDailyTotal``)."""

    raised_minor: int = 0
    donor_count: int = 0
    gifts: int = 0
    gifts_minor: int = 0
    refunded_minor: int = 0
    disputed_minor: int = 0

    def values(self) -> tuple[int, ...]:
        """The figures in column order (``dataclasses.astuple`` would deep-copy each one,
        which costs more than the rest of the arithmetic of a webhook)."""
        return tuple(getattr(self, name) for name in FIGURE_COLUMNS)

    def minus(self, other: Figures) -> Figures:
        return Figures(*(a - b for a, b in zip(self.values(), other.values(), strict=True)))

    def plus(self, other: Figures) -> Figures:
        return Figures(*(a + b for a, b in zip(self.values(), other.values(), strict=True)))

    def __bool__(self) -> bool:
        return any(self.values())


#: The columns of ``Figures``, in the same order (also those of ``CampaignDailyTotal``).
FIGURE_COLUMNS = tuple(Figures.__dataclass_fields__)


def figures(
    status: DonationStatus,
    amount_minor: int,
    refunded_minor: int,
    *,
    disputed: bool,
    source: DonationSource,
    donor: bool,
) -> Figures:
    """The daily figures of a donation in this state (``reconcile`` says the same in SQL)."""
    if status not in PAID:
        return Figures()
    raised, donors = contribution(status, amount_minor, refunded_minor, donor=donor)
    gift = status in COUNTED and not disputed and source != DonationSource.OPENING_BALANCE
    held = amount_minor - refunded_minor if status == DonationStatus.DISPUTED else 0
    return Figures(
        raised_minor=raised,
        donor_count=donors,
        gifts=1 if gift else 0,
        gifts_minor=raised if gift else 0,
        # A dispute lost gives all of it back, whatever was refunded before.
        refunded_minor=amount_minor if status == DonationStatus.REFUNDED else refunded_minor,
        disputed_minor=held,
    )


def figures_day(succeeded_at: datetime | None, created_at: datetime | None) -> date:
    """The UTC day a donation's figures belong to: the day it succeeded."""
    moment = succeeded_at or created_at or utcnow()
    return as_utc(moment).astimezone(UTC).date()


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
    before = figures(
        old[0],
        donation.amount_minor,
        old[1],
        disputed=old[2],
        source=donation.source,
        donor=donor,
    )
    after = figures(
        status,
        donation.amount_minor,
        refunded,
        disputed=disputed,
        source=donation.source,
        donor=donor,
    )
    day_before = figures_day(donation.succeeded_at, donation.created_at)
    values = {"status": status, "refunded_minor": refunded, "disputed": disputed, **fields}
    # A refund made elsewhere (Stripe's dashboard) is one asked for, too.
    values["refund_requested_minor"] = max(donation.refund_requested_minor or 0, refunded)
    values["updated_at"] = utcnow()
    params = {f"v_{key}": value for key, value in values.items()}
    params.update(w_id=donation.id, w_status=old[0], w_refunded=old[1], w_disputed=old[2])
    result = db.session.execute(_transition(tuple(values)), params)
    # An UPDATE's result is a cursor result, which counts the rows it changed.
    if cast("sa.CursorResult[Any]", result).rowcount != 1:
        raise ConcurrentChange(f"donation {donation.id} changed under us")
    for key, value in values.items():
        set_committed_value(donation, key, value)
    issue_for_transition(donation, old[0], old[1])  # receipts share the transition's transaction
    day_after = figures_day(donation.succeeded_at, donation.created_at)
    _owe(donation.campaign_id, day_before, donation.currency, Figures().minus(before))
    _owe(donation.campaign_id, day_after, donation.currency, after)
    return True


@functools.cache
def _transition(columns: tuple[str, ...]) -> sa.Update:
    """``move``'s conditional UPDATE of ``columns``, built once per process: the donation
    ``:w_id`` while still in ``:w_status``, ``:w_refunded``, ``:w_disputed``; each new value
    bound as ``v_`` and the column's name. Of the table, not the model: the ORM's bulk
    UPDATE would only add work (``move`` sets the loaded donation's values itself)."""
    table = cast(sa.Table, Donation.__table__)
    return (
        sa.update(table)
        .where(
            table.c.id == sa.bindparam("w_id"),
            table.c.status == sa.bindparam("w_status", type_=table.c.status.type),
            table.c.refunded_minor == sa.bindparam("w_refunded"),
            table.c.disputed == sa.bindparam("w_disputed"),
        )
        .values({name: sa.bindparam(f"v_{name}", type_=table.c[name].type) for name in columns})
    )


def _owe(campaign_id: int, day: date, currency: str, change: Figures) -> None:
    """Note what the transaction owes a campaign's day (written by ``_write_totals``)."""
    if not change:
        return
    owed = db.session.info.setdefault(_OWED_TOTALS, {})
    key = (campaign_id, day, currency)
    owed[key] = owed.get(key, Figures()).plus(change)


def _write_totals() -> None:
    """Add what this transaction's transitions owe to the kept figures.

    Done once, as the last statement before the caller commits (two on SQLite): the
    campaigns' totals, then their days, each row in a fixed order (so two transactions
    never wait on each other in a circle), all in one slot picked at random.
    """
    owed: dict[tuple[int, date, str], Figures] = db.session.info.pop(_OWED_TOTALS, None) or {}
    db.session.flush()
    slot = random.randrange(SLOTS)  # noqa: S311 - spreads row locks, not a secret
    days = [(key, change) for key, change in sorted(owed.items()) if change]
    campaigns: dict[int, tuple[int, int]] = {}
    for (campaign_id, _day, _currency), change in days:
        raised, donors = campaigns.get(campaign_id, (0, 0))
        campaigns[campaign_id] = (raised + change.raised_minor, donors + change.donor_count)
    totals = [
        {"campaign_id": cid, "slot": slot, "raised_minor": raised, "donor_count": donors}
        for cid, (raised, donors) in sorted(campaigns.items())
        if raised or donors
    ]
    rows = [
        {"campaign_id": cid, "day": day, "currency": currency, "slot": slot}
        | dict(zip(FIGURE_COLUMNS, change.values(), strict=True))
        for (cid, day, currency), change in days
    ]
    if len(totals) == 1 and len(rows) == 1:
        # The usual transaction (one campaign, one day): the same statements, built once.
        params: dict[str, Any] = {f"t_{k}": v for k, v in totals[0].items()}
        params |= {f"d_{k}": v for k, v in rows[0].items()}
        for statement in _one_row_each(_dialect(), tuple(totals[0]), tuple(rows[0])):
            db.session.execute(statement, params)
        _forget_totals(campaigns)
        return
    first = upsert(CampaignTotalSlot, totals, ("raised_minor", "donor_count"))
    then = upsert(CampaignDailyTotal, rows, FIGURE_COLUMNS)
    if first is not None and then is not None and _dialect() == "postgresql":
        # One round trip: the daily rows are written by a data-modifying WITH, which runs
        # once the main statement (the totals) is done, in the same order every time.
        db.session.execute(first.add_cte(then.cte("days")))
    else:
        for statement in (first, then):
            if statement is not None:
                db.session.execute(statement)
    _forget_totals(campaigns)


def _forget_totals(campaigns: dict[int, Any]) -> None:
    for campaign_id in campaigns:
        # Only a campaign the session holds needs to forget its totals: nothing is read.
        campaign = db.session.identity_map.get(identity_key(Campaign, campaign_id))
        if campaign is not None:
            db.session.expire(campaign, ["raised_minor", "donor_count"])


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def upsert(model: type, rows: list[dict[str, Any]], columns: tuple[str, ...]):
    """``INSERT ... ON CONFLICT DO UPDATE`` adding ``rows``' ``columns`` to the rows of
    ``model``'s table with the same key (inserting those missing); None for no rows."""
    if not rows:
        return None
    table = cast(sa.Table, model.__table__)  # type: ignore[attr-defined]
    insert = postgresql.insert if _dialect() == "postgresql" else sqlite.insert
    statement = insert(table).values(rows)
    keys = [column.name for column in table.primary_key.columns]
    return statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: table.c[name] + statement.excluded[name] for name in columns},
    )


@functools.cache
def _one_row_each(dialect: str, totals: tuple[str, ...], days: tuple[str, ...]) -> tuple:
    """``_write_totals``' statements for one campaign's total and one day, built once per
    process with their values bound (``t_`` and ``d_`` before the column names).

    A statement that inserts a list of rows is built and compiled afresh at each call
    (SQLAlchemy does not cache many-row VALUES); one row of bound values is cached."""
    first = _upsert_one(dialect, CampaignTotalSlot, totals, ("raised_minor", "donor_count"), "t_")
    then = _upsert_one(dialect, CampaignDailyTotal, days, FIGURE_COLUMNS, "d_")
    if dialect == "postgresql":
        return (first.add_cte(then.cte("days")),)
    return (first, then)


def _upsert_one(
    dialect: str, model: type, keys: tuple[str, ...], columns: tuple[str, ...], prefix: str
):
    """``upsert`` of one row whose values are bound as ``prefix`` + column name."""
    table = cast(sa.Table, model.__table__)  # type: ignore[attr-defined]
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    row = {key: sa.bindparam(prefix + key, type_=table.c[key].type) for key in keys}
    statement = insert(table).values(row)
    index = [column.name for column in table.primary_key.columns]
    return statement.on_conflict_do_update(
        index_elements=index,
        set_={name: table.c[name] + statement.excluded[name] for name in columns},
    )


def add_to(model: type, rows: list[dict[str, Any]], columns: tuple[str, ...]) -> None:
    """Add ``rows``' ``columns`` to the kept rows of ``model`` with the same key."""
    statement = upsert(model, rows, columns)
    if statement is not None:
        db.session.execute(statement)


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
