"""The coverage floor fails a whole run that measures too little, and only a whole run."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def project(pytester, monkeypatch):
    """A project whose two tests cover half of its one module, with a floor of 90%."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), str(pytester.path)]))
    pytester.makepyfile(
        half="def used():\n    return 1\n\n\ndef unused():\n    return 2\n",
        test_one="from half import used\n\n\ndef test_used():\n    assert used() == 1\n",
        test_two="def test_nothing():\n    pass\n",
    )
    pytester.makeini(
        "[pytest]\n"
        "testpaths = .\n"
        "addopts = -p tests.coverage_floor --cov=half -p no:cacheprovider\n"
        "[coverage:report]\n"
        "fail_under = 90\n"
    )
    return pytester


def test_a_whole_run_below_the_floor_fails(project):
    result = project.runpytest_subprocess()
    assert result.ret == pytest.ExitCode.TESTS_FAILED
    result.stdout.fnmatch_lines(["*Coverage failure: total of * is less than fail-under=90*"])


@pytest.mark.parametrize("args", [["test_one.py"], ["-k", "used"]])
def test_a_partial_run_reports_without_the_floor(project, args):
    result = project.runpytest_subprocess(*args)
    assert result.ret == pytest.ExitCode.OK
    result.stdout.fnmatch_lines(["*half.py*"])
    assert "fail-under" not in result.stdout.str()
