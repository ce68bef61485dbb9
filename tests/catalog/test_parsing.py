"""The parsers of the content rules read what admins type, in either script of digits."""

from datetime import UTC, date, datetime

import pytest

from campaigns.catalog import rules
from campaigns.models import DatePrecision


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2013", (date(2013, 1, 1), DatePrecision.YEAR)),
        ("٢٠١٣", (date(2013, 1, 1), DatePrecision.YEAR)),
        ("2013-06", (date(2013, 6, 1), DatePrecision.MONTH)),
        ("06/2013", (date(2013, 6, 1), DatePrecision.MONTH)),
        ("2013-06-15", (date(2013, 6, 15), DatePrecision.DAY)),
        ("15/06/2013", (date(2013, 6, 15), DatePrecision.DAY)),
    ],
)
def test_chapter_dates_keep_their_precision(app, text, expected):
    with app.test_request_context():
        assert rules.parse_chapter_date(text) == expected


@pytest.mark.parametrize("text", ["2013-13", "0000", "June 2013", "2021/00/19"])
def test_impossible_chapter_dates_are_refused_in_words(app, text):
    with app.test_request_context(), pytest.raises(ValueError) as refused:
        rules.parse_chapter_date(text)
    assert str(refused.value)


def test_moments_are_read_in_utc(app):
    with app.test_request_context():
        assert rules.parse_moment("2024-03-27 14:30") == datetime(2024, 3, 27, 14, 30, tzinfo=UTC)
        assert rules.parse_moment("2024-03-27") == datetime(2024, 3, 27, tzinfo=UTC)
        for wrong in ("2024-03-27 24:00", "2024-03-27 10:75", "tomorrow"):
            with pytest.raises(ValueError, match="YYYY-MM-DD"):
                rules.parse_moment(wrong)


def test_an_empty_amount_is_no_amount(app):
    with app.test_request_context():
        assert rules.parse_optional_amount("  ", "USD") is None
        assert rules.parse_optional_amount("1500.50", "USD") == 150_050


@pytest.mark.parametrize("text", ["२०१३", "２０１３-06", "𝟐𝟎𝟏𝟑-06-15", "15/06/২০১৩"])
def test_dates_in_other_scripts_of_digits_are_refused(app, text):
    with app.test_request_context(), pytest.raises(ValueError):
        rules.parse_chapter_date(text)


def test_a_moment_may_be_typed_in_arabic_indic_digits_but_not_in_others(app):
    with app.test_request_context():
        assert rules.parse_moment("٢٠٢٤-٠٣-٢٧ ١٤:٣٠") == datetime(2024, 3, 27, 14, 30, tzinfo=UTC)
        with pytest.raises(ValueError):
            rules.parse_moment("2024-03-27 १४:३०")
