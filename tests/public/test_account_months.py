"""The public account shows each refund and dispute in the month it happened, not in the
month of its gift, and still adds up to the campaign's total; past refunds are dated by the
migration that added the refund records."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from campaigns import create_app
from campaigns.extensions import db as _db
from campaigns.models import Campaign, Donation, PaymentEvent, Receipt, RefundRecord
from campaigns.payments import ledger
from campaigns.public.account import campaign_account
from tests import movements
from tests.factories import Factories
from tests.migrations import revision_before
from tests.stripe_server import events as stripe_events

BEFORE_RECORDS = revision_before("e5b2c8d41a73")


def noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=UTC)


def send(event: dict, day: date) -> str:
    event["created"] = int(noon(day).timestamp())
    return ledger.record_event("stripe", event, json.dumps(event))


def by_month(account) -> dict[date, tuple[int, int, int]]:
    """(in, refunded, disputed) for each month."""
    return {month: (m.in_minor, m.refunded_minor, m.disputed_minor) for month, m in account.months}


def test_refunds_are_shown_in_their_own_months_whatever_the_order(db, make):
    campaign = make.campaign(tiers=())
    gift = movements.online_gift(make, campaign, 50_00, date(2025, 3, 3))
    # Refunded 10 in April and 20 more in June; June's event arrives first.
    assert send(stripe_events.charge_refunded(gift, amount_refunded=30_00), date(2025, 6, 9))
    send(stripe_events.charge_refunded(gift, amount_refunded=10_00), date(2025, 4, 8))
    db.session.commit()
    account = campaign_account(campaign)
    assert by_month(account) == {
        date(2025, 3, 1): (50_00, 0, 0),
        date(2025, 4, 1): (0, 10_00, 0),
        date(2025, 6, 1): (0, 20_00, 0),
    }
    db.session.refresh(campaign)
    assert account.closing_minor == campaign.raised_minor == 20_00
    records = db.session.execute(
        sa.select(RefundRecord.refunded_total_minor, RefundRecord.amount_minor)
        .where(RefundRecord.donation_id == gift.id)
        .order_by(RefundRecord.refunded_total_minor)
    ).all()
    assert [tuple(r) for r in records] == [(10_00, 10_00), (30_00, 20_00)]
    # A repeat of an event changes nothing.
    send(stripe_events.charge_refunded(gift, amount_refunded=30_00), date(2025, 7, 1))
    assert by_month(campaign_account(campaign)) == by_month(account)
    assert ledger.reconcile() == []


def test_a_dispute_is_shown_in_the_month_it_was_opened(db, make):
    campaign = make.campaign(tiers=())
    gift = movements.online_gift(make, campaign, 40_00, date(2025, 1, 20))
    send(stripe_events.dispute_created(gift), date(2025, 2, 10))
    send(stripe_events.dispute_closed(gift, status="lost"), date(2025, 4, 2))
    db.session.commit()
    account = campaign_account(campaign)
    assert by_month(account) == {
        date(2025, 1, 1): (40_00, 0, 0),
        date(2025, 2, 1): (0, 0, 40_00),
    }
    assert account.total.disputes_lost_minor == 40_00
    db.session.refresh(campaign)
    assert account.closing_minor == campaign.raised_minor == 0


def test_an_offline_refund_is_dated_when_it_is_made(db, make):
    campaign = make.campaign(tiers=())
    gift = movements.offline_gift(campaign, 80_00, date(2024, 11, 5))
    ledger.refund_directly(gift, 30_00)
    ledger.refund_directly(gift, 20_00)
    db.session.commit()
    now = datetime.now(UTC).date().replace(day=1)
    account = campaign_account(campaign)
    assert by_month(account) == {date(2024, 11, 1): (80_00, 0, 0), now: (0, 50_00, 0)}
    assert account.closing_minor == 30_00


def test_the_page_says_when_refunds_happened(client, db, make):
    campaign = make.campaign(slug="dated-refunds", tiers=())
    gift = movements.online_gift(make, campaign, 70_00, date(2025, 3, 3))
    send(stripe_events.charge_refunded(gift, amount_refunded=25_00), date(2025, 5, 9))
    page = client.get("/campaigns/dated-refunds/account").get_data(as_text=True)
    may = page[page.index("May 2025") :]
    may = may[: may.index("</tr>")]
    assert "-$25.00" in may and "$70.00" not in may
    march = page[page.index("March 2025") :]
    march = march[: march.index("</tr>")]
    assert "$70.00" in march and "-$25.00" not in march
    assert "Total raised: <bdi>$45.00</bdi>" in page


# The migration dates past refunds -------------------------------------------------------


@pytest.fixture
def empty_database(database_url, tmp_path):
    """A database of the same kind as the run's, of its own (it is migrated up and down)."""
    if database_url.startswith("sqlite"):
        yield "sqlite:///" + str(tmp_path / "backfill.sqlite3")
        return
    admin_url = database_url.rsplit("/", 1)[0] + "/postgres"
    name = f"campaigns_backfill_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield database_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_migration_dates_past_refunds_and_disputes(empty_database, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "backfill",
            "SQLALCHEMY_DATABASE_URI": empty_database,
            "UPLOAD_DIR": str(tmp_path),
            "RATELIMIT_ENABLED": False,
            "PUBLIC_URL": "http://localhost",
        }
    )
    with app.app_context():
        try:
            upgrade()
            make = Factories(_db.session)
            campaign = make.campaign(slug="backfilled", tiers=())
            online = movements.online_gift(
                make, campaign, 60_00, date(2025, 3, 3), donor_email="rima@example.org"
            )
            send(stripe_events.charge_refunded(online, amount_refunded=10_00), date(2025, 4, 1))
            send(stripe_events.charge_refunded(online, amount_refunded=25_00), date(2025, 6, 1))
            offline = movements.offline_gift(campaign, 40_00, date(2025, 3, 9))  # no email
            ledger.refund_directly(offline, 15_00)
            disputed = movements.online_gift(make, campaign, 30_00, date(2025, 3, 20))
            send(stripe_events.dispute_created(disputed), date(2025, 5, 5))
            _db.session.commit()
            ids = (campaign.id, online.id, offline.id, disputed.id)
            total = campaign_account(campaign).closing_minor
            _db.session.remove()

            downgrade(revision=BEFORE_RECORDS)
            upgrade()

            campaign_id, online_id, offline_id, disputed_id = ids
            refunds = _db.session.execute(
                sa.select(
                    RefundRecord.donation_id,
                    RefundRecord.refunded_total_minor,
                    RefundRecord.amount_minor,
                    RefundRecord.refunded_at,
                ).order_by(RefundRecord.donation_id, RefundRecord.refunded_total_minor)
            ).all()
            receipts = _db.session.scalars(
                sa.select(Receipt)
                .where(Receipt.donation_id == online_id, Receipt.kind == "refund")
                .order_by(Receipt.refunded_total_minor)
            ).all()
            # The online gift's two refunds, from its two refund receipts.
            assert [(r[1], r[2]) for r in refunds if r[0] == online_id] == [
                (10_00, 10_00),
                (25_00, 15_00),
            ]
            assert [r[3] for r in refunds if r[0] == online_id] == [r.issued_at for r in receipts]
            # The offline gift had no email, so no receipt: one refund, dated by the gift.
            (offline_refund,) = [r for r in refunds if r[0] == offline_id]
            assert (offline_refund[1], offline_refund[2]) == (15_00, 15_00)
            assert offline_refund[3] == _db.session.get(Donation, offline_id).updated_at
            first_dispute_event = _db.session.scalar(
                sa.select(sa.func.min(PaymentEvent.received_at)).where(
                    PaymentEvent.donation_id == disputed_id,
                    PaymentEvent.type.startswith("charge.dispute."),
                )
            )
            assert first_dispute_event is not None
            assert _db.session.get(Donation, disputed_id).disputed_at == first_dispute_event
            assert _db.session.get(Donation, online_id).disputed_at is None
            campaign = _db.session.get(Campaign, campaign_id)
            account = campaign_account(campaign)
            assert account.closing_minor == total == campaign.raised_minor
            assert account.total.refunded_minor == 25_00 + 15_00
            assert account.total.disputes_held_minor == 30_00
            assert ledger.reconcile() == []
        finally:
            _db.session.remove()
            _db.engine.dispose()
