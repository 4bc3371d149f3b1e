"""an index for the targets list's fight counts

Revision ID: 5b0e2d7c9a13
Revises: a7c3e91f2b40
Create Date: 2026-12-02 18:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '5b0e2d7c9a13'
down_revision = 'a7c3e91f2b40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.create_index('ix_case_record_network_target',
                              ['network_id', 'target_id', 'state'], unique=False)


def downgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index('ix_case_record_network_target')
