"""the outbox: every e-mail is a row written with the change that causes it, delivered by a worker

Revision ID: b20_outbox
Revises: b19_places
Create Date: 2026-12-07 15:30:00

"""
import sqlalchemy as sa
from alembic import op

import volunteer.models.base


# revision identifiers, used by Alembic.
revision = 'b20_outbox'
down_revision = 'b19_places'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'outbox_message',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('template', sa.String(length=40), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('about', sa.String(length=40), nullable=True),
        sa.Column('message_id', sa.String(length=200), nullable=False),
        sa.Column('body', sa.LargeBinary(), nullable=False),
        sa.Column('status', sa.Enum('queued', 'sent', 'failed', 'bounced', name='messagestatus',
                                    native_enum=False, length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('created_at', volunteer.models.base.UTCDateTime(), nullable=False),
        sa.Column('next_attempt_at', volunteer.models.base.UTCDateTime(), nullable=False),
        sa.Column('give_up_at', volunteer.models.base.UTCDateTime(), nullable=False),
        sa.Column('finished_at', volunteer.models.base.UTCDateTime(), nullable=True),
        sa.Column('last_error', sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
        sa.UniqueConstraint('message_id', name=op.f('uq_outbox_message_message_id')),
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_about'), ['about'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_recipient'), ['recipient'], unique=False)


def downgrade():
    op.drop_table('outbox_message')
