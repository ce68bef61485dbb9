"""Stored timestamps are UTC; SQLite hands them back without their zone."""

from datetime import UTC, datetime, timedelta, timezone

from campaigns.timeutil import as_utc, utcnow


def test_naive_timestamps_are_read_as_utc():
    assert as_utc(datetime(2024, 3, 27, 14, 30)) == datetime(2024, 3, 27, 14, 30, tzinfo=UTC)


def test_a_moment_with_a_zone_is_left_as_it_is():
    damascus = datetime(2024, 3, 27, 17, 30, tzinfo=timezone(timedelta(hours=3)))
    assert as_utc(damascus) is damascus
    assert as_utc(damascus) == datetime(2024, 3, 27, 14, 30, tzinfo=UTC)


def test_now_carries_its_zone():
    assert utcnow().tzinfo is UTC
