"""bookings indexed by shift and status

Rosters ask for the people on some shifts in some statuses. With only single-column indexes, SQLite (which has
no statistics until ANALYZE) chose the status index and read most of the bookings. The new index serves that
query and everything the shift_id index served, which it replaces.

Revision ID: 4c2f8e1a9d3b
Revises: da88c217b7af
Create Date: 2026-11-24 23:05:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '4c2f8e1a9d3b'
down_revision = 'da88c217b7af'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index('ix_booking_shift_id_status', ['shift_id', 'status'], unique=False)
        batch_op.drop_index('ix_booking_shift_id')


def downgrade():
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index('ix_booking_shift_id', ['shift_id'], unique=False)
        batch_op.drop_index('ix_booking_shift_id_status')
