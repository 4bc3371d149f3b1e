"""My work's unassigned inquiries, oldest first, and the letters due's planned delivery days,
from indexes

Revision ID: 4c8e2a6f1d35
Revises: 9b3d7e1f4a62
Create Date: 2026-12-03 13:40:00

"""
from alembic import op

revision = "4c8e2a6f1d35"
down_revision = "9b3d7e1f4a62"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.create_index("ix_case_record_state_created",
                              ["network_id", "state", "created_at", "id"], unique=False)
        batch_op.create_index("ix_case_record_state_delivery",
                              ["network_id", "state", "planned_delivery_on", "id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.drop_index("ix_case_record_state_delivery")
        batch_op.drop_index("ix_case_record_state_created")
