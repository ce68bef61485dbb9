"""The type checker is part of CI: its settings live in pyproject.toml and ``.ci/run`` runs it
before the tests, so a type error fails the build like a failing test."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_checks_the_package_with_its_settings():
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["mypy"]
    assert settings["files"] == ["campaigns"]
    for flag in ("check_untyped_defs", "warn_unused_ignores", "warn_redundant_casts"):
        assert settings[flag] is True


def test_ci_runs_mypy_after_ruff_and_before_the_tests():
    lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    mypy = lines.index(".venv/bin/mypy")
    assert lines.index(".venv/bin/ruff format --check .") < mypy
    assert mypy < next(n for n, line in enumerate(lines) if line.startswith(".venv/bin/pytest"))


def test_models_subclass_the_base_the_checker_is_shown():
    from campaigns.extensions import Model, db
    from campaigns.models import Campaign, OutboxMessage, User

    assert Model is db.Model
    assert all(issubclass(model, db.Model) for model in (Campaign, OutboxMessage, User))
