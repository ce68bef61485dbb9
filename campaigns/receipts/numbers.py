"""Receipt numbers: sequential per organization and year, with no gaps.

The counter row is incremented with a conditional ``UPDATE ... RETURNING`` in the caller's
transaction: concurrent allocations wait on that row's lock, so each gets the next number,
and a transaction that rolls back takes its number back with it (auditors see no gap).
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from campaigns.extensions import db
from campaigns.models import ReceiptCounter


def allocate_number(organization_id: int, year: int) -> int:
    """The next receipt number of this organization in this year (1, 2, 3 ...)."""
    number = _increment(organization_id, year)
    if number is None:
        try:
            with db.session.begin_nested():
                db.session.add(
                    ReceiptCounter(organization_id=organization_id, year=year, last_number=0)
                )
        except IntegrityError:
            pass  # another transaction opened the year first; its row serves us too
        number = _increment(organization_id, year)
    assert number is not None
    return number


def _increment(organization_id: int, year: int) -> int | None:
    return db.session.execute(
        sa.update(ReceiptCounter)
        .where(ReceiptCounter.organization_id == organization_id, ReceiptCounter.year == year)
        .values(last_number=ReceiptCounter.last_number + 1)
        .returning(ReceiptCounter.last_number)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
