"""Pytest fixtures for tests that talk to the local Stripe server or post webhooks.

A test module uses them with ``pytest_plugins = ["tests.stripe_server.fixtures"]``.
"""

from __future__ import annotations

import pytest

from tests.stripe_server.server import start_server


@pytest.fixture(scope="session")
def stripe_server():
    """One local Stripe API server for the whole run."""
    server, http = start_server()
    yield server
    http.shutdown()


@pytest.fixture
def stripe_app(app, db, stripe_server, monkeypatch):
    """The app configured for Stripe, pointed at the local server."""
    stripe_server.reset()
    monkeypatch.setitem(app.config, "STRIPE_SECRET_KEY", "sk_test_local_key")
    monkeypatch.setitem(app.config, "STRIPE_API_BASE", stripe_server.url)
    monkeypatch.setitem(app.config, "STRIPE_MAX_NETWORK_RETRIES", 0)
    return app
