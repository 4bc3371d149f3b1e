"""invitations; who holds a calendar feed's address, and when it was revoked

Revision ID: a7c3e91f2b40
Revises: 3f1c9a7d2b64
Create Date: 2026-12-02 15:00:00.000000

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import casework.models.base

# revision identifiers, used by Alembic.
revision = 'a7c3e91f2b40'
down_revision = '3f1c9a7d2b64'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('invitation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('network_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('role', sa.Enum('intake', 'organizer', 'coordinator', 'member', name='role', native_enum=False, length=32), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('invited_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_invitation_case_id_case_record'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['invited_by_id'], ['user_account.id'], name=op.f('fk_invitation_invited_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['network_id'], ['network.id'], name=op.f('fk_invitation_network_id_network')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invitation')),
    sa.UniqueConstraint('network_id', 'email', name=op.f('uq_invitation_network_id'))
    )
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.create_index('ix_invitation_email', ['email'], unique=False)
        batch_op.create_index('ix_invitation_created_at', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_invitation_invited_by_id'), ['invited_by_id'], unique=False)

    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('revoked_at', casework.models.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_calendar_feed_created_by_id_user_account'), 'user_account', ['created_by_id'], ['id'], ondelete='SET NULL')

    # A user's own feed is held by the user; a network feed by the coordinator who made its
    # current address, as the audit log recorded (the latest create or rotate).
    op.execute("UPDATE calendar_feed SET created_by_id = user_id WHERE user_id IS NOT NULL")
    op.execute(
        "UPDATE calendar_feed SET created_by_id = ("
        " SELECT audit_entry.user_id FROM audit_entry"
        " WHERE audit_entry.object_type = 'calendar_feed'"
        " AND audit_entry.action IN ('calendar_feed.create', 'calendar_feed.rotate')"
        " AND audit_entry.object_id = CAST(calendar_feed.id AS VARCHAR(64))"
        " ORDER BY audit_entry.id DESC LIMIT 1)"
        " WHERE user_id IS NULL")
    # Addresses whose holder is unknown, disabled or without the role to read them stop now
    # (before, a disabled coordinator's network feed kept working).
    op.get_bind().execute(
        sa.text(
            "UPDATE calendar_feed SET revoked_at = :now WHERE created_by_id IS NULL"
            " OR created_by_id NOT IN (SELECT user_account.id FROM user_account"
            " WHERE user_account.is_disabled = :false"
            " AND user_account.network_id = calendar_feed.network_id"
            " AND (user_account.role = 'coordinator'"
            " OR (calendar_feed.user_id IS NOT NULL AND user_account.role <> 'member')))"
        ).bindparams(sa.bindparam('now', datetime.now(UTC),
                                  type_=casework.models.base.UTCDateTime()),
                     sa.bindparam('false', False, type_=sa.Boolean())))


def downgrade():
    # Without revoked_at a revoked address would work again: drop those feeds instead.
    op.execute("DELETE FROM calendar_feed WHERE revoked_at IS NOT NULL")
    with op.batch_alter_table('calendar_feed', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_calendar_feed_created_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('revoked_at')
        batch_op.drop_column('created_by_id')

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_invited_by_id'))
        batch_op.drop_index(batch_op.f('ix_invitation_case_id'))
        batch_op.drop_index('ix_invitation_created_at')
        batch_op.drop_index('ix_invitation_email')

    op.drop_table('invitation')
