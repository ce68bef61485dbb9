"""Fixtures of the payment tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def campaign(make):
    """A published campaign open for gifts, with the factory's preset tiers."""
    return make.campaign()
