"""seed-faithful display: example campaigns, project periods of unclear dates, projects
without a period or count, caveats on impact figures, external reports among updates

Revision ID: e5d1c7a9b3f2
Revises: c3a9e5f27b18
Create Date: 2026-12-01 11:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "e5d1c7a9b3f2"
down_revision = "c3a9e5f27b18"
branch_labels = None
depends_on = None

PRECISION = sa.Enum(
    "year", "month", "day", "unclear", name="dateprecision", native_enum=False, length=10
)


def upgrade():
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("is_example", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("implemented_precision", PRECISION, server_default="day", nullable=False)
        )
        batch_op.add_column(
            sa.Column("completed_project", sa.Boolean(), server_default="0", nullable=False)
        )

    with op.batch_alter_table("impact_figures", schema=None) as batch_op:
        batch_op.add_column(sa.Column("note_en", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("note_ar", sa.String(length=500), nullable=True))

    with op.batch_alter_table("updates", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("external_report", sa.Boolean(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("source_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("source_url", sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table("updates", schema=None) as batch_op:
        batch_op.drop_column("source_url")
        batch_op.drop_column("source_name")
        batch_op.drop_column("external_report")

    with op.batch_alter_table("impact_figures", schema=None) as batch_op:
        batch_op.drop_column("note_ar")
        batch_op.drop_column("note_en")

    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("completed_project")
        batch_op.drop_column("implemented_precision")
        batch_op.drop_column("is_example")
