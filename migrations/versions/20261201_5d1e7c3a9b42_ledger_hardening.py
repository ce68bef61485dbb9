"""ledger hardening: indexed identifiers of waiting payment events

Revision ID: 5d1e7c3a9b42
Revises: 92fbb2aa5ec0
Create Date: 2026-12-01 08:10:00

"""
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


def downgrade():
    with op.batch_alter_table('payment_events', schema=None) as batch_op:
        for name in WAITING_COLUMNS:
            batch_op.drop_index(batch_op.f(f'ix_payment_events_{name}'))
            batch_op.drop_column(name)
