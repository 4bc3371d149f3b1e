"""What a snapshot holds, read the same way from either database: the row count of every
table (checked again after a restore), the documents it names and its schema revision."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

from casework.backup.archive import DocumentEntry

# Runs one SQL statement and returns its rows (a raw sqlite3 or SQLAlchemy connection).
Rows = Callable[[str], Sequence[Sequence[Any]]]


class SnapshotFacts(NamedTuple):
    table_counts: dict[str, int]
    documents: list[DocumentEntry]
    schema_revision: str | None


def database_facts(rows: Rows, tables: Sequence[str]) -> SnapshotFacts:
    """Counts, documents and revision read through ``rows`` (either database)."""
    counts = {}
    for table in tables:
        # Table names come from the database's own catalogue, quoted as identifiers.
        quoted = '"' + table.replace('"', '""') + '"'
        counts[table] = int(rows(f"SELECT count(*) FROM {quoted}")[0][0])  # noqa: S608
    documents = []
    if "document" in tables:
        # Purged documents have no file, and no sha256 (a test that works on any revision).
        documents = [DocumentEntry(str(name), str(digest), int(size)) for name, digest, size
                     in rows("SELECT stored_name, sha256, size_bytes FROM document "
                             "WHERE sha256 <> '' ORDER BY id")]
    revision = None
    if "alembic_version" in tables:
        versions = rows("SELECT version_num FROM alembic_version")
        revision = ",".join(sorted(str(v) for (v,) in versions)) or None
    return SnapshotFacts(counts, documents, revision)
