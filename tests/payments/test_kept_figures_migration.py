"""The migration that starts keeping the figures fills them from the donations already there,
on SQLite and on PostgreSQL, each in a database of its own."""

from __future__ import annotations

import os
import uuid
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from campaigns import create_app
from campaigns.admin import dashboard
from campaigns.extensions import db
from campaigns.models import Campaign
from campaigns.payments import ledger
from tests.live import PG_ADMIN_URL
from tests.migrations import revision_before

BEFORE = revision_before("e4b7a2c9d531")

ORGANIZATION = (
    "INSERT INTO organizations (id, slug, name_en, created_at, updated_at)"
    " VALUES (1, 'org', 'Org', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
#: The campaign's cached total as the ledger left it before: the four gifts below.
CAMPAIGN = (
    "INSERT INTO campaigns (id, organization_id, slug, title_en, state, sector, currency,"
    " goal_minor, raised_minor, donor_count, starts_on, featured, created_at, updated_at)"
    " VALUES (1, 1, 'c', 'C', 'published', 'health', 'USD', 100000, 17500, 2,"
    " '2024-01-01', false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)
DONATION = (
    "INSERT INTO donations (id, reference, campaign_id, amount_minor, currency, refunded_minor,"
    " status, frequency, source, disputed, succeeded_at, created_at, updated_at)"
    " VALUES (:id, :ref, 1, :amount, 'USD', :refunded, :status, 'once', :source, :disputed,"
    " :at, :at, :at)"
)
GIFTS = [
    # (amount, refunded, status, source, disputed, succeeded at)
    (5000, 0, "succeeded", "stripe", False, "2024-03-01 09:00:00"),
    (3000, 500, "partially_refunded", "stripe", False, "2024-03-01 23:59:00"),
    (2000, 0, "disputed", "stripe", True, "2024-03-02 10:00:00"),
    (10000, 0, "succeeded", "opening_balance", False, "2024-01-01 12:00:00"),
    (1000, 0, "pending", "stripe", False, None),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migration.sqlite3'}"
        return
    name = f"campaigns_figures_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(f"PostgreSQL is not reachable: {exc.orig}")
        pytest.skip(f"PostgreSQL is not reachable: {exc.orig}")
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_migration_backfills_the_daily_figures(empty_database, tmp_path):
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x",
            "SQLALCHEMY_DATABASE_URI": empty_database,
            "UPLOAD_DIR": str(tmp_path),
        }
    )
    with app.app_context():
        try:
            upgrade(revision=BEFORE)
            with db.engine.begin() as conn:
                conn.execute(sa.text(ORGANIZATION))
                conn.execute(sa.text(CAMPAIGN))
                for n, (amount, refunded, status, source, disputed, at) in enumerate(GIFTS):
                    conn.execute(
                        sa.text(DONATION),
                        {
                            "id": n + 101,  # clear of the ids the sequence hands out
                            "ref": f"ref-{n}",
                            "amount": amount,
                            "refunded": refunded,
                            "status": status,
                            "source": source,
                            "disputed": disputed,
                            "at": at or "2024-03-05 08:00:00",
                        },
                    )
            upgrade()
            assert ledger.reconcile() == []
            campaign = db.session.get(Campaign, 1)
            assert (campaign.raised_minor, campaign.donor_count) == (17500, 2)
            (row,) = dashboard.figures([campaign])
            assert (row.gifts, row.average_minor) == (2, 3750)  # 5000 and 2500
            chart = dashboard.gifts_over_time(campaign, today=date(2024, 3, 5), days=5)
            assert [bar.amount_minor for bar in chart.bars] == [7500, 0, 0, 0, 0]
            db.session.remove()
            # Going back folds the slots into the campaign's own columns.
            ledger.record_offline_gift(
                db.session.get(Campaign, 1),
                600,
                donor_name="Cash",
                method="cash",
                reference=None,
                received_on=date(2024, 3, 4),
            )
            db.session.commit()
            db.session.remove()
            downgrade(revision=BEFORE)
            with db.engine.connect() as conn:
                kept = conn.execute(sa.text("SELECT raised_minor, donor_count FROM campaigns"))
                assert tuple(kept.one()) == (18100, 3)
        finally:
            db.session.remove()
            db.engine.dispose()
