"""kept ledger figures: campaign totals in slots, and daily figures per campaign, backfilled
from the donations

Revision ID: e4b7a2c9d531
Revises: e5b2c8d41a73
Create Date: 2026-12-01 11:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e4b7a2c9d531"
down_revision = "e5b2c8d41a73"
branch_labels = None
depends_on = None

MONEY = sa.BigInteger().with_variant(sa.Integer(), "sqlite")

#: The daily figures of every paid donation, as the ledger keeps them from now on (see
#: campaigns.payments.ledger.totals.figures), all in slot 0. {day} is the UTC day of the
#: moment the gift succeeded.
BACKFILL = """
INSERT INTO campaign_daily_totals (campaign_id, day, currency, slot, raised_minor,
    donor_count, gifts, gifts_minor, refunded_minor, disputed_minor)
SELECT campaign_id, {day}, currency, 0,
    SUM(CASE WHEN status IN ('succeeded', 'partially_refunded')
        THEN amount_minor - refunded_minor ELSE 0 END),
    SUM(CASE WHEN status IN ('succeeded', 'partially_refunded')
        AND source <> 'opening_balance' AND parent_id IS NULL THEN 1 ELSE 0 END),
    SUM(CASE WHEN status IN ('succeeded', 'partially_refunded') AND NOT disputed
        AND source <> 'opening_balance' THEN 1 ELSE 0 END),
    SUM(CASE WHEN status IN ('succeeded', 'partially_refunded') AND NOT disputed
        AND source <> 'opening_balance' THEN amount_minor - refunded_minor ELSE 0 END),
    SUM(CASE WHEN status = 'refunded' THEN amount_minor ELSE refunded_minor END),
    SUM(CASE WHEN status = 'disputed' THEN amount_minor - refunded_minor ELSE 0 END)
FROM donations
WHERE status IN ('succeeded', 'partially_refunded', 'refunded', 'disputed')
GROUP BY campaign_id, {day}, currency
"""
DAY = {
    "postgresql": "CAST(timezone('UTC', COALESCE(succeeded_at, created_at)) AS DATE)",
    "sqlite": "date(COALESCE(succeeded_at, created_at))",
}


def upgrade():
    op.create_table(
        "campaign_total_slots",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("raised_minor", MONEY, server_default="0", nullable=False),
        sa.Column("donor_count", MONEY, server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_total_slots_campaign_id_campaigns"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", "slot", name=op.f("pk_campaign_total_slots")),
    )
    op.create_table(
        "campaign_daily_totals",
        sa.Column("campaign_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("slot", sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column("raised_minor", MONEY, server_default="0", nullable=False),
        sa.Column("donor_count", MONEY, server_default="0", nullable=False),
        sa.Column("gifts", MONEY, server_default="0", nullable=False),
        sa.Column("gifts_minor", MONEY, server_default="0", nullable=False),
        sa.Column("refunded_minor", MONEY, server_default="0", nullable=False),
        sa.Column("disputed_minor", MONEY, server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_campaign_daily_totals_campaign_id_campaigns"),
        ),
        sa.PrimaryKeyConstraint(
            "campaign_id", "day", "currency", "slot", name=op.f("pk_campaign_daily_totals")
        ),
    )
    dialect = op.get_bind().dialect.name
    op.execute(BACKFILL.format(day=DAY.get(dialect, DAY["postgresql"])))


def downgrade():
    # The campaigns' own columns hold only what was counted before the slots: fold the
    # slots back into them before dropping them.
    op.execute(
        "UPDATE campaigns SET"
        " raised_minor = raised_minor + COALESCE((SELECT SUM(s.raised_minor)"
        " FROM campaign_total_slots s WHERE s.campaign_id = campaigns.id), 0),"
        " donor_count = donor_count + COALESCE((SELECT SUM(s.donor_count)"
        " FROM campaign_total_slots s WHERE s.campaign_id = campaigns.id), 0)"
    )
    op.drop_table("campaign_daily_totals")
    op.drop_table("campaign_total_slots")
