"""The donors of one organization: one line per donor's email, with what they have given in
all (per currency), how many gifts and when the last one came; also as CSV.

Gifts count as the ledger counts them (``COUNTED_STATUSES``, less what was refunded);
opening balances are not donors. The sums are made by the database, grouped by the
email (letter case aside), and the list is read a page at a time from the email after the
last one shown (keyset paging: the hundredth page costs what the first does).

Who sees whom follows the donations list: the staff who hold the money ability for the
organization (its managers, and platform admins) see every donor's name and email, marked
when the donor is anonymous in public. Editors do not see donations; here they see the
donors who gave in public by name, and the anonymous ones only together, as one line with
neither a name nor an email, in the page and in the CSV alike.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from campaigns.admin import access
from campaigns.admin.access import Ability
from campaigns.admin.donations import safe_cell
from campaigns.audit import record
from campaigns.extensions import db
from campaigns.models import Campaign, Donation, DonationSource, Organization
from campaigns.models.donation import COUNTED_STATUSES
from campaigns.money import format_plain
from campaigns.timeutil import as_utc

PER_PAGE = 50
#: An email is at most 254 characters: a longer "after" is no email, and is ignored.
MAX_EMAIL = 254

DONOR = "donor"
ANONYMOUS = "anonymous_donors"
WITHOUT_EMAIL = "without_email"


@dataclass(frozen=True)
class DonorLine:
    """A donor, or a group of them shown together (the anonymous ones, the gifts without an
    email); ``email`` and ``name`` are None whenever the reader may not see them."""

    kind: str
    email: str | None
    name: str | None
    #: The donor asked not to be named in public (or staff took the name off the page).
    anonymous: bool
    gifts: int
    last_gift: datetime | None
    #: Net given, per currency, currencies without a gift left out.
    totals: dict[str, int] = field(default_factory=dict)
    #: How many donors the line stands for.
    donors: int = 1


@dataclass(frozen=True)
class DonorsPage:
    organization: Organization
    #: Whether the reader sees every donor (names and emails of anonymous ones too).
    sees_everyone: bool
    currencies: Sequence[str]
    #: How many donors (distinct emails) the organization has; on the first page only.
    donors: int | None
    lines: list[DonorLine]
    #: The email the next page starts after; None on the last page.
    next_after: str | None
    #: Apart from the list: the anonymous donors together (for editors), and the gifts
    #: that came without an email (offline gifts, mostly).
    groups: list[DonorLine]
    first_page: bool


def sees_everyone(organization: Organization) -> bool:
    """The donations list's rule: who may read donations may read every donor."""
    return access.can(Ability.MONEY, organization.id)


def read_after(data) -> str | None:
    text = (data.get("after") or "").strip().lower()
    return text if 0 < len(text) <= MAX_EMAIL else None


def _email() -> ColumnElement:
    return func.lower(Donation.donor_email)


def _hidden() -> ColumnElement:
    return or_(Donation.anonymous.is_(True), Donation.name_hidden.is_(True))


def _counted(organization_id: int) -> tuple:
    """The organization's gifts in its campaigns' totals; opening balances are no donors."""
    return (
        Campaign.organization_id == organization_id,
        Donation.status.in_(sorted(COUNTED_STATUSES)),
        Donation.source != DonationSource.OPENING_BALANCE,
    )


def _gifts(organization_id: int, *where) -> tuple:
    return (*_counted(organization_id), *where)


def currencies(organization_id: int) -> list[str]:
    """The currencies the organization's donors gave in."""
    query = (
        select(Donation.currency)
        .join(Campaign, Donation.campaign_id == Campaign.id)
        .where(*_counted(organization_id))
        .group_by(Donation.currency)
        .order_by(Donation.currency)
    )
    return list(db.session.scalars(query))


def _sums(codes: Sequence[str]) -> list[ColumnElement]:
    net = Donation.amount_minor - Donation.refunded_minor
    return [
        func.sum(case((Donation.currency == code, net), else_=0)).label(f"total_{n}")
        for n, code in enumerate(codes)
    ]


def _donors(organization_id: int, codes: Sequence[str], after: str | None = None):
    """One row per email (after ``after``, if given: the gifts before it are not even
    grouped): gifts, last gift, whether any gift was anonymous, totals."""
    email = _email()
    where: list[ColumnElement[bool]] = [Donation.donor_email.is_not(None)]
    if after:
        where.append(email > after)
    return (
        select(
            email.label("email"),
            func.count().label("gifts"),
            func.max(Donation.succeeded_at).label("last_gift"),
            func.max(case((_hidden(), 1), else_=0)).label("hidden"),
            *_sums(codes),
        )
        .join(Campaign, Donation.campaign_id == Campaign.id)
        .where(*_gifts(organization_id, *where))
        .group_by(email)
        .subquery("donors")
    )


def _latest_names(organization_id: int, emails: Iterable[str] | None = None):
    """Each email's name as given with its latest gift."""
    email = _email()
    where = [Donation.donor_email.is_not(None)]
    if emails is not None:
        where.append(email.in_(list(emails)))
    rank = func.row_number().over(
        partition_by=email, order_by=(Donation.succeeded_at.desc(), Donation.id.desc())
    )
    return (
        select(email.label("email"), Donation.donor_name.label("name"), rank.label("rank"))
        .join(Campaign, Donation.campaign_id == Campaign.id)
        .where(*_gifts(organization_id, *where))
        .subquery("names")
    )


def _totals(row, codes: Sequence[str]) -> dict[str, int]:
    values = {code: int(getattr(row, f"total_{n}") or 0) for n, code in enumerate(codes)}
    return {code: value for code, value in values.items() if value}


def _moment(value) -> datetime | None:
    return as_utc(value) if value is not None else None


def _line(row, codes: Sequence[str], name: str | None, everyone: bool) -> DonorLine:
    anonymous = bool(row.hidden)
    # The list leaves anonymous donors out for those who may not see them; should one come
    # through all the same, neither the name nor the email goes any further.
    shown = everyone or not anonymous
    return DonorLine(
        DONOR,
        row.email if shown else None,
        ((name or "").strip() or None) if shown else None,
        anonymous,
        int(row.gifts),
        _moment(row.last_gift),
        _totals(row, codes),
    )


def _list_query(
    organization_id: int, codes: Sequence[str], everyone: bool, after: str | None = None
):
    donors = _donors(organization_id, codes, after)
    query = select(donors).order_by(donors.c.email)
    if not everyone:
        query = query.where(donors.c.hidden == 0)
    return query, donors


def _groups(organization_id: int, codes: Sequence[str], everyone: bool) -> list[DonorLine]:
    """The anonymous donors together (for those who may not see them), and the gifts that
    came without an email: each a single line, or nothing when there are none."""
    groups = []
    if not everyone:
        donors = _donors(organization_id, codes)
        totals = [func.sum(c) for c in donors.c if c.name.startswith("total_")]
        row = db.session.execute(
            select(
                func.count().label("donors"),
                func.sum(donors.c.gifts).label("gifts"),
                func.max(donors.c.last_gift).label("last_gift"),
                *(total.label(f"total_{n}") for n, total in enumerate(totals)),
            ).where(donors.c.hidden == 1)
        ).one()
        if row.donors:
            groups.append(
                DonorLine(
                    ANONYMOUS,
                    None,
                    None,
                    True,
                    int(row.gifts),
                    _moment(row.last_gift),
                    _totals(row, codes),
                    int(row.donors),
                )
            )
    row = db.session.execute(
        select(
            func.count().label("gifts"),
            func.max(Donation.succeeded_at).label("last_gift"),
            *_sums(codes),
        )
        .join(Campaign, Donation.campaign_id == Campaign.id)
        .where(*_gifts(organization_id, Donation.donor_email.is_(None)))
    ).one()
    if row.gifts:
        groups.append(
            DonorLine(
                WITHOUT_EMAIL,
                None,
                None,
                False,
                int(row.gifts),
                _moment(row.last_gift),
                _totals(row, codes),
                0,
            )
        )
    return groups


def donors_page(organization: Organization, after: str | None = None) -> DonorsPage:
    """A page of the organization's donors, by email, from the one after ``after``."""
    everyone = sees_everyone(organization)
    codes = currencies(organization.id)
    query, _unused = _list_query(organization.id, codes, everyone, after)
    count = None
    if not after:  # counted once, on the first page
        count = db.session.scalar(select(func.count()).select_from(_donors(organization.id, codes)))
    rows = db.session.execute(query.limit(PER_PAGE + 1)).all()
    more = len(rows) > PER_PAGE
    rows = rows[:PER_PAGE]
    names: dict[str, str | None] = {}
    if rows:
        latest = _latest_names(organization.id, [row.email for row in rows])
        names = dict(
            db.session.execute(
                select(latest.c.email, latest.c.name).where(latest.c.rank == 1)
            ).all()
        )
    lines = [_line(row, codes, names.get(row.email), everyone) for row in rows]
    return DonorsPage(
        organization=organization,
        sees_everyone=everyone,
        currencies=codes,
        donors=None if count is None else int(count),
        lines=lines,
        next_after=rows[-1].email if more else None,
        groups=_groups(organization.id, codes, everyone) if not after else [],
        first_page=not after,
    )


# CSV ----------------------------------------------------------------------------------


def note_export(organization: Organization) -> None:
    """A donors list reveals donors' details: each download is written to the audit log,
    committed with the request before the body is sent (as the donations export is)."""
    record("donors.export", organization, {"sees_everyone": sees_everyone(organization)})


def _csv_row(line: DonorLine, codes: Sequence[str]) -> list[str]:
    last = line.last_gift.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if line.last_gift else ""
    values = [
        line.kind,
        line.email,
        line.name,
        "yes" if line.anonymous else "no",
        line.donors,
        line.gifts,
        last,
        *(format_plain(line.totals.get(code, 0), code) for code in codes),
    ]
    return [safe_cell(value) for value in values]


def export_csv(organization: Organization) -> Iterator[str]:
    """Every donor as CSV (RFC 4180, CRLF, UTF-8 with a byte-order mark), a column per
    currency; the anonymous donors and the gifts without an email come last, together.

    Everything that needs the signed-in user is worked out here, while the request runs;
    the returned generator reads the rows as it sends them.
    """
    everyone = sees_everyone(organization)
    codes = currencies(organization.id)
    query, donors = _list_query(organization.id, codes, everyone)
    names = _latest_names(organization.id)
    query = (
        query.add_columns(names.c.name)
        .join(names, and_(names.c.email == donors.c.email, names.c.rank == 1))
        .execution_options(yield_per=500)
    )
    groups = _groups(organization.id, codes, everyone)
    return _csv_lines(query, codes, everyone, groups)


def _csv_lines(query, codes, everyone: bool, groups: list[DonorLine]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    writer.writerow(
        [
            "row",
            "email",
            "name",
            "anonymous",
            "donors",
            "gifts",
            "last_gift_utc",
            *(f"total_{code}" for code in codes),
        ]
    )
    yield "\ufeff" + flush()
    for n, row in enumerate(db.session.execute(query), start=1):
        writer.writerow(_csv_row(_line(row, codes, row.name, everyone), codes))
        if n % 200 == 0:
            yield flush()
    for line in groups:
        writer.writerow(_csv_row(line, codes))
    yield flush()


def csv_name(organization: Organization) -> str:
    return f"donors-{organization.slug}-{datetime.now(UTC).date().isoformat()}.csv"
