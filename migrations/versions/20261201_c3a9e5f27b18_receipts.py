"""receipts: numbered receipts per organization and year, their counters, and the
organization's receipt statement

Revision ID: c3a9e5f27b18
Revises: c3a91f5e7d08
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c3a9e5f27b18'
down_revision = "c3a91f5e7d08"
branch_labels = None
depends_on = None

MONEY = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('receipt_statement_en', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('receipt_statement_ar', sa.Text(), nullable=True))

    op.create_table('receipt_counters',
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), server_default='0', nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_receipt_counters_organization_id_organizations')),
    sa.PrimaryKeyConstraint('organization_id', 'year', name=op.f('pk_receipt_counters'))
    )
    op.create_table('receipts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('donation_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('amount_minor', MONEY, nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('refunded_total_minor', MONEY, server_default='0', nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['donation_id'], ['donations.id'], name=op.f('fk_receipts_donation_id_donations')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_receipts_organization_id_organizations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_receipts')),
    sa.UniqueConstraint('donation_id', 'kind', 'refunded_total_minor', name='uq_receipts_event'),
    sa.UniqueConstraint('organization_id', 'year', 'number', name='uq_receipts_number')
    )
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_receipts_donation_id'), ['donation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_receipts_organization_id'), ['organization_id'], unique=False)


def downgrade():
    with op.batch_alter_table('receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_receipts_organization_id'))
        batch_op.drop_index(batch_op.f('ix_receipts_donation_id'))
    op.drop_table('receipts')
    op.drop_table('receipt_counters')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('receipt_statement_ar')
        batch_op.drop_column('receipt_statement_en')
