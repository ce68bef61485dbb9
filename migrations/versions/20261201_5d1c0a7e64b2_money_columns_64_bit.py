"""money columns 64-bit

Revision ID: 5d1c0a7e64b2
Revises: 5e7a1c3d9b20
Create Date: 2026-12-01 08:30:00.000000

Goals, totals, limits, tiers, gifts, refunds and the counts next to them become BIGINT on
PostgreSQL, keeping their data (ALTER COLUMN ... TYPE BIGINT converts in place). SQLite's
INTEGER is already 64-bit and the models declare it as INTEGER there, so nothing changes
on SQLite: renaming the type would mean rebuilding each table (batch mode), and dropping
``campaigns`` to rebuild it would cascade into its tiers and chapters.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1c0a7e64b2'
down_revision = "5e7a1c3d9b20"
branch_labels = None
depends_on = None

#: table -> the columns that become 64-bit.
COLUMNS = {
    'campaigns': (
        'goal_minor', 'raised_minor', 'donor_count', 'min_amount_minor',
        'max_amount_minor', 'beneficiaries_reached',
    ),
    'donation_tiers': ('amount_minor',),
    'donations': ('amount_minor', 'refunded_minor'),
    'impact_figures': ('value',),
}


def _change(new_type, old_type):
    if op.get_bind().dialect.name == 'sqlite':
        return
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in columns:
                batch_op.alter_column(column, existing_type=old_type, type_=new_type)


def upgrade():
    _change(sa.BigInteger(), sa.Integer())


def downgrade():
    # Fails, as it should, if a value no longer fits in 32 bits.
    _change(sa.Integer(), sa.BigInteger())
