"""What the cache tests share: counting SQL statements, reading a page's total and token."""

from __future__ import annotations

import re
from contextlib import contextmanager

from sqlalchemy import event

from campaigns.extensions import db

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@contextmanager
def counted_statements():
    """Yield a list that holds every SQL statement run inside the block (the test harness's
    savepoints left out)."""
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK")):
            statements.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def csrf_token(html: str) -> str:
    found = TOKEN.search(html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def text(response) -> str:
    """The page's words, tags removed and spaces squeezed."""
    html = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
