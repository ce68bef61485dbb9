"""list indexes: donations by the gift's time (all, per campaign, per state), searched
(trigrams), a campaign's recent donors; the audit log by moment (all, per organization)

Revision ID: 7b3e1d9a4c62
Revises: e5d1c7a9b3f2
Create Date: 2026-12-01 11:30:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7b3e1d9a4c62"
down_revision = "e5d1c7a9b3f2"
branch_labels = None
depends_on = None

GIFT_TIME = sa.text("coalesce(succeeded_at, created_at)")
SEARCHED = ("donor_name", "donor_email", "reference")


def upgrade():
    op.create_index("ix_donations_gift_time", "donations", [GIFT_TIME, "id"])
    op.create_index(
        "ix_donations_campaign_gift_time", "donations", ["campaign_id", GIFT_TIME, "id"]
    )
    op.create_index("ix_donations_status_gift_time", "donations", ["status", GIFT_TIME, "id"])
    op.create_index(
        "ix_donations_campaign_recent",
        "donations",
        ["campaign_id", "status", "succeeded_at", "id"],
    )
    # The search: trigrams on PostgreSQL (pg_trgm is a trusted extension: the database's
    # owner may create it); elsewhere the same expressions in a plain index.
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.create_index(
            "ix_donations_search",
            "donations",
            [sa.text(f"lower({column}) gin_trgm_ops") for column in SEARCHED],
            postgresql_using="gin",
        )
    else:
        op.create_index(
            "ix_donations_search", "donations", [sa.text(f"lower({c})") for c in SEARCHED]
        )
    op.create_index("ix_audit_log_at_id", "audit_log", ["at", "id"])
    op.create_index("ix_audit_log_organization_at_id", "audit_log", ["organization_id", "at", "id"])
    op.drop_index("ix_audit_log_at", table_name="audit_log")


def downgrade():
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    op.drop_index("ix_audit_log_organization_at_id", table_name="audit_log")
    op.drop_index("ix_audit_log_at_id", table_name="audit_log")
    op.drop_index("ix_donations_search", table_name="donations")
    op.drop_index("ix_donations_campaign_recent", table_name="donations")
    op.drop_index("ix_donations_status_gift_time", table_name="donations")
    op.drop_index("ix_donations_campaign_gift_time", table_name="donations")
    op.drop_index("ix_donations_gift_time", table_name="donations")
