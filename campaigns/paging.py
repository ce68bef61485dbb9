"""Numbers that come from the address bar: page numbers and record ids.

A number too large for the database's columns would make the query fail (SQLite cannot
bind an integer beyond 64 bits; PostgreSQL refuses one beyond the column's type), so the
bounds are checked here, before any query: no such page or record is a 404, never a 500.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Flask, abort
from werkzeug.routing import IntegerConverter

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
