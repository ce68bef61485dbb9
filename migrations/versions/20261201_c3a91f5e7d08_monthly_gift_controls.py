"""monthly gifts the donor controls: the amount of the next renewals, and when a stop was asked

Revision ID: c3a91f5e7d08
Revises: c41e9a7d2b58
Create Date: 2026-12-01 09:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "c3a91f5e7d08"
down_revision = "c41e9a7d2b58"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("donations", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "monthly_amount_minor",
                sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column("stop_requested_at", sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table("donations", schema=None) as batch_op:
        batch_op.drop_column("stop_requested_at")
        batch_op.drop_column("monthly_amount_minor")
