"""the network's intake address, told of each new inquiry

Revision ID: 5b8e2d41c7a9
Revises: 5c2e8a41d7b9
Create Date: 2026-12-02 19:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b8e2d41c7a9'
down_revision = '5c2e8a41d7b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.add_column(sa.Column('intake_email', sa.String(length=254), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.drop_column('intake_email')
