"""fewer index writes per payment: redundant indexes on donations and payment events dropped,
gateway identifiers and waiting events' identifiers indexed only where set

Revision ID: b8d2f6a1c374
Revises: e4b7a2c9d531
Create Date: 2026-12-01 15:10:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b8d2f6a1c374"
down_revision = "e4b7a2c9d531"
branch_labels = None
depends_on = None

#: Each is the first column of a wider index that serves the same lookups
#: (ix_donations_status_gift_time, ix_donations_campaign_gift_time), or serves no query.
REDUNDANT = (
    ("ix_donations_status", "donations", "status"),
    ("ix_donations_campaign_id", "donations", "campaign_id"),
    ("ix_payment_events_type", "payment_events", "type"),
)
#: Columns most rows leave NULL, looked up only by a value: (index, table, column).
WHERE_SET = (
    *(
        (f"ix_donations_{column}", "donations", column)
        for column in ("payment_intent_id", "charge_id", "subscription_id", "parent_id")
    ),
    *(
        (f"ix_payment_events_{column}", "payment_events", column)
        for column in (
            "waiting_session_id",
            "waiting_payment_intent_id",
            "waiting_charge_id",
            "waiting_subscription_id",
        )
    ),
)


def _where(column: str) -> dict:
    clause = sa.text(f"{column} IS NOT NULL")
    return {"postgresql_where": clause, "sqlite_where": clause}


def upgrade():
    for name, table, _column in REDUNDANT:
        op.drop_index(name, table_name=table)
    for name, table, column in WHERE_SET:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column], **_where(column))


def downgrade():
    for name, table, column in WHERE_SET:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column])
    for name, table, column in REDUNDANT:
        op.create_index(name, table, [column])
