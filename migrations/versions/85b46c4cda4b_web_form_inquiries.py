"""web-form inquiries: a case's source, no logger for them, the public form's sendings

Revision ID: 85b46c4cda4b
Revises: be66992d7938
Create Date: 2026-12-02 22:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

import casework.models.base

# Recreating case_record on SQLite (batch mode, to let created_by_id be empty) drops the
# triggers that keep the case search index (case_record_fts) in step: they are made again here,
# frozen as of this revision.
CASE_SEARCH_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS case_record_fts_insert AFTER INSERT ON case_record BEGIN "
    "INSERT INTO case_record_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS case_record_fts_delete AFTER DELETE ON case_record BEGIN "
    "INSERT INTO case_record_fts(case_record_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER IF NOT EXISTS case_record_fts_update AFTER UPDATE OF search_text "
    "ON case_record BEGIN "
    "INSERT INTO case_record_fts(case_record_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO case_record_fts(rowid, search_text) VALUES (new.id, new.search_text); END",
]


def restore_search_triggers():
    if op.get_bind().dialect.name == "sqlite":
        for statement in CASE_SEARCH_TRIGGERS:
            op.execute(statement)


# revision identifiers, used by Alembic.
revision = '85b46c4cda4b'
down_revision = 'be66992d7938'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'public_form_submission',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('client_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', casework.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_public_form_submission')),
    )
    with op.batch_alter_table('public_form_submission', schema=None) as batch_op:
        batch_op.create_index('ix_public_form_submission_client_created',
                              ['client_hash', 'created_at'], unique=False)
        batch_op.create_index('ix_public_form_submission_created_at', ['created_at'],
                              unique=False)

    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.Enum('logged', 'web_form',
                                                        name='inquirysource',
                                                        native_enum=False, length=32),
                                      nullable=False, server_default='logged'))
        batch_op.alter_column('created_by_id', existing_type=sa.Integer(), nullable=True)
    restore_search_triggers()


def downgrade():
    # A web-form inquiry has no one who logged it: the network's first account takes it.
    op.execute("UPDATE case_record SET created_by_id = (SELECT min(u.id) FROM user_account u "
               "WHERE u.network_id = case_record.network_id) WHERE created_by_id IS NULL")
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.alter_column('created_by_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('source')
    restore_search_triggers()

    with op.batch_alter_table('public_form_submission', schema=None) as batch_op:
        batch_op.drop_index('ix_public_form_submission_created_at')
        batch_op.drop_index('ix_public_form_submission_client_created')
    op.drop_table('public_form_submission')
