"""indexes for the pages' queries (tests/test_query_plans.py): deliveries by date

Revision ID: 8d2f61c0a4e7
Revises: 9d2f6b1c4e83
Create Date: 2026-12-02 23:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '8d2f61c0a4e7'
down_revision = '9d2f6b1c4e83'
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE INDEX, no batch mode: SQLite keeps the table (and its triggers) as it is.
    op.create_index('ix_delivery_delivered_at', 'delivery', ['delivered_at'])


def downgrade():
    op.drop_index('ix_delivery_delivered_at', table_name='delivery')
