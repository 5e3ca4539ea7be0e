"""training titles and descriptions per language

The Swedish title and description stay where they were; the other site languages are kept in JSON
dictionaries keyed by locale.

Revision ID: b7a3d9e2f410
Revises: c614e83ccd53
Create Date: 2026-11-24 09:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = 'b7a3d9e2f410'
down_revision = 'c614e83ccd53'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.add_column(sa.Column('titles', sa.JSON(), server_default='{}', nullable=False))
        batch_op.add_column(sa.Column('descriptions', sa.JSON(), server_default='{}', nullable=False))


def downgrade():
    with op.batch_alter_table('training', schema=None) as batch_op:
        batch_op.drop_column('descriptions')
        batch_op.drop_column('titles')
