"""SQLite snapshots through the sqlite3 backup API: consistent while the app keeps writing.

Copying the database file is not a backup: in WAL mode the latest commits live in the -wal
file, and a copy taken during a write can be torn. The backup API reads one snapshot inside
a read transaction, which WAL lets run alongside writers.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import sqlalchemy as sa

from casework.backup.archive import BackupError
from casework.backup.facts import Rows, SnapshotFacts, database_facts
from casework.database import with_companions
from casework.private_files import make_private_dir, restrict_to_owner

BUSY_TIMEOUT_S = 30
TABLES = ("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
          "ORDER BY name")

def database_path(url: sa.URL) -> Path:
    """The file of an SQLite URL; in-memory databases cannot be backed up."""
    name = url.database
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in str(url):
        raise BackupError("The database is in memory: there is no file to back up or restore.")
    return Path(name)


def snapshot(source: Path, destination: Path) -> None:
    """Copy a consistent snapshot of ``source`` into a new self-contained file."""
    if not source.is_file():
        raise BackupError(f"The database file {source} does not exist.")
    with closing(sqlite3.connect(source, timeout=BUSY_TIMEOUT_S)) as live, \
            closing(sqlite3.connect(destination)) as copy:
        live.backup(copy)  # pages=-1: the whole database in one step, from one snapshot
        # One file, no -wal beside it, whatever mode the live database runs in.
        copy.execute("PRAGMA journal_mode=DELETE")
        problems = integrity_problems(rows_of(copy))
    if problems:
        raise BackupError("The snapshot failed its integrity check: " + "; ".join(problems))


def restore(snapshot_file: Path, target: Path) -> None:
    """Replace the database at ``target`` (created if need be) with the snapshot's content."""
    make_private_dir(target.parent)
    with closing(sqlite3.connect(snapshot_file)) as source, \
            closing(sqlite3.connect(target, timeout=BUSY_TIMEOUT_S)) as live:
        restrict_to_owner(*with_companions(target))  # connecting may have just created it
        source.backup(live)


def rows_of(connection: sqlite3.Connection) -> Rows:
    """Run a statement on a raw connection and return its rows."""
    return lambda sql: connection.execute(sql).fetchall()


def snapshot_facts(snapshot_file: Path) -> SnapshotFacts:
    """Row counts per table, the documents and the schema revision in a snapshot file."""
    with closing(sqlite3.connect(snapshot_file)) as connection:
        rows = rows_of(connection)
        tables = [name for (name,) in rows(TABLES)]
        return database_facts(rows, tables)


def integrity_problems(rows: Rows) -> list[str]:
    """What ``PRAGMA integrity_check`` and ``PRAGMA foreign_key_check`` report, if anything."""
    problems = [str(message) for (message,) in rows("PRAGMA integrity_check")
                if message != "ok"]
    problems += [f"row {rowid} of {table} points at a missing row of {parent}"
                 for table, rowid, parent, *_ in rows("PRAGMA foreign_key_check")]
    return problems
