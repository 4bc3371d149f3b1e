"""Back up and restore the whole installation: the database and the uploaded documents."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from casework.backup import postgres, sqlite
from casework.backup.archive import (
    BackupError,
    Manifest,
    check_output_path,
    extract_database,
    restore_documents,
    write_archive,
)
from casework.backup.facts import SnapshotFacts, database_facts
from casework.documents.services import StorageReport, check_documents
from casework.documents.storage import DocumentStore

__all__ = ["BackupError", "RestoreReport", "make_backup", "restore_backup"]


def make_backup(engine: sa.Engine, store: DocumentStore, output: Path) -> Manifest:
    """Write a consistent backup while the app serves requests: one database snapshot and
    the document files it names. No document file is removed until the files are copied."""
    check_output_path(output)
    dialect = database_kind(engine)
    with tempfile.TemporaryDirectory(prefix="casework-backup-") as work, store.pinned():
        database_file = Path(work) / "database"
        if dialect == "sqlite":
            sqlite.snapshot(sqlite.database_path(engine.url), database_file)
            facts = sqlite.snapshot_facts(database_file)
        else:
            with postgres.exported_snapshot(engine) as (snapshot_id, facts):
                postgres.dump(engine.url, snapshot_id, database_file)
        manifest = Manifest(database=dialect, created_at=datetime.now(UTC).isoformat(),
                            table_counts=facts.table_counts, documents=facts.documents,
                            schema_revision=facts.schema_revision)
        write_archive(output, manifest, database_file, store)
    return manifest


@dataclass
class RestoreReport:
    """What a restore put back and what the checks afterwards found."""

    manifest: Manifest
    documents_restored: int
    storage: StorageReport
    problems: list[str] = field(default_factory=list)

    @property
    def is_healthy(self) -> bool:
        return not self.problems and self.storage.is_healthy


def restore_backup(engine: sa.Engine, store: DocumentStore, archive: Path) -> RestoreReport:
    """Replace the database and the documents with a backup's, then check the result.

    Files go in first, then the database, so no restored row ever names a missing file;
    files only the old database named are removed afterwards."""
    dialect = database_kind(engine)
    with tempfile.TemporaryDirectory(prefix="casework-restore-") as work:
        manifest, database_file = extract_database(archive, Path(work))
        if manifest.database != dialect:
            raise BackupError(f"This is a backup of a {manifest.database} database; the app is "
                              f"configured for {dialect}.")
        restored = restore_documents(archive, manifest, store)
        engine.dispose()  # no pooled connection keeps reading the old database
        if dialect == "sqlite":
            sqlite.restore(database_file, sqlite.database_path(engine.url))
        else:
            postgres.restore(database_file, engine.url)
        engine.dispose()
    storage = check_documents(store, verify_hashes=True)
    problems = integrity_problems(engine, manifest)
    return RestoreReport(manifest, restored, storage, problems)


def integrity_problems(engine: sa.Engine, manifest: Manifest) -> list[str]:
    """Check the restored database: SQLite's own checks, then a count of every table,
    which must match the snapshot's."""
    with engine.connect() as connection:
        rows = lambda sql: connection.exec_driver_sql(sql).all()  # noqa: E731
        problems = sqlite.integrity_problems(rows) if engine.dialect.name == "sqlite" else []
        restored = facts_of(connection)
    for table, expected in sorted(manifest.table_counts.items()):
        found = restored.table_counts.get(table)
        if found != expected:
            problems.append(f"table {table}: {found} row(s) restored, {expected} backed up")
    return problems


def facts_of(connection: sa.Connection) -> SnapshotFacts:
    """Counts, documents and revision of the database behind a connection."""
    if connection.dialect.name == "sqlite":  # as the snapshot listed them, FTS5 tables too
        tables = [name for (name,) in connection.exec_driver_sql(sqlite.TABLES)]
    else:
        tables = sorted(sa.inspect(connection).get_table_names())
    return database_facts(lambda sql: connection.exec_driver_sql(sql).all(), tables)


def database_kind(engine: sa.Engine) -> str:
    """'sqlite' or 'postgresql'; anything else cannot be backed up by this app."""
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of {name} databases are not supported.")
    return name
