"""Moments in time: every timestamp is stored and compared in UTC, with its zone attached."""

from __future__ import annotations

from datetime import UTC, date, datetime


def utcnow() -> datetime:
    """Now, in UTC, zone attached."""
    return datetime.now(UTC)


def today() -> date:
    """The calendar day campaigns are open or closed on: the one clock for a campaign's
    dates. The public pages, the donate form and its POST, the API and the console all
    read it, so none of them opens or closes a campaign a moment before another."""
    return date.today()


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp with its zone: SQLite hands them back naive, and they are UTC.

    A moment that already carries a zone is returned as it is (same instant).
    """
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
