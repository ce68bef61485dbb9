"""Refund requests to Stripe: each has an idempotency key of its own, prefixed with the
installation's id, and the ledger counts what was asked back before Stripe confirms it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from campaigns.catalog import ContentError
from campaigns.models import Installation
from campaigns.payments import ledger, services
from tests.payments.gifts import donate
from tests.stripe_server.events import deliver

pytest_plugins = ["tests.stripe_server.fixtures"]


@pytest.fixture
def paid(stripe_app, stripe_server, client, db, make):
    campaign = make.campaign()
    _, donation = donate(client, db, campaign)
    for event in stripe_server.pay(donation.checkout_session_id):
        deliver(client, event)
    stripe_server.take_outbox()
    db.session.refresh(donation)
    return donation


def keys(stripe_server) -> list[str]:
    return [c["headers"]["Idempotency-Key"] for c in stripe_server.calls("/v1/refunds")]


def test_two_quick_refunds_of_one_gift_are_two_refunds_at_stripe(db, stripe_server, paid):
    first = services.refund_donation(paid, 1000)
    second = services.refund_donation(paid, 1000)
    assert first != second
    assert len(set(keys(stripe_server))) == 2
    (payment,) = stripe_server.payments.values()
    assert payment.amount_refunded == 2000


def test_what_was_asked_back_is_no_longer_refundable(db, stripe_server, paid):
    services.refund_donation(paid, 1000)
    assert ledger.refundable_minor(paid) == 1500
    with pytest.raises(ledger.RefundRefused) as refused:
        services.refund_donation(paid, 2000)
    assert refused.value.reason == ledger.RefundRefused.TOO_LARGE
    assert len(keys(stripe_server)) == 1


def test_a_second_click_on_a_stripe_refund_asks_stripe_once(
    db, stripe_app, stripe_server, paid, make
):
    from campaigns.admin import donations as admin_donations

    admin = make.user()
    with stripe_app.test_request_context():
        admin_donations.refund(paid, 1000, admin, refunded_before="0")
        with pytest.raises(ContentError) as changed:
            admin_donations.refund(paid, 1000, admin, refunded_before="0")
    assert "changed since you confirmed" in changed.value.errors["amount"]
    assert len(keys(stripe_server)) == 1


def test_keys_carry_the_installation_id_of_the_database(db, stripe_server, paid):
    services.refund_donation(paid, 1000)
    stored = db.session.scalar(sa.select(Installation.id))
    assert re.fullmatch(r"[0-9a-f]{16}", stored)
    assert keys(stripe_server) == [f"{stored}:donation:{paid.id}:refund:1000"]


def test_the_installation_id_setting_wins(db, stripe_app, stripe_server, paid, monkeypatch):
    monkeypatch.setitem(stripe_app.config, "INSTALLATION_ID", "staging")
    services.refund_donation(paid, 1000)
    assert keys(stripe_server) == [f"staging:donation:{paid.id}:refund:1000"]


def test_two_databases_have_different_installation_ids(app, db, tmp_path):
    """A second database, built by the migrations, names itself differently."""
    from flask_migrate import upgrade

    from campaigns import create_app
    from campaigns.extensions import db as _db

    other = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(tmp_path / "other.sqlite3"),
        }
    )
    with other.app_context():
        upgrade()
        with _db.engine.connect() as connection:
            theirs = connection.scalar(sa.select(Installation.id))
        _db.engine.dispose()
    assert theirs != db.session.scalar(sa.select(Installation.id))
