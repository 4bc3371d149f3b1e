"""victories: a won fight's write-up, published on the network's public page and feed

Revision ID: 9d4b7e2a1c63
Revises: 85b46c4cda4b
Create Date: 2026-12-02 22:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

import casework.models.base

# revision identifiers, used by Alembic.
revision = '9d4b7e2a1c63'
down_revision = '85b46c4cda4b'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('victory',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('write_up', sa.Text(), nullable=False),
    sa.Column('published_at', casework.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_victory_case_id_case_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_victory_network_id_network')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_victory_updated_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_victory')),
    sa.UniqueConstraint('case_id', name=op.f('uq_victory_case_id'))
    )
    with op.batch_alter_table('victory', schema=None) as batch_op:
        batch_op.create_index('ix_victory_network_published', ['network_id', 'published_at', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('victory', schema=None) as batch_op:
        batch_op.drop_index('ix_victory_network_published')

    op.drop_table('victory')
