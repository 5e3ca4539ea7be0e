"""target groups: whom sites, tasks and shifts serve (kinds of people, never a person), for the partnership's
follow-up report

Revision ID: b28_target_groups
Revises: b27_heavy
Create Date: 2026-12-10 10:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b28_target_groups'
down_revision = 'b27_heavy'
branch_labels = None
depends_on = None

OWNERS = ('site', 'task', 'shift')


def upgrade():
    op.create_table(
        'target_group',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=40), nullable=False),
        sa.Column('names', sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_target_group')),
        sa.UniqueConstraint('code', name=op.f('uq_target_group_code')),
    )
    for owner in OWNERS:
        table = f'{owner}_target_group'
        op.create_table(
            table,
            sa.Column(f'{owner}_id', sa.Integer(), nullable=False),
            sa.Column('target_group_id', sa.Integer(), nullable=False),
            sa.ForeignKeyConstraint([f'{owner}_id'], [f'{owner}.id'], name=op.f(f'fk_{table}_{owner}_id_{owner}'),
                                    ondelete='CASCADE'),
            sa.ForeignKeyConstraint(['target_group_id'], ['target_group.id'],
                                    name=op.f(f'fk_{table}_target_group_id_target_group'), ondelete='CASCADE'),
            sa.PrimaryKeyConstraint(f'{owner}_id', 'target_group_id', name=op.f(f'pk_{table}')),
        )
        op.create_index(op.f(f'ix_{table}_target_group_id'), table, ['target_group_id'])


def downgrade():
    for owner in reversed(OWNERS):
        table = f'{owner}_target_group'
        op.drop_index(op.f(f'ix_{table}_target_group_id'), table_name=table)
        op.drop_table(table)
    op.drop_table('target_group')
