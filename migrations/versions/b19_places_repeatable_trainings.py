"""trainings marked repeatable

A person holds a place on one session of a training at a time (and may move to another) unless the coordinator
marks the training repeatable.

Revision ID: b19_places
Revises: b19_links_without_account
Create Date: 2026-12-07 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b19_places'
down_revision = 'b19_links_without_account'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.add_column(sa.Column('repeatable', sa.Boolean(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.drop_column('repeatable')
