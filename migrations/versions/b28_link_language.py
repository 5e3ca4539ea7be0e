"""the language a one-time link was asked for in: its e-mail goes out in it and using the link saves it

Revision ID: b28_link_language
Revises: b28_target_groups
Create Date: 2026-12-09 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b28_link_language'
down_revision = 'b28_target_groups'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('login_token') as batch_op:
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=True))


def downgrade():
    with op.batch_alter_table('login_token') as batch_op:
        batch_op.drop_column('locale')
