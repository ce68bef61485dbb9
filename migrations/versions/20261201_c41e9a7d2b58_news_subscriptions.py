"""news by email: subscriptions and each update's mailing

Revision ID: c41e9a7d2b58
Revises: b7e4d2a19c60
Create Date: 2026-12-01 09:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c41e9a7d2b58'
down_revision = 'b7e4d2a19c60'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('news_subscriptions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('campaign_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('unsubscribed_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['campaign_id'], ['campaigns.id'], name=op.f('fk_news_subscriptions_campaign_id_campaigns'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_subscriptions')),
    sa.UniqueConstraint('campaign_id', 'email', name='uq_news_subscriptions_campaign_email'),
    sa.UniqueConstraint('token', name=op.f('uq_news_subscriptions_token'))
    )
    with op.batch_alter_table('news_subscriptions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_news_subscriptions_campaign_id'), ['campaign_id'], unique=False)

    op.create_table('news_mailings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('update_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('after_subscription_id', sa.Integer(), server_default='0', nullable=False),
    sa.Column('progress_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['update_id'], ['updates.id'], name=op.f('fk_news_mailings_update_id_updates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_news_mailings')),
    sa.UniqueConstraint('update_id', name=op.f('uq_news_mailings_update_id'))
    )


def downgrade():
    op.drop_table('news_mailings')
    with op.batch_alter_table('news_subscriptions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_news_subscriptions_campaign_id'))
    op.drop_table('news_subscriptions')
