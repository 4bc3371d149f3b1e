"""The audit log: who changed, viewed or exported what, when and from where. Append-only.

An entry never holds personal data: field *names*, object ids and action names only, so the
log itself can be shown to a coordinator or read by an outsider without exposing members.
Ids are plain integers, not foreign keys: the log must outlive the rows it talks about and
must never be rewritten by an ``ON DELETE SET NULL``.

Append-only is enforced three times: mapper events refuse ORM updates and deletes, a session
event refuses bulk ``update()``/``delete()`` statements, and database triggers refuse UPDATE
and DELETE from any client (the SQL below; migrations must create the same triggers).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import DDL, event
from sqlalchemy.orm import Mapped, Mapper, ORMExecuteState, Session, mapped_column

from casework.extensions import Model
from casework.models.base import UTCDateTime, utcnow

# PostgreSQL: refuse UPDATE and DELETE of audit rows from every client, not only this app.
# (TRUNCATE and DROP need table ownership; run the app as a role that does not own the table.)
POSTGRESQL_AUDIT_APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = 'audit_entry is append-only: ' || TG_OP || ' refused',
        ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry;
CREATE TRIGGER audit_entry_append_only
    BEFORE UPDATE OR DELETE ON audit_entry
    FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_change();
"""
POSTGRESQL_AUDIT_APPEND_ONLY_DROP_SQL = """
DROP TRIGGER IF EXISTS audit_entry_append_only ON audit_entry;
DROP FUNCTION IF EXISTS audit_entry_refuse_change();
"""

# SQLite (the default database) gets the same protection; its driver runs one statement per
# call, hence a tuple.
SQLITE_AUDIT_APPEND_ONLY_SQL = (
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_update BEFORE UPDATE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: UPDATE refused'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON audit_entry "
    "BEGIN SELECT RAISE(ABORT, 'audit_entry is append-only: DELETE refused'); END",
)


class AuditLogIsAppendOnly(RuntimeError):
    """Raised when code tries to change or remove an audit entry."""


class AuditEntry(Model):
    __tablename__ = "audit_entry"
    # The log page lists a network's entries newest first, optionally for one case or user;
    # each index ends with id for keyset pagination.
    __table_args__ = (
        sa.Index("ix_audit_entry_network", "network_id", "id"),
        sa.Index("ix_audit_entry_network_case", "network_id", "case_id", "id"),
        sa.Index("ix_audit_entry_network_user", "network_id", "user_id", "id"),
        sa.Index("ix_audit_entry_network_object", "network_id", "object_type", "object_id",
                 "id"),
    )

    # BIGINT: every flush writes entries. SQLite needs INTEGER for an auto-increasing rowid.
    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    user_id: Mapped[int | None]  # None: the system (CLI, cron) or an anonymous visitor
    network_id: Mapped[int | None]
    # e.g. "case.update", "person.view_contact", "export.csv", "purge.run"
    action: Mapped[str] = mapped_column(sa.String(64))
    object_type: Mapped[str] = mapped_column(sa.String(64), default="")
    object_id: Mapped[str] = mapped_column(sa.String(64), default="")
    case_id: Mapped[int | None]
    # The client's IP address in a request; "cli" or "system" outside one.
    origin: Mapped[str] = mapped_column(sa.String(64), default="")
    # Field names or counts; never values, which may be personal data.
    detail: Mapped[str] = mapped_column(sa.String(500), default="")

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action}>"


@event.listens_for(AuditEntry, "before_update")
def _refuse_update(_mapper: Mapper[Any], _connection: Any, target: AuditEntry) -> None:
    raise AuditLogIsAppendOnly(f"audit entry {target.id} cannot be changed")


@event.listens_for(AuditEntry, "before_delete")
def _refuse_delete(_mapper: Mapper[Any], _connection: Any, target: AuditEntry) -> None:
    raise AuditLogIsAppendOnly(f"audit entry {target.id} cannot be deleted")


@event.listens_for(Session, "do_orm_execute")
def _refuse_bulk_change(state: ORMExecuteState) -> None:
    """``update(AuditEntry)`` and ``delete(AuditEntry)`` skip the mapper events: refuse them."""
    if (state.is_update or state.is_delete) and state.bind_mapper is sa.inspect(AuditEntry):
        raise AuditLogIsAppendOnly("audit entries cannot be updated or deleted")


event.listen(AuditEntry.__table__, "after_create",
             DDL(POSTGRESQL_AUDIT_APPEND_ONLY_SQL).execute_if(dialect="postgresql"))
for _statement in SQLITE_AUDIT_APPEND_ONLY_SQL:
    event.listen(AuditEntry.__table__, "after_create",
                 DDL(_statement).execute_if(dialect="sqlite"))
