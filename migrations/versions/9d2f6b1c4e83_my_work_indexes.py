"""indexes for My work: fights past their deadline by state, planned actions by start

Revision ID: 9d2f6b1c4e83
Revises: 9d4b7e2a1c63
Create Date: 2026-12-02 23:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '9d2f6b1c4e83'
down_revision = '9d4b7e2a1c63'
branch_labels = None
depends_on = None


# Plain CREATE INDEX, no batch: a SQLite table rebuild would drop the search triggers.
def upgrade():
    op.create_index('ix_case_record_state_deadline', 'case_record',
                    ['network_id', 'state', 'deadline_on'], unique=False)
    op.create_index('ix_action_status_starts', 'action', ['status', 'starts_at'], unique=False)


def downgrade():
    op.drop_index('ix_action_status_starts', table_name='action')
    op.drop_index('ix_case_record_state_deadline', table_name='case_record')
