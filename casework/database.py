"""Per-connection database settings: SQLite pragmas and transactions that begin on time."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from flask import has_request_context, request
from sqlalchemy import Engine, event

from casework.private_files import restrict_to_owner

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
SQLITE_BUSY_TIMEOUT_MS = 15_000
_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


@contextmanager
def write_intent() -> Iterator[None]:
    """Mark work outside a request (CLI commands) as writing, so SQLite locks up front."""
    token = _write_intent.set(True)
    try:
        yield
    finally:
        _write_intent.reset(token)


def install_sqlite_settings() -> None:
    """Register the engine hooks once per process (they only act on SQLite connections)."""
    if not event.contains(Engine, "connect", _on_connect):
        event.listen(Engine, "connect", _on_connect)
        event.listen(Engine, "begin", _on_begin)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Python's sqlite3 module otherwise opens transactions late (just before the first
    # write), so a read followed by a write would not be one transaction. We turn its
    # handling off and emit BEGIN ourselves in _on_begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    # Before the first write: SQLite gives the -wal and -shm files it creates the database
    # file's mode, so narrowing that first keeps all three readable by this user only.
    restrict_to_owner(*sqlite_files(cursor))
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    # Deleted and overwritten text is zeroed in the file, not left in free space.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.close()


def sqlite_files(cursor: sqlite3.Cursor) -> list[Path]:
    """The main database file and its -wal and -shm companions (none for in-memory)."""
    for _seq, name, file_name in cursor.execute("PRAGMA database_list"):
        if name == "main" and file_name:
            return with_companions(Path(file_name))
    return []


def with_companions(database: Path) -> list[Path]:
    """An SQLite database file with the -wal and -shm files that sit beside it."""
    return [database, *(database.with_name(database.name + suffix) for suffix in ("-wal", "-shm"))]


def clear_sqlite_log(engine: Engine) -> bool:
    """Copy every committed page into the database file and empty the -wal file, so that
    old versions of rows (purged personal data) are not left in it. False when readers in
    other processes kept it from finishing (it waits for them up to the busy timeout)."""
    if engine.dialect.name != "sqlite":
        return True
    with engine.connect() as connection:
        # The driver's own connection: SQLAlchemy would wrap the pragma in a transaction,
        # and a checkpoint cannot run from inside one.
        raw = connection.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)  # noqa: S101 - the sqlite dialect
        busy, _log_frames, _copied = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return busy == 0


def _on_begin(connection: Any) -> None:
    if connection.dialect.name != "sqlite":
        return
    # A request that may write takes SQLite's write lock when its transaction starts, so
    # two writers queue on the busy timeout instead of failing when one upgrades its lock.
    wants_write = _write_intent.get() or (
        has_request_context() and request.method not in SAFE_METHODS
    )
    connection.exec_driver_sql("BEGIN IMMEDIATE" if wants_write else "BEGIN")
