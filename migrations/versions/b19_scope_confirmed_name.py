"""people: the name a coordinator has confirmed, which certificates carry

full_name is the person's to edit; certificates carry confirmed_name, set at approval and changed only when a
coordinator confirms a new name. People approved before this revision keep the name they have now.

Revision ID: b19_scope
Revises: 4c2f8e1a9d3b
Create Date: 2026-12-07 15:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b19_scope'
down_revision = '4c2f8e1a9d3b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirmed_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('name_confirmed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('name_confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_user_name_confirmed_by_id_user'), 'user',
                                    ['name_confirmed_by_id'], ['id'], ondelete='SET NULL')
    user = sa.table('user', sa.column('status', sa.String), sa.column('full_name', sa.String),
                    sa.column('confirmed_name', sa.String), sa.column('status_changed_at', sa.DateTime),
                    sa.column('name_confirmed_at', sa.DateTime), sa.column('status_changed_by_id', sa.Integer),
                    sa.column('name_confirmed_by_id', sa.Integer))
    op.execute(user.update().where(user.c.status.in_(('approved', 'inactive'))).values(
        confirmed_name=user.c.full_name, name_confirmed_at=user.c.status_changed_at,
        name_confirmed_by_id=user.c.status_changed_by_id))


def downgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_user_name_confirmed_by_id_user'), type_='foreignkey')
        batch_op.drop_column('name_confirmed_by_id')
        batch_op.drop_column('name_confirmed_at')
        batch_op.drop_column('confirmed_name')
