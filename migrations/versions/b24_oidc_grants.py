"""grants from the organisation's identity provider

A coordinator role and organisations granted at an OpenID Connect sign-in are marked, so that they end when the
provider stops granting them, while those given by hand stay.

Revision ID: b24_oidc
Revises: b20_outbox
Create Date: 2026-12-08 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b24_oidc'
down_revision = 'b20_outbox'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('role_before_oidc', sa.Enum('volunteer', 'coordinator', 'admin', name='role',
                                                                  native_enum=False, length=20), nullable=True))
    with op.batch_alter_table('coordinator_organisation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('via_oidc', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('coordinator_organisation', schema=None) as batch_op:
        batch_op.drop_column('via_oidc')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_column('role_before_oidc')
