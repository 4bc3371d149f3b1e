"""members who call: a caller mark on people, call list entries given to them, their logins

Revision ID: 5c2e8a41d7b9
Revises: 720fe7895fe2
Create Date: 2026-12-02 18:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# Recreating person on SQLite (batch mode) drops the triggers that keep the name search index
# (person_fts) in step: they are made again here, frozen as of this revision.
PERSON_SEARCH_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS person_fts_insert AFTER INSERT ON person BEGIN "
    "INSERT INTO person_fts(rowid, name) VALUES (new.id, new.name); END",
    "CREATE TRIGGER IF NOT EXISTS person_fts_delete AFTER DELETE ON person BEGIN "
    "INSERT INTO person_fts(person_fts, rowid, name) VALUES ('delete', old.id, old.name); END",
    "CREATE TRIGGER IF NOT EXISTS person_fts_update AFTER UPDATE OF name ON person BEGIN "
    "INSERT INTO person_fts(person_fts, rowid, name) VALUES ('delete', old.id, old.name); "
    "INSERT INTO person_fts(rowid, name) VALUES (new.id, new.name); END",
]


def restore_search_triggers():
    if op.get_bind().dialect.name == "sqlite":
        for statement in PERSON_SEARCH_TRIGGERS:
            op.execute(statement)


# revision identifiers, used by Alembic.
revision = '5c2e8a41d7b9'
down_revision = '720fe7895fe2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_caller', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    restore_search_triggers()

    with op.batch_alter_table('call_list_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('caller_person_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_call_list_entry_caller_person_id_person'),
                                    'person', ['caller_person_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_call_list_entry_caller_person',
                              ['caller_person_id', 'action_id'], unique=False)

    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_invitation_person_id_person'),
                                    'person', ['person_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_invitation_person_id'), ['person_id'], unique=False)


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invitation_person_id'))
        batch_op.drop_constraint(batch_op.f('fk_invitation_person_id_person'), type_='foreignkey')
        batch_op.drop_column('person_id')

    with op.batch_alter_table('call_list_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_call_list_entry_caller_person')
        batch_op.drop_constraint(batch_op.f('fk_call_list_entry_caller_person_id_person'),
                                 type_='foreignkey')
        batch_op.drop_column('caller_person_id')

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('is_caller')
    restore_search_triggers()
