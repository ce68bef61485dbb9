"""The chain of migrations, for the tests that migrate a database down and up again."""

from __future__ import annotations

from pathlib import Path

from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"


def revision_before(revision: str) -> str:
    """The revision a migration follows: downgrading to it undoes that migration alone."""
    parent = ScriptDirectory(str(MIGRATIONS)).get_revision(revision).down_revision
    assert isinstance(parent, str), f"{revision} has no single parent"
    return parent
