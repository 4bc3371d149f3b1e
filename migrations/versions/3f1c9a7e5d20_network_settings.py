"""the network's settings: default deadline, signature line, appeals delegate, public form

Revision ID: 3f1c9a7e5d20
Revises: 5b8e2d41c7a9
Create Date: 2026-12-02 22:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '3f1c9a7e5d20'
down_revision = '5b8e2d41c7a9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.add_column(sa.Column('default_deadline_days', sa.Integer(), nullable=False,
                                      server_default='14'))
        batch_op.add_column(sa.Column('signature_line', sa.String(length=200), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('appeals_delegate_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('public_form_open', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.create_foreign_key('fk_network_appeals_delegate', 'user_account',
                                    ['appeals_delegate_id'], ['id'])


def downgrade():
    with op.batch_alter_table('network', schema=None) as batch_op:
        batch_op.drop_constraint('fk_network_appeals_delegate', type_='foreignkey')
        batch_op.drop_column('public_form_open')
        batch_op.drop_column('appeals_delegate_id')
        batch_op.drop_column('signature_line')
        batch_op.drop_column('default_deadline_days')
