"""Yearly statements: one email per donor per organization listing the year's gifts.

Beat starts :func:`send_yearly_statements` on 1 January for the year just ended; staff can
send one donor's statement again from the donation's page. A gift counts in the year it
was confirmed, with what is left of it after refunds; refunded and disputed gifts are left
out, as they are of the campaign's total.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

from campaigns import mail
from campaigns.extensions import db
from campaigns.models import Campaign, Donation, Organization
from campaigns.models.base import utcnow
from campaigns.models.donation import COUNTED_STATUSES
from campaigns.receipts.issue import is_monthly, statement_text


@dataclass(frozen=True)
class Line:
    donation: Donation
    amount_minor: int
    monthly: bool


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def _gifts_query(year: int):
    start, end = _year_bounds(year)
    return (
        sa.select(Donation)
        .join(Campaign)
        .where(
            Donation.status.in_(COUNTED_STATUSES),
            Donation.donor_email.is_not(None),
            Donation.succeeded_at >= start,
            Donation.succeeded_at < end,
        )
        .order_by(Donation.succeeded_at, Donation.id)
    )


def yearly_lines(organization_id: int, email: str, year: int) -> list[Line]:
    """This donor's counted gifts to the organization in ``year``, oldest first."""
    donations = db.session.scalars(
        _gifts_query(year).where(
            Campaign.organization_id == organization_id,
            Donation.donor_email == email.strip().lower(),
        )
    ).all()
    return [
        Line(d, d.amount_minor - d.refunded_minor, is_monthly(d))
        for d in donations
        if d.amount_minor > d.refunded_minor
    ]


def totals_by_currency(lines: list[Line]) -> list[tuple[str, int]]:
    totals: dict[str, int] = defaultdict(int)
    for line in lines:
        totals[line.donation.currency] += line.amount_minor
    return sorted(totals.items())


def queue_statement(
    organization: Organization, email: str, year: int, *, again: bool = False
) -> bool:
    """Queue the donor's statement for ``year``; whether there was anything to state.

    The yearly run sends one per donor and organization whatever the job's retries; a
    statement asked for ``again`` by staff goes out once more (once a day at most).
    """
    lines = yearly_lines(organization.id, email, year)
    if not lines:
        return False
    key = f"statement:{organization.id}:{year}:{email.strip().lower()}"
    if again:
        key += f":again:{utcnow().date().isoformat()}"
    mail.queue(
        "yearly_statement",
        to=lines[-1].donation.donor_email or email,
        locale=lines[-1].donation.locale or "en",  # the language of the donor's latest gift
        organization=organization,
        context={
            "year": year,
            "lines": lines,
            "totals": totals_by_currency(lines),
            "statement_text": statement_text,
        },
        dedupe_key=key,
    )
    return True


def send_yearly_statements(year: int) -> int:
    """Queue every donor's statement for ``year``; how many were queued."""
    pairs = db.session.execute(
        _gifts_query(year)
        .with_only_columns(Campaign.organization_id, Donation.donor_email)
        .distinct()
        .order_by(None)
    ).all()
    queued = 0
    for organization_id, email in sorted(pairs):
        organization = db.session.get(Organization, organization_id)
        if organization is not None and queue_statement(organization, email, year):
            queued += 1
    return queued
