"""an accepted one-off action's report

Revision ID: 6a3d2f8e1c47
Revises: 5e1f0a7c2b93
Create Date: 2026-12-03 10:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '6a3d2f8e1c47'
down_revision = '5e1f0a7c2b93'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('appeal', sa.Column('report', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('appeal') as batch_op:
        batch_op.drop_column('report')
