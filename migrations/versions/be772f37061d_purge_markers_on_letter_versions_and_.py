"""purge markers on letter versions and documents

Revision ID: be772f37061d
Revises: dddf7baa00be
Create Date: 2026-12-01 09:20:00.000000

"""
import sqlalchemy as sa
from alembic import op

import casework.models.base

# revision identifiers, used by Alembic.
revision = 'be772f37061d'
down_revision = 'dddf7baa00be'
branch_labels = None
depends_on = None


def upgrade():
    # Rows purged before this revision get their marker from the next purge run, which
    # finds every unmarked version and document of a purged fight.
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', casework.models.base.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('letter_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purged_at', casework.models.base.UTCDateTime(timezone=True), nullable=True))


def downgrade():
    with op.batch_alter_table('letter_version', schema=None) as batch_op:
        batch_op.drop_column('purged_at')

    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_column('purged_at')
