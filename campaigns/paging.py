"""Numbers that come from the address bar: page numbers, record ids, keyset cursors.

A number too large for the database's columns would make the query fail (SQLite cannot
bind an integer beyond 64 bits; PostgreSQL refuses one beyond the column's type), so the
bounds are checked here, before any query: no such page or record is a 404, never a 500.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, abort
from sqlalchemy import Select, literal, tuple_
from werkzeug.routing import IntegerConverter

from campaigns.extensions import db
from campaigns.timeutil import as_utc

#: The largest id a record can have: ids are 32-bit INTEGER columns.
MAX_ID = 2**31 - 1
#: No list is this long: even at 100 a page, the offset stays far inside 64 bits.
MAX_PAGE = 1_000_000


class IdConverter(IntegerConverter):
    """``<int:...>`` in a route, bounded by :data:`MAX_ID`: a larger number matches no
    route, so it is a 404 like an id that does not exist."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


def init_app(app: Flask) -> None:
    """Bound every ``<int:...>`` route argument; call before the blueprints register."""
    app.url_map.converters["int"] = IdConverter


def record_id(text: str) -> int:
    """An id written in a query string; ``ValueError`` for anything no record can have,
    so that ``request.args.get(name, type=record_id)`` drops it like unreadable text."""
    value = int(text)
    if not 0 < value <= MAX_ID:
        raise ValueError(f"not a record id: {text!r}")
    return value


def page_number(args: Mapping) -> int:
    """The page asked for in ``?page=``: 1 when absent, unreadable or below 1; a 404 when
    it is beyond the last page any list can have."""
    try:
        page = int(args.get("page") or 1)
    except ValueError:
        return 1
    if page > MAX_PAGE:
        abort(404)
    return max(page, 1)


# Keyset pages ---------------------------------------------------------------------------
#
# A long list (donations, the audit log) is read from a place in its order, not from an
# offset: "the 50 rows older than this one". The place is a cursor in the address bar,
# ``<microseconds since 1970>-<id>``, the sort moment and id of the row next to the page,
# so page 500 costs the database what page 1 does.

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: The moments a cursor may name (the years 1 to 9999), in microseconds since 1970.
_MIN_MICROS = (datetime(1, 1, 2, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)
_MAX_MICROS = (datetime(9999, 12, 30, tzinfo=UTC) - _EPOCH) // timedelta(microseconds=1)
_CURSOR = re.compile(r"(-?\d{1,18})-(\d{1,10})")

#: The two directions a keyset page can be asked for, as they appear in the address bar.
OLDER = "older"
NEWER = "newer"


@dataclass(frozen=True)
class Cursor:
    """A place in a list sorted newest first: a row's sort moment and its id."""

    at: datetime
    id: int

    def token(self) -> str:
        micros = (as_utc(self.at) - _EPOCH) // timedelta(microseconds=1)
        return f"{micros}-{self.id}"

    @classmethod
    def parse(cls, text: str) -> Cursor:
        """The cursor written as :meth:`token` wrote it; ``ValueError`` for anything else."""
        match = _CURSOR.fullmatch(text)
        if not match:
            raise ValueError(f"not a cursor: {text!r}")
        micros = int(match.group(1))
        if not _MIN_MICROS <= micros <= _MAX_MICROS:
            raise ValueError(f"not a cursor: {text!r}")
        return cls(_EPOCH + timedelta(microseconds=micros), record_id(match.group(2)))


@dataclass(frozen=True)
class Place:
    """Where a keyset page starts: the first page, or older / newer than a cursor."""

    direction: str | None = None
    cursor: Cursor | None = None


def place(args: Mapping) -> Place:
    """The page asked for in ``?older=`` or ``?newer=``: the first page when neither is
    given; a 400 when a cursor is given that no page of ours wrote (or both are)."""
    given = [(name, args.get(name)) for name in (OLDER, NEWER) if args.get(name)]
    if not given:
        return Place()
    if len(given) > 1:
        abort(400)
    direction, text = given[0]
    try:
        return Place(direction, Cursor.parse(str(text)))
    except ValueError:
        abort(400)


@dataclass(frozen=True)
class KeysetPage:
    """One page of a list read newest first, with the places of its neighbours: ``newer``
    when there are rows before it (it is not the first page), ``older`` when after."""

    items: list
    newer: Cursor | None
    older: Cursor | None


def keyset_page(
    query: Select,
    order: tuple[Any, Any],
    at: Place,
    per_page: int,
    key: Callable[[Any], Cursor],
) -> KeysetPage:
    """``per_page`` rows of ``query`` (not yet ordered) from ``at``, newest first.

    ``order`` is the sort key, a moment and an id, both descending; ``key(row)`` reads a
    row's cursor. The rows are found through the key's index, so a page far down the list
    costs what the first one does.
    """
    moment, row_id = order
    if at.cursor is not None:
        there = tuple_(moment, row_id)
        here = tuple_(literal(at.cursor.at, moment.type), literal(at.cursor.id, row_id.type))
        if at.direction == NEWER:
            rows = db.session.scalars(
                query.where(there > here).order_by(moment, row_id).limit(per_page + 1)
            ).all()
            if len(rows) > per_page:
                rows = list(reversed(rows[:per_page]))
                return KeysetPage(rows, newer=key(rows[0]), older=key(rows[-1]))
            # Back at the top of the list: the first page, full.
            return keyset_page(query, order, Place(), per_page, key)
        query = query.where(there < here)
    rows = db.session.scalars(
        query.order_by(moment.desc(), row_id.desc()).limit(per_page + 1)
    ).all()
    more = len(rows) > per_page
    rows = list(rows[:per_page])
    newer = key(rows[0]) if rows and at.cursor is not None else None
    if at.cursor is not None and not rows:
        newer = at.cursor  # past the end: the way back still leads somewhere
    return KeysetPage(rows, newer=newer, older=key(rows[-1]) if more else None)
