"""privacy: retention warnings and anonymous attendance counts

When a person was warned that their inactive account will be deleted, and how many people who attended a
shift or training session have since deleted their account (a count for statistics, nobody's name).

Revision ID: e3a1c0d7f9b2
Revises: 60fc0ba383d5
Create Date: 2026-11-24 20:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e3a1c0d7f9b2'
down_revision = '60fc0ba383d5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('retention_warned_at', sa.DateTime(), nullable=True))
    with op.batch_alter_table('shift', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous_attended', sa.Integer(), server_default='0', nullable=False))
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymous_attended', sa.Integer(), server_default='0', nullable=False))


def downgrade():
    with op.batch_alter_table('training_session', schema=None) as batch_op:
        batch_op.drop_column('anonymous_attended')
    with op.batch_alter_table('shift', schema=None) as batch_op:
        batch_op.drop_column('anonymous_attended')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('retention_warned_at')
