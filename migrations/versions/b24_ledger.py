"""erasure ledger

Who was erased (the old id and a keyed hash, no personal data), so that `flask reapply-erasures` can erase them
again after an older backup is restored.

Revision ID: b24_ledger
Revises: b24_oidc
Create Date: 2026-12-07 16:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b24_ledger'
down_revision = 'b24_oidc'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('erasure_ledger',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('erased_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_erasure_ledger')),
    sa.UniqueConstraint('fingerprint', name=op.f('uq_erasure_ledger_fingerprint'))
    )
    with op.batch_alter_table('erasure_ledger', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erasure_ledger_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('erasure_ledger', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erasure_ledger_user_id'))
    op.drop_table('erasure_ledger')
