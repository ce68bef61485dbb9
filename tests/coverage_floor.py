"""Hold only a run of the whole suite to the coverage floor (``fail_under``).

A run of some tests (named files or folders, ``-k``, ``-m``, ``--lf``) measures less of
the code than the floor was set for and would always fail it; it still reports what it
measured. A plain ``pytest``, as continuous integration runs it, keeps the floor.
"""

from __future__ import annotations

import pytest

_SOME_DESELECTED = pytest.StashKey[bool]()


def pytest_deselected(items):
    if items:
        items[0].config.stash[_SOME_DESELECTED] = True


def pytest_collection_finish(session):
    config = session.config
    whole_suite = config.args_source is pytest.Config.ArgsSource.TESTPATHS and not (
        config.stash.get(_SOME_DESELECTED, False)
    )
    coverage = config.pluginmanager.getplugin("_cov")
    if not whole_suite and coverage is not None:
        coverage.options.cov_fail_under = None
