"""target proposals and team join requests

Revision ID: 3f1c9a7d2b64
Revises: 4a43e288d3ad
Create Date: 2026-12-02 10:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import casework.models.base

# revision identifiers, used by Alembic.
revision = '3f1c9a7d2b64'
down_revision = '4a43e288d3ad'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('target_proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.Enum('company', 'person', name='targetkind', native_enum=False, length=32), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'accepted', 'dismissed', name='proposalstatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', casework.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_target_proposal_case_id_case_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_target_proposal_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user_account.id'], name=op.f('fk_target_proposal_proposed_by_id_user_account')),
    sa.ForeignKeyConstraint(['target_id'], ['target.id'], name=op.f('fk_target_proposal_target_id_target'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_target_proposal'))
    )
    with op.batch_alter_table('target_proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_target_proposal_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_target_proposal_target', ['target_id', 'status', 'id'], unique=False)

    op.create_table('team_join_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('pending', 'approved', 'refused', name='joinrequeststatus', native_enum=False, length=32), nullable=False),
    sa.Column('created_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', casework.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_team_join_request_case_id_case_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_team_join_request_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_team_join_request_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_join_request'))
    )
    with op.batch_alter_table('team_join_request', schema=None) as batch_op:
        batch_op.create_index('ix_team_join_request_case', ['case_id', 'status', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('team_join_request', schema=None) as batch_op:
        batch_op.drop_index('ix_team_join_request_case')

    op.drop_table('team_join_request')
    with op.batch_alter_table('target_proposal', schema=None) as batch_op:
        batch_op.drop_index('ix_target_proposal_target')
        batch_op.drop_index(batch_op.f('ix_target_proposal_case_id'))

    op.drop_table('target_proposal')
