"""Reports for an organization's staff: money by campaign, by month, by source, and the
monthly gifts, over a chosen period; each one also as CSV.

Every figure is a sum made by the database (one ``GROUP BY`` per report), over the gifts
confirmed in the period (``succeeded_at``, which the ledger sets on every paid gift, is
indexed). A gift is counted as the ledger counts it in its campaign's total
(``COUNTED_STATUSES``: its amount less what was refunded); what left it again is shown as
such, in the gift's own row: refunds, disputes still open (held) and disputes lost. So
``given - refunded - disputes held - disputes lost`` is the net, every report's nets add up
to the same total, and over all time they are the campaigns' totals. Sums are kept per
currency: different currencies are never added together.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, case, func, select

from campaigns import catalog
from campaigns.admin.access import Ability, scope
from campaigns.admin.donations import safe_cell
from campaigns.extensions import db
from campaigns.models import Campaign, Donation, DonationSource, DonationStatus, Frequency
from campaigns.models.donation import COUNTED_STATUSES
from campaigns.money import format_plain
from campaigns.paging import record_id
from campaigns.payments.ledger import PAID

#: The years a report can start and end in (a year beyond would overflow the day after).
FIRST_YEAR = 1990
LAST_YEAR = 2100
#: The reports there are, in the order of the page.
REPORTS = ("campaigns", "months", "sources", "monthly")


# The period ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """From the first day to the last, both included, in UTC; optionally one organization."""

    start: date
    end: date
    organization_id: int | None = None

    def bounds(self) -> tuple[datetime, datetime]:
        """The moments the period starts at and ends before."""
        start = datetime.combine(self.start, time.min, tzinfo=UTC)
        end = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=UTC)
        return start, end

    def as_args(self) -> dict:
        """The period as query-string arguments (for the CSV links)."""
        args: dict = {"date_from": self.start.isoformat(), "date_to": self.end.isoformat()}
        if self.organization_id:
            args["organization"] = self.organization_id
        return args


def default_period(today: date) -> Period:
    """This year so far."""
    return Period(date(today.year, 1, 1), today)


def _read_date(text: str) -> date:
    day = catalog.parse_date(text)
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValueError(
            _(
                "Choose a date between the years %(first)s and %(last)s.",
                first=FIRST_YEAR,
                last=LAST_YEAR,
            )
        )
    return day


def read_organization(data) -> int | None:
    """The organization asked for in the query string (None: all the user may see)."""
    try:
        return record_id(data.get("organization") or "0")
    except ValueError:
        return None


def parse_period(data, today: date) -> tuple[Period, dict[str, str]]:
    """The period from the query string, and an error per field that could not be read.

    A field left empty takes its default (this year so far); the period is usable only
    when there are no errors.
    """
    default = default_period(today)
    errors: dict[str, str] = {}
    days = {"date_from": default.start, "date_to": default.end}
    for name in days:
        text = (data.get(name) or "").strip()
        if text:
            try:
                days[name] = _read_date(text)
            except ValueError as exc:
                errors[name] = str(exc)
    if not errors and days["date_from"] > days["date_to"]:
        errors["date_to"] = _("The end of the period is before its start.")
    return Period(days["date_from"], days["date_to"], read_organization(data)), errors


# Figures ------------------------------------------------------------------------------


@dataclass
class Figures:
    """What a group of gifts brought in and what left it again, in one currency."""

    #: Gifts paid (opening balances, which are not gifts, are not counted).
    gifts: int = 0
    #: Of which monthly renewals.
    renewals: int = 0
    given_minor: int = 0
    refunded_minor: int = 0
    #: Out of the total while a dispute is open; it comes back if the dispute is won.
    disputes_held_minor: int = 0
    #: Taken back by the donor's bank: the dispute was lost.
    disputes_lost_minor: int = 0
    #: What the ledger counts in the campaigns' totals.
    net_minor: int = 0

    @property
    def first_gifts(self) -> int:
        return self.gifts - self.renewals

    def add(self, other: Figures) -> None:
        for name in _FIGURE_NAMES:
            setattr(self, name, getattr(self, name) + getattr(other, name))


_FIGURE_NAMES = (
    "gifts",
    "renewals",
    "given_minor",
    "refunded_minor",
    "disputes_held_minor",
    "disputes_lost_minor",
    "net_minor",
)


@dataclass(frozen=True)
class Row:
    """One line of a report: what it is about (a campaign, a month, a source), and its sums."""

    #: A Campaign, the first day of a month, or a DonationSource.
    key: Any
    currency: str
    figures: Figures


@dataclass
class Report:
    name: str
    rows: list[Row] = field(default_factory=list)
    #: The sums of the rows, per currency, in the order the currencies first appear.
    totals: dict[str, Figures] = field(default_factory=dict)

    @classmethod
    def of(cls, name: str, rows: list[Row]) -> Report:
        report = cls(name, rows)
        for row in rows:
            report.totals.setdefault(row.currency, Figures()).add(row.figures)
        return report


def _figure_columns() -> list[ColumnElement]:
    """The sums every report makes, in the order of :data:`_FIGURE_NAMES`."""
    left = Donation.amount_minor - Donation.refunded_minor
    counted = Donation.status.in_(sorted(COUNTED_STATUSES))
    return [
        func.sum(case((Donation.source != DonationSource.OPENING_BALANCE, 1), else_=0)),
        func.sum(case((Donation.parent_id.is_not(None), 1), else_=0)),
        func.sum(Donation.amount_minor),
        func.sum(Donation.refunded_minor),
        func.sum(case((Donation.status == DonationStatus.DISPUTED, left), else_=0)),
        # Refunded in full by a lost dispute rather than by refunds: what refunds left.
        func.sum(case((Donation.status == DonationStatus.REFUNDED, left), else_=0)),
        # The ledger's own rule: a counted gift adds what was not refunded.
        func.sum(case((counted, left), else_=0)),
    ]


def _figures(values: Iterable) -> Figures:
    return Figures(*(int(value or 0) for value in values))


def month_of(moment) -> ColumnElement:
    """The month of a timestamp, in UTC: a timestamp on PostgreSQL, ``YYYY-MM`` text on
    SQLite (which stores UTC text already)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.date_trunc("month", func.timezone("UTC", moment))
    return func.strftime("%Y-%m", moment)


def _first_day(value) -> date:
    text = value if isinstance(value, str) else value.strftime("%Y-%m")
    return date(int(text[:4]), int(text[5:7]), 1)


def _grouped(period: Period, *keys: Any, where: Iterable = ()):
    """One row per value of ``keys`` and currency: the paid gifts of the period, summed."""
    start, end = period.bounds()
    query = (
        select(*keys, Donation.currency, *_figure_columns())
        .join(Campaign, Donation.campaign_id == Campaign.id)
        .where(
            Donation.status.in_(sorted(PAID)),
            Donation.succeeded_at >= start,
            Donation.succeeded_at < end,
            *where,
        )
        .group_by(*keys, Donation.currency)
    )
    query = scope(query, Campaign.organization_id, Ability.CONTENT)
    if period.organization_id:
        query = query.where(Campaign.organization_id == period.organization_id)
    return db.session.execute(query).all()


def by_campaign(period: Period) -> Report:
    """Each campaign that received money in the period, the largest net first."""
    rows = _grouped(period, Donation.campaign_id)
    campaigns = {
        c.id: c
        for c in db.session.scalars(
            select(Campaign).where(Campaign.id.in_({row[0] for row in rows}))
        )
    }
    lines = [Row(campaigns[row[0]], row[1], _figures(row[2:])) for row in rows]
    lines.sort(key=lambda line: (line.currency, -line.figures.net_minor, line.key.id))
    return Report.of("campaigns", lines)


def _by_month(period: Period, name: str, where: Iterable = ()) -> Report:
    month = month_of(Donation.succeeded_at)
    rows = _grouped(period, month, where=where)
    lines = [Row(_first_day(row[0]), row[1], _figures(row[2:])) for row in rows]
    lines.sort(key=lambda line: (line.key, line.currency))
    return Report.of(name, lines)


def by_month(period: Period) -> Report:
    """Each month of the period that saw a gift, oldest first."""
    return _by_month(period, "months")


def by_source(period: Period) -> Report:
    """Card (Stripe), the test gateway, offline gifts and opening balances."""
    order = list(DonationSource)
    rows = _grouped(period, Donation.source)
    lines = [Row(DonationSource(row[0]), row[1], _figures(row[2:])) for row in rows]
    lines.sort(key=lambda line: (order.index(line.key), line.currency))
    return Report.of("sources", lines)


def monthly_gifts(period: Period) -> Report:
    """Monthly gifts (first payments and renewals) per month, oldest first."""
    return _by_month(period, "monthly", where=[Donation.frequency == Frequency.MONTHLY])


REPORT_BUILDERS = {
    "campaigns": by_campaign,
    "months": by_month,
    "sources": by_source,
    "monthly": monthly_gifts,
}


def all_reports(period: Period) -> dict[str, Report]:
    return {name: REPORT_BUILDERS[name](period) for name in REPORTS}


# CSV ----------------------------------------------------------------------------------

_MONEY_COLUMNS = ("given", "refunded", "disputes_held", "disputes_lost", "net")


def _key_cells(report: Report, row: Row) -> list:
    if report.name == "campaigns":
        campaign = row.key
        assert isinstance(campaign, Campaign)
        return [campaign.slug, campaign.title_en, campaign.title_ar]
    if report.name == "sources":
        assert isinstance(row.key, DonationSource)
        return [row.key.value]
    assert isinstance(row.key, date)
    return [row.key.strftime("%Y-%m")]


_KEY_COLUMNS = {
    "campaigns": ("campaign", "title_en", "title_ar"),
    "months": ("month",),
    "sources": ("source",),
    "monthly": ("month",),
}


def csv_text(report: Report) -> str:
    """The report as CSV (RFC 4180, CRLF), UTF-8 with a byte-order mark, one row per line
    of the page; text cells are defused as the donations export defuses them.

    A report has a line per campaign or month, not per gift: it is written whole, while
    the request (and its session, which the campaigns' titles are read from) still runs.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    count_columns = ("gifts", "first_gifts", "renewals") if report.name == "monthly" else ("gifts",)
    writer.writerow([*_KEY_COLUMNS[report.name], "currency", *count_columns, *_MONEY_COLUMNS])
    for row in report.rows:
        figures = row.figures
        counts = [getattr(figures, name) for name in count_columns]
        amounts = [
            format_plain(getattr(figures, f"{name}_minor"), row.currency) for name in _MONEY_COLUMNS
        ]
        writer.writerow(
            [safe_cell(v) for v in (*_key_cells(report, row), row.currency, *counts, *amounts)]
        )
    return "\ufeff" + buffer.getvalue()


def csv_name(report: str, period: Period) -> str:
    return f"report-{report}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
