"""refund records (each refund's amount and date) and when a gift's dispute began, so that the
public account shows them in the month they happened; filled in for past refunds

Revision ID: e5b2c8d41a73
Revises: 7b3e1d9a4c62
Create Date: 2026-12-01 11:30:00

Past refunds are dated by their refund receipts (one per refund, with its amount and the
refunded total it reached); what no receipt covers (a gift without an email, an opening
balance corrected) is one refund dated by the last refund event stored for the gift, else
by the gift's last change. A past dispute is dated by its first dispute event, else by the
gift's last change.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b2c8d41a73'
down_revision = "7b3e1d9a4c62"
branch_labels = None
depends_on = None

MONEY = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')

donations = sa.table(
    'donations',
    sa.column('id', sa.Integer),
    sa.column('amount_minor', MONEY),
    sa.column('refunded_minor', MONEY),
    sa.column('status', sa.String),
    sa.column('disputed', sa.Boolean),
    sa.column('disputed_at', sa.DateTime(timezone=True)),
    sa.column('updated_at', sa.DateTime(timezone=True)),
    sa.column('created_at', sa.DateTime(timezone=True)),
)
receipts = sa.table(
    'receipts',
    sa.column('donation_id', sa.Integer),
    sa.column('kind', sa.String),
    sa.column('amount_minor', MONEY),
    sa.column('refunded_total_minor', MONEY),
    sa.column('issued_at', sa.DateTime(timezone=True)),
)
events = sa.table(
    'payment_events',
    sa.column('donation_id', sa.Integer),
    sa.column('type', sa.String),
    sa.column('received_at', sa.DateTime(timezone=True)),
)
refund_records = sa.table(
    'refund_records',
    sa.column('donation_id', sa.Integer),
    sa.column('amount_minor', MONEY),
    sa.column('refunded_total_minor', MONEY),
    sa.column('refunded_at', sa.DateTime(timezone=True)),
)


def upgrade():
    op.create_table('refund_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('donation_id', sa.Integer(), nullable=False),
    sa.Column('amount_minor', MONEY, nullable=False),
    sa.Column('refunded_total_minor', MONEY, nullable=False),
    sa.Column('refunded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['donation_id'], ['donations.id'], name=op.f('fk_refund_records_donation_id_donations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refund_records')),
    sa.UniqueConstraint('donation_id', 'refunded_total_minor', name='uq_refund_records_donation_total')
    )
    with op.batch_alter_table('refund_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refund_records_donation_id'), ['donation_id'], unique=False)
    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('disputed_at', sa.DateTime(timezone=True), nullable=True))
    _backfill(op.get_bind())


def _backfill(bind) -> None:
    refunded = bind.execute(
        sa.select(donations.c.id, donations.c.refunded_minor, donations.c.updated_at,
                  donations.c.created_at)
        .where(donations.c.refunded_minor > 0)
    ).all()
    for donation_id, total, updated_at, created_at in refunded:
        steps = bind.execute(
            sa.select(receipts.c.refunded_total_minor, receipts.c.amount_minor,
                      receipts.c.issued_at)
            .where(receipts.c.donation_id == donation_id, receipts.c.kind == 'refund',
                   receipts.c.refunded_total_minor <= total)
            .order_by(receipts.c.refunded_total_minor)
        ).all()
        rows, reached = [], 0
        for step_total, _amount, issued_at in steps:
            if step_total > reached:
                rows.append((step_total, step_total - reached, issued_at))
                reached = step_total
        if reached < total:
            last_event = bind.execute(
                sa.select(sa.func.max(events.c.received_at))
                .where(events.c.donation_id == donation_id, events.c.type == 'charge.refunded')
            ).scalar()
            rows.append((total, total - reached, last_event or updated_at or created_at))
        bind.execute(
            refund_records.insert(),
            [
                {'donation_id': donation_id, 'refunded_total_minor': step_total,
                 'amount_minor': amount, 'refunded_at': at}
                for step_total, amount, at in rows
            ],
        )
    disputed = bind.execute(
        sa.select(donations.c.id, donations.c.updated_at, donations.c.created_at)
        .where(sa.or_(
            donations.c.disputed.is_(True),
            sa.and_(donations.c.status == 'refunded',
                    donations.c.refunded_minor < donations.c.amount_minor),
        ))
    ).all()
    for donation_id, updated_at, created_at in disputed:
        first_event = bind.execute(
            sa.select(sa.func.min(events.c.received_at))
            .where(events.c.donation_id == donation_id, events.c.type.like('charge.dispute.%'))
        ).scalar()
        bind.execute(
            donations.update()
            .where(donations.c.id == donation_id)
            .values(disputed_at=first_event or updated_at or created_at)
        )


def downgrade():
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite 3.35+ drops a plain column in place; a batch copy of the table would trip
        # the foreign keys that point at donations.
        op.execute('ALTER TABLE donations DROP COLUMN disputed_at')
    else:
        op.drop_column('donations', 'disputed_at')
    with op.batch_alter_table('refund_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refund_records_donation_id'))
    op.drop_table('refund_records')
