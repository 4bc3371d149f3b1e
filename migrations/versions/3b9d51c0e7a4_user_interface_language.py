"""user interface language: each user's choice of the language of their pages

Revision ID: 3b9d51c0e7a4
Revises: 0985e102c985
Create Date: 2026-12-03 03:55:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3b9d51c0e7a4'
down_revision = '0985e102c985'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ui_language', sa.String(length=8), nullable=True))


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('ui_language')
