"""mobilization emails: the text sent for an action, and who it went to

Revision ID: be66992d7938
Revises: 3f1c9a7e5d20
Create Date: 2026-12-02 22:28:09.221437

"""
import sqlalchemy as sa
from alembic import op

import casework.models.base

# revision identifiers, used by Alembic.
revision = 'be66992d7938'
down_revision = '3f1c9a7e5d20'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('mobilization_email',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('texts', sa.JSON(), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', casework.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_mobilization_email_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['written_by_id'], ['user_account.id'], name=op.f('fk_mobilization_email_written_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mobilization_email')),
    sa.UniqueConstraint('action_id', name=op.f('uq_mobilization_email_action_id'))
    )
    op.create_table('mobilization_recipient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('action_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('queued_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', casework.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('answer', sa.String(length=8), nullable=True),
    sa.Column('answered_at', casework.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', casework.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_mobilization_recipient_action_id_action'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_mobilization_recipient_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mobilization_recipient')),
    sa.UniqueConstraint('action_id', 'person_id', name=op.f('uq_mobilization_recipient_action_id'))
    )
    with op.batch_alter_table('mobilization_recipient', schema=None) as batch_op:
        batch_op.create_index('ix_mobilization_recipient_person', ['person_id'], unique=False)
        batch_op.create_index('ix_mobilization_recipient_unsent', ['sent_at', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('mobilization_recipient', schema=None) as batch_op:
        batch_op.drop_index('ix_mobilization_recipient_unsent')
        batch_op.drop_index('ix_mobilization_recipient_person')

    op.drop_table('mobilization_recipient')
    op.drop_table('mobilization_email')
