"""sign-in links asked for an address with no account

Such a request stores a link too (leading nowhere, no address kept), so that it does the same work as one for a
real account and takes as long: login_token.user_id may be empty.

Revision ID: b19_links_without_account
Revises: b19_scope
Create Date: 2026-12-07 15:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b19_links_without_account'
down_revision = 'b19_scope'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_token', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    op.execute("DELETE FROM login_token WHERE user_id IS NULL")
    with op.batch_alter_table('login_token', schema=None) as batch_op:
        batch_op.alter_column('user_id', existing_type=sa.Integer(), nullable=False)
