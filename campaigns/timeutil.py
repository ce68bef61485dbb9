"""Moments in time: every timestamp is stored and compared in UTC, with its zone attached."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Now, in UTC, zone attached."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored timestamp with its zone: SQLite hands them back naive, and they are UTC.

    A moment that already carries a zone is returned as it is (same instant).
    """
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
