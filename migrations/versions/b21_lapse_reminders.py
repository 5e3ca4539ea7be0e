"""reminders 30 and 7 days before a qualification or a criminal-record extract lapses: which went out

Revision ID: b21_lapse_reminders
Revises: b23_site_leads
Create Date: 2026-12-07 20:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b21_lapse_reminders'
down_revision = 'b23_site_leads'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('person_qualification', 'record_check'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column('lapse_reminded_days', sa.Integer(), nullable=True))


def downgrade():
    for table in ('record_check', 'person_qualification'):
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column('lapse_reminded_days')
