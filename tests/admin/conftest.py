"""Fixtures of the admin tests: the world of ``world.py``, and its manager signed in."""

from __future__ import annotations

import pytest

from tests.admin.world import build_world, sign_in


@pytest.fixture
def world(make, db):
    return build_world(make, db)


@pytest.fixture
def manager(client, world):
    """The world, with the client signed in as the manager of its first organization."""
    sign_in(client, world.users["manager"])
    return world
