"""call-outs for a shift's free places, and the day-before reminders for training sessions

Revision ID: b21_call_outs
Revises: b28_link_language
Create Date: 2026-12-10 10:00:00

"""
import sqlalchemy as sa
from alembic import op

import volunteer.models.base


# revision identifiers, used by Alembic.
revision = 'b21_call_outs'
down_revision = 'b28_link_language'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'call_out',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('shift_id', sa.Integer(), nullable=False),
        sa.Column('sent_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', volunteer.models.base.UTCDateTime(), nullable=False),
        sa.Column('asked', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['sent_by_id'], ['user.id'], name=op.f('fk_call_out_sent_by_id_user'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_call_out_shift_id_shift'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_out')),
    )
    with op.batch_alter_table('call_out', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_out_shift_id'), ['shift_id'], unique=False)
    op.create_table(
        'call_out_recipient',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('call_out_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('asked_at', volunteer.models.base.UTCDateTime(), nullable=False),
        sa.Column('opened_at', volunteer.models.base.UTCDateTime(), nullable=True),
        sa.Column('booked_at', volunteer.models.base.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(['call_out_id'], ['call_out.id'],
                                name=op.f('fk_call_out_recipient_call_out_id_call_out'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_call_out_recipient_user_id_user'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_call_out_recipient')),
        sa.UniqueConstraint('call_out_id', 'user_id', name=op.f('uq_call_out_recipient_call_out_id')),
    )
    with op.batch_alter_table('call_out_recipient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_call_out_recipient_call_out_id'), ['call_out_id'], unique=False)
        batch_op.create_index('ix_call_out_recipient_user_id_asked_at', ['user_id', 'asked_at'], unique=False)
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reminded_at', volunteer.models.base.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('enrolment', schema=None) as batch_op:
        batch_op.drop_column('reminded_at')
    op.drop_table('call_out_recipient')
    op.drop_table('call_out')
