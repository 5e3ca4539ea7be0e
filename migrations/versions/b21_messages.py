"""messages on My page: when the person read each e-mail the site sent them

Revision ID: b21_messages
Revises: b24_ledger
Create Date: 2026-12-09 10:00:00

"""
import sqlalchemy as sa
from alembic import op

import volunteer.models.base


# revision identifiers, used by Alembic.
revision = 'b21_messages'
down_revision = 'b24_ledger'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('read_at', volunteer.models.base.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('read_at')
