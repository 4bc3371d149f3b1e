"""report indexes: cases by logging date, transitions by trigger and date, deliveries by date

Revision ID: 5e0f2a9c7b31
Revises: 3f1c9a7e5d20
Create Date: 2026-12-02 23:05:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '5e0f2a9c7b31'
down_revision = '3f1c9a7e5d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.create_index('ix_case_record_network_created', ['network_id', 'created_at'],
                              unique=False)
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.create_index('ix_case_event_trigger', ['trigger', 'created_at'], unique=False)
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_delivered', ['delivered_at'], unique=False)


def downgrade():
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_delivered')
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index('ix_case_event_trigger')
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index('ix_case_record_network_created')
