"""report indexes: cases by logging date, transitions by trigger and date

Revision ID: 5e0f2a9c7b31
Revises: 8d4b6e2f1a37
Create Date: 2026-12-02 23:05:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e0f2a9c7b31'
down_revision = '8d4b6e2f1a37'
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE INDEX: no batch table rebuild (which would drop SQLite's search triggers).
    op.create_index('ix_case_record_network_created', 'case_record',
                    ['network_id', 'created_at'], unique=False)
    op.create_index('ix_case_event_trigger', 'case_event', ['trigger', 'created_at', 'case_id'],
                    unique=False)


def downgrade():
    op.drop_index('ix_case_event_trigger', table_name='case_event')
    op.drop_index('ix_case_record_network_created', table_name='case_record')
