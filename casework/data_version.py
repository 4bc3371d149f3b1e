"""A token that changes with every transaction that writes to the database.

Every statement that may change data (INSERT, UPDATE, DELETE and the like, whichever way it
is sent: the ORM, Core, a raw ``exec_driver_sql``) marks its connection; when a marked
connection commits, a new random token is written to the one ``data_version`` row, in the
same transaction, as its last statement (so its row lock, on PostgreSQL, is always the last
one a transaction takes and cannot close a deadlock). Something computed from the database
at a token is therefore still right while the token is unchanged, in every process: the
reports keep their figures by it, and the workers their pages (casework/kept_pages.py). A
database restored from a backup brings back the token it had, with the data it had.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from flask import g, has_app_context
from sqlalchemy import Connection, Engine, event, select, text

from casework.models import DataVersion

WROTE = "casework_wrote"
# The token as a column of a statement that reads something else (the logged-in user).
DATABASE_TOKEN = select(DataVersion.token).where(DataVersion.id == 1).scalar_subquery()
# Statements that may change data; a WITH statement only when it holds a data-changing verb.
_WRITES = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|TRUNCATE|CREATE|DROP|ALTER)\b",
                     re.IGNORECASE)
_WITH_WRITE = re.compile(r"\b(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)
_TABLE_EXISTS = {
    "sqlite": "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'data_version'",
    "postgresql": "SELECT to_regclass('data_version') IS NOT NULL",
}


def install_data_version() -> None:
    """Register the engine hooks once per process."""
    if not event.contains(Engine, "before_cursor_execute", _mark_writes):
        event.listen(Engine, "before_cursor_execute", _mark_writes)
        event.listen(Engine, "commit", _new_token_on_commit)
        event.listen(Engine, "rollback", _forget_writes)


def _mark_writes(connection: Connection, _cursor: Any, statement: str, *_args: Any) -> None:
    if connection.info.get(WROTE):
        return
    head = statement.lstrip()[:6].upper()
    if _WRITES.match(statement) or (head.startswith("WITH") and _WITH_WRITE.search(statement)):
        connection.info[WROTE] = True


def _new_token_on_commit(connection: Connection) -> None:
    if not connection.info.pop(WROTE, False):
        return
    # The driver's own cursor: the transaction is being committed, SQLAlchemy's is closing.
    exists = _TABLE_EXISTS.get(connection.dialect.name)
    if exists is None:
        return
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(exists)
        row = cursor.fetchone()
        if row is None or not row[0]:  # a database older than the table (a migration)
            return
        # An upsert: the row comes back after a TRUNCATE, and two writers never both
        # insert it.
        cursor.execute("INSERT INTO data_version (id, token) "  # noqa: S608 - hex token
                       f"VALUES (1, '{new_token()}') "
                       "ON CONFLICT (id) DO UPDATE SET token = excluded.token")
    finally:
        cursor.close()
    if has_app_context():
        g.pop("database_token", None)  # the request's token is not the database's any more


def new_token() -> str:
    """A fresh random token (hex only: it is written into the SQL itself)."""
    return secrets.token_hex(16)


def _forget_writes(connection: Connection) -> None:
    connection.info.pop(WROTE, None)


def current_token(connection: Connection) -> str | None:
    """The database's token, or None when this transaction has written and not committed
    (what it reads is then its own, not the token's) or the database has no token."""
    if connection.info.get(WROTE):
        return None
    token = connection.execute(text("SELECT token FROM data_version WHERE id = 1")).scalar()
    return str(token) if token is not None else None


def remember_token(token: str | None) -> None:
    """Keep the token a request read along with something else, for ``token_of_request``."""
    g.database_token = token


def token_of_request(connection: Connection) -> str | None:
    """The token as this request read it with the logged-in user, if it did and has not
    committed a write since (that clears it), else as ``current_token`` reads it. Taken
    once: a test's requests may share one app context, and with it ``g``."""
    if connection.info.get(WROTE):
        return None
    token = g.pop("database_token", None) if has_app_context() else None
    return token if token is not None else current_token(connection)
