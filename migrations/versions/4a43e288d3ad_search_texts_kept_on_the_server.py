"""search texts kept on the server, not in the session cookie

Revision ID: 4a43e288d3ad
Revises: be772f37061d
Create Date: 2026-12-02 15:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import casework.models.base

# revision identifiers, used by Alembic.
revision = '4a43e288d3ad'
down_revision = 'be772f37061d'
branch_labels = None
depends_on = None


def upgrade():
    # Searches kept in session cookies before this revision are simply forgotten: the list
    # says so, and the user types the search again.
    op.create_table('saved_search',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('created_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_saved_search_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_search')),
    sa.UniqueConstraint('token', name=op.f('uq_saved_search_token'))
    )
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.create_index('ix_saved_search_expires_at', ['expires_at'], unique=False)
        batch_op.create_index('ix_saved_search_user_id', ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('saved_search', schema=None) as batch_op:
        batch_op.drop_index('ix_saved_search_user_id')
        batch_op.drop_index('ix_saved_search_expires_at')

    op.drop_table('saved_search')
