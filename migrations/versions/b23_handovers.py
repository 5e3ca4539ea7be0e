"""hand-overs: a booked place a volunteer can't come to, given on to the waitlist or by a call-out

Revision ID: b23_handovers
Revises: b21_lapse_reminders
Create Date: 2026-12-07 19:30:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b23_handovers'
down_revision = 'b21_lapse_reminders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'shift_handover',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('booking_id', sa.Integer(), nullable=False),
        sa.Column('shift_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('handed_at', sa.DateTime(), nullable=False),
        sa.Column('late', sa.Boolean(), nullable=False),
        sa.Column('offered', sa.Integer(), nullable=False),
        sa.Column('call_out_id', sa.Integer(), nullable=True),
        sa.Column('taken_at', sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], name=op.f('fk_shift_handover_booking_id_booking'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['shift_id'], ['shift.id'], name=op.f('fk_shift_handover_shift_id_shift'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_shift_handover_user_id_user'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['call_out_id'], ['call_out.id'], name=op.f('fk_shift_handover_call_out_id_call_out'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_shift_handover')),
    )
    op.create_index(op.f('ix_shift_handover_booking_id'), 'shift_handover', ['booking_id'])
    op.create_index(op.f('ix_shift_handover_user_id'), 'shift_handover', ['user_id'])
    op.create_index('ix_shift_handover_shift_id_taken_at', 'shift_handover', ['shift_id', 'taken_at'])


def downgrade():
    op.drop_index('ix_shift_handover_shift_id_taken_at', table_name='shift_handover')
    op.drop_index(op.f('ix_shift_handover_user_id'), table_name='shift_handover')
    op.drop_index(op.f('ix_shift_handover_booking_id'), table_name='shift_handover')
    op.drop_table('shift_handover')
