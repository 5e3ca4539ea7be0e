"""site leads for a period, their notes to the coordinators, and check-in and check-out times on bookings

Revision ID: b23_site_leads
Revises: b21_call_outs
Create Date: 2026-12-07 19:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b23_site_leads'
down_revision = 'b21_call_outs'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'site_lead',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('from_day', sa.Date(), nullable=False),
        sa.Column('until_day', sa.Date(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.CheckConstraint('until_day >= from_day', name=op.f('ck_site_lead_lead_until_after_from')),
        sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_site_lead_site_id_site'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_site_lead_user_id_user'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user.id'], name=op.f('fk_site_lead_created_by_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_lead')),
    )
    op.create_index(op.f('ix_site_lead_site_id'), 'site_lead', ['site_id'])
    op.create_index('ix_site_lead_user_id_until_day', 'site_lead', ['user_id', 'until_day'])
    op.create_table(
        'site_note',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('site_id', sa.Integer(), nullable=False),
        sa.Column('shift_id', sa.Integer(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['site_id'], ['site.id'], name=op.f('fk_site_note_site_id_site'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_site_note_shift_id_shift'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_site_note_author_id_user'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_site_note')),
    )
    op.create_index(op.f('ix_site_note_site_id'), 'site_note', ['site_id'])
    op.create_index(op.f('ix_site_note_author_id'), 'site_note', ['author_id'])
    with op.batch_alter_table('booking') as batch_op:
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('checked_out_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('booking') as batch_op:
        batch_op.drop_column('checked_out_at')
        batch_op.drop_column('checked_in_at')
    op.drop_index(op.f('ix_site_note_author_id'), table_name='site_note')
    op.drop_index(op.f('ix_site_note_site_id'), table_name='site_note')
    op.drop_table('site_note')
    op.drop_index('ix_site_lead_user_id_until_day', table_name='site_lead')
    op.drop_index(op.f('ix_site_lead_site_id'), table_name='site_lead')
    op.drop_table('site_lead')
