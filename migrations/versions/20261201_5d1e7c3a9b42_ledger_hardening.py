"""ledger hardening: indexed identifiers of waiting payment events, refunds requested,
the installation's id for idempotency keys

Revision ID: 5d1e7c3a9b42
Revises: 92fbb2aa5ec0
Create Date: 2026-12-01 08:10:00

"""
import secrets
from datetime import datetime, timezone

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e7c3a9b42'
down_revision = '92fbb2aa5ec0'
branch_labels = None
depends_on = None

WAITING_COLUMNS = (
    'waiting_session_id',
    'waiting_payment_intent_id',
    'waiting_charge_id',
    'waiting_subscription_id',
)


def upgrade():
    with op.batch_alter_table('payment_events', schema=None) as batch_op:
        for name in WAITING_COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=255), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_payment_events_{name}'), [name], unique=False)

    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('refund_requested_minor', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), server_default='0', nullable=False)
        )
    # What was refunded before this column existed was asked for, too.
    op.execute('UPDATE donations SET refund_requested_minor = refunded_minor')

    installation = op.create_table('installation',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_installation'))
    )
    op.bulk_insert(
        installation, [{'id': secrets.token_hex(8), 'created_at': datetime.now(timezone.utc)}]
    )


def downgrade():
    op.drop_table('installation')
    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.drop_column('refund_requested_minor')

    with op.batch_alter_table('payment_events', schema=None) as batch_op:
        for name in WAITING_COLUMNS:
            batch_op.drop_index(batch_op.f(f'ix_payment_events_{name}'))
            batch_op.drop_column(name)
