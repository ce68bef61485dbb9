"""Payment events that did not move a donation as they should: for platform admins.

The ledger (:mod:`campaigns.payments.ledger.events`) stores every signed event and writes
what applying it did in ``outcome``. Three kinds need a person: an event still *waiting*
for the donation it is about (it named a payment no gift is linked to), a *malformed* one
(signed, but unreadable), and one that *contradicted* its donation (another amount or
currency, another gift's payment, another gateway's gift). This module finds them, newest
first, a page at a time by id (keyset: no page costs more than the first), and says for
each what an admin needs to look it up at the provider: never its payload, which holds
the donor's name, email and address.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from campaigns.extensions import db
from campaigns.models import Donation, PaymentEvent
from campaigns.payments.gateways.stripe_events import MalformedEvent, Reading, read_event
from campaigns.payments.ledger.events import CONTRADICTED, MALFORMED, WAITING

PER_PAGE = 50

#: Outcomes of the ledger that say an event disagreed with the gift it named, without the
#: ``contradicted`` prefix (the gift was found but not believed, so it was not linked).
_DISAGREED = (
    "ignored: event contradicts the donation's payment",
    "ignored: donation belongs to another gateway",
)


class Problem(enum.StrEnum):
    WAITING = "waiting"
    MALFORMED = "malformed"
    CONTRADICTED = "contradicted"


PROBLEM_LABELS = {
    Problem.WAITING: _l("Never matched a donation"),
    Problem.MALFORMED: _l("Malformed"),
    Problem.CONTRADICTED: _l("Contradicted its donation"),
}

PROBLEM_HINTS = {
    Problem.WAITING: _l(
        "It names a payment that no gift here is linked to. It is applied by itself if the "
        "event that links that payment arrives."
    ),
    Problem.MALFORMED: _l("Its signature was right but it could not be read; it is never applied."),
    Problem.CONTRADICTED: _l(
        "It disagrees with the gift it names (amount, currency, payment or gateway); the gift "
        "was left as it was."
    ),
}


def _clause(problem: Problem) -> sa.ColumnElement[bool]:
    outcome = PaymentEvent.outcome
    if problem is Problem.WAITING:
        return outcome.startswith(WAITING)
    if problem is Problem.MALFORMED:
        return outcome.startswith(MALFORMED)
    return sa.or_(outcome.startswith(CONTRADICTED), outcome.in_(_DISAGREED))


def problem_of(outcome: str | None) -> Problem | None:
    """Which of the three kinds an outcome is, or None for an event that went as it should."""
    outcome = outcome or ""
    if outcome.startswith(WAITING):
        return Problem.WAITING
    if outcome.startswith(MALFORMED):
        return Problem.MALFORMED
    if outcome.startswith(CONTRADICTED) or outcome in _DISAGREED:
        return Problem.CONTRADICTED
    return None


@dataclass(frozen=True)
class EventRow:
    """One event as the page shows it."""

    id: int
    provider: str
    event_id: str
    type: str
    received_at: datetime
    problem: Problem
    #: The ledger's own words, in English (``contradicted: amount_total 5000 is not ...``).
    outcome: str
    #: The gift the event is about: linked by the ledger, or named by the event itself.
    donation_id: int | None
    donation_reference: str | None
    #: The payment's ids at the provider (session, payment intent, charge, subscription).
    payment_ids: tuple[str, ...]


@dataclass(frozen=True)
class EventPage:
    rows: Sequence[EventRow]
    #: The id to ask for the next (older) page with, or None on the last page.
    older_than: int | None


def _reading(payload: str) -> Reading | None:
    try:
        return read_event(json.loads(payload))
    except (MalformedEvent, ValueError, TypeError, AttributeError):
        return None


def _named_donations(ids: set[int]) -> dict[int, str]:
    """The references of the donations that exist among ``ids``."""
    if not ids:
        return {}
    rows = db.session.execute(
        sa.select(Donation.id, Donation.reference).where(Donation.id.in_(ids))
    ).all()
    return {row.id: row.reference for row in rows}


def problem_events(
    problem: Problem | None = None, older_than: int | None = None, per_page: int | None = None
) -> EventPage:
    """One page of the events that need a person, newest first; ``problem`` narrows it."""
    per_page = per_page or PER_PAGE
    clause = _clause(problem) if problem else sa.or_(*(_clause(p) for p in Problem))
    query = sa.select(PaymentEvent).where(clause)
    if older_than is not None:
        query = query.where(PaymentEvent.id < older_than)
    events = db.session.scalars(query.order_by(PaymentEvent.id.desc()).limit(per_page + 1)).all()
    more = len(events) > per_page
    events = events[:per_page]
    readings = {event.id: _reading(event.payload) for event in events}
    named = {r.donation_id for r in readings.values() if r is not None and r.donation_id}
    linked = {e.donation_id for e in events if e.donation_id}
    references = _named_donations(named | linked)
    rows = []
    for event in events:
        reading = readings[event.id]
        donation_id = event.donation_id or (reading.donation_id if reading else None)
        if donation_id not in references:
            donation_id = None
        ids = (
            (reading.session_id, reading.payment_intent, reading.charge, reading.subscription)
            if reading
            else ()
        )
        rows.append(
            EventRow(
                id=event.id,
                provider=event.provider,
                event_id=event.event_id,
                type=event.type,
                received_at=event.received_at,
                problem=problem_of(event.outcome) or Problem.MALFORMED,
                outcome=event.outcome or "",
                donation_id=donation_id,
                donation_reference=references.get(donation_id) if donation_id else None,
                payment_ids=tuple(i for i in ids if i),
            )
        )
    return EventPage(rows=rows, older_than=events[-1].id if more and events else None)
