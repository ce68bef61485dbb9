"""organization profile (legal name, registration, contact, links), the site's own
pages (privacy notice, terms of use), donors' messages and names hidden by staff

Revision ID: b7e4d2a19c60
Revises: dc08761cfa44
Create Date: 2026-12-01 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e4d2a19c60'
down_revision = "dc08761cfa44"
branch_labels = None
depends_on = None

PROFILE_COLUMNS = (
    ('legal_name_en', sa.String(length=200)),
    ('legal_name_ar', sa.String(length=200)),
    ('registration_country', sa.String(length=2)),
    ('registration_authority_en', sa.String(length=200)),
    ('registration_authority_ar', sa.String(length=200)),
    ('registration_number', sa.String(length=100)),
    ('address_en', sa.Text()),
    ('address_ar', sa.Text()),
    ('contact_email', sa.String(length=254)),
    ('phone', sa.String(length=40)),
    ('website', sa.String(length=500)),
    ('facebook_url', sa.String(length=500)),
    ('instagram_url', sa.String(length=500)),
    ('x_url', sa.String(length=500)),
    ('youtube_url', sa.String(length=500)),
    ('telegram_url', sa.String(length=500)),
)


def upgrade():
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        for name, type_ in PROFILE_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))

    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('message_hidden', sa.Boolean(), server_default='0', nullable=False)
        )
        batch_op.add_column(
            sa.Column('name_hidden', sa.Boolean(), server_default='0', nullable=False)
        )

    op.create_table('site_pages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('title_ar', sa.String(length=200), nullable=True),
    sa.Column('body_en', sa.Text(), nullable=False),
    sa.Column('body_ar', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_pages')),
    sa.UniqueConstraint('slug', name=op.f('uq_site_pages_slug'))
    )


def downgrade():
    op.drop_table('site_pages')
    with op.batch_alter_table('donations', schema=None) as batch_op:
        batch_op.drop_column('name_hidden')
        batch_op.drop_column('message_hidden')
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        for name, _type in reversed(PROFILE_COLUMNS):
            batch_op.drop_column(name)
