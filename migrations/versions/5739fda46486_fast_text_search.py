"""fast text search: trigram indexes (PostgreSQL), FTS5 trigram tables (SQLite)

Revision ID: 5739fda46486
Revises: 38427b9c08ec
Create Date: 2026-11-22 03:11:21.000000

The case list searches for a substring of case_record.search_text and person.name. This
adds what lets each database answer that from an index (see casework/cases/search_index.py,
which attaches the same DDL to create_all; tests/test_search.py checks that a migrated
database and a create_all() one end up with the same search objects):

- PostgreSQL: the pg_trgm extension and GIN trigram indexes on both columns.
- SQLite: FTS5 external-content tables with the trigram tokenizer mirroring both columns,
  triggers that keep them in step, and a backfill from the existing rows.

Both get a plain index on case_record.person_id (the person-name half of the search).

A later batch migration that RECREATES case_record or person on SQLite (dropping or
altering columns) drops these triggers with the old table: it must create them again.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '5739fda46486'
down_revision = '38427b9c08ec'
branch_labels = None
depends_on = None

# (table, column, FTS5 table on SQLite, trigram index on PostgreSQL), frozen as of this
# revision rather than imported, so the migration keeps doing what it did when written.
SEARCHED = [
    ("case_record", "search_text", "case_record_fts", "ix_case_record_search_text_trgm"),
    ("person", "name", "person_fts", "ix_person_name_trgm"),
]


def sqlite_ddl(table, column, fts):
    # Constant names only (SEARCHED above), never input.
    remove_old = (f"INSERT INTO {fts}({fts}, rowid, {column}) "  # noqa: S608
                  f"VALUES ('delete', old.id, old.{column});")
    add_new = f"INSERT INTO {fts}(rowid, {column}) VALUES (new.id, new.{column});"  # noqa: S608
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({column}, content='{table}', "
        "content_rowid='id', tokenize='trigram')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {add_new} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {remove_old} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF {column} ON {table} "
        f"BEGIN {remove_old} {add_new} END",
        # Backfill: an external-content table indexes the rows already in its table.
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608
    ]


def upgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_record_person_id'), ['person_id'], unique=False)

    dialect = op.get_bind().dialect.name
    for table, column, fts, trigram_index in SEARCHED:
        if dialect == "sqlite":
            for statement in sqlite_ddl(table, column, fts):
                op.execute(statement)
        elif dialect == "postgresql":
            # Trusted since PostgreSQL 13: the database owner may create it.
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            op.execute(f"CREATE INDEX {trigram_index} ON {table} "
                       f"USING gin ({column} gin_trgm_ops)")


def downgrade():
    dialect = op.get_bind().dialect.name
    for _table, _column, fts, trigram_index in SEARCHED:
        if dialect == "sqlite":
            for trigger in ("insert", "delete", "update"):
                op.execute(f"DROP TRIGGER IF EXISTS {fts}_{trigger}")
            op.execute(f"DROP TABLE IF EXISTS {fts}")  # and its shadow tables
        elif dialect == "postgresql":
            # pg_trgm stays: other objects in the database may have come to use it.
            op.execute(f"DROP INDEX IF EXISTS {trigram_index}")

    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_record_person_id'))
