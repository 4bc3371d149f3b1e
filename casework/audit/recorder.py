"""Writing the audit log: who acts, what changed (field names, never values), what was read.

Changes are recorded generically: a session hook turns every flushed insert, update and
delete of the app's models into an entry, in the same transaction, so a change and its
entry are committed or rolled back together. Reads (a member's contact details shown, an
export) are recorded in their own short transaction, because GET requests never commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import InstanceState, ORMExecuteState, Session

from casework.database import write_intent
from casework.extensions import db
from casework.models import AuditEntry, Case, Network
from casework.models.base import utcnow

if TYPE_CHECKING:
    from sqlalchemy.orm import UOWTransaction

DETAIL_LENGTH = 500
CONTACT_VIEW = "person.view_contact"
CONTACT_VIEW_QUIET = timedelta(hours=24)  # one entry per user and person in this time


@dataclass(frozen=True)
class Actor:
    """Who an entry is attributed to, and from where they acted."""

    user_id: int | None
    network_id: int | None
    origin: str


_actor_override: ContextVar[Actor | None] = ContextVar("audit_actor", default=None)


@contextmanager
def acting_as(origin: str = "cli", *, user_id: int | None = None,
              network_id: int | None = None) -> Iterator[None]:
    """Attribute what happens inside the block to the system (a CLI command, cron)."""
    token = _actor_override.set(Actor(user_id, network_id, origin))
    try:
        yield
    finally:
        _actor_override.reset(token)


def current_actor() -> Actor:
    """The logged-in user and their IP in a request; otherwise the system."""
    override = _actor_override.get()
    if override is not None:
        return override
    if not has_request_context():
        return Actor(None, None, "system")
    origin = (request.remote_addr or "unknown")[:64]
    if current_user and current_user.is_authenticated:
        return Actor(current_user.id, current_user.network_id, origin)
    return Actor(None, None, origin)


def install_change_recorder() -> None:
    """Record every flush and bulk statement of ``db.session`` (once; safe to call again)."""
    if not event.contains(db.session, "after_flush", record_changes):
        event.listen(db.session, "after_flush", record_changes)
        event.listen(db.session, "do_orm_execute", record_bulk_change)


def record_changes(session: Session, _flush_context: UOWTransaction) -> None:
    """After a flush (ids known, history not yet reset), log what it inserted/updated/deleted."""
    actor = current_actor()
    rows = [
        *change_rows(session.new, "insert", actor),
        *change_rows(session.dirty, "update", actor),
        *change_rows(session.deleted, "delete", actor),
    ]
    if rows:
        # Core statements on the flush's own connection: same transaction, no second flush.
        connection = session.connection()
        fill_in_networks(connection, rows)
        connection.execute(sa.insert(AuditEntry), rows)


def fill_in_networks(connection: sa.Connection, rows: list[dict[str, Any]]) -> None:
    """Outside a request (CLI, cron) there is no user's network: take it from the case."""
    case_ids = {row["case_id"] for row in rows
                if row["network_id"] is None and row["case_id"] is not None}
    if not case_ids:
        return
    networks = dict(connection.execute(
        sa.select(Case.id, Case.network_id).where(Case.id.in_(case_ids))).all())
    for row in rows:
        if row["network_id"] is None and row["case_id"] is not None:
            row["network_id"] = networks.get(row["case_id"])


def record_bulk_change(execute_state: ORMExecuteState) -> None:
    """``update()``/``delete()`` statements skip the flush: record that one ran, on what."""
    if not (execute_state.is_update or execute_state.is_delete):
        return
    mapper = execute_state.bind_mapper
    if mapper is not None and mapper.class_ is AuditEntry:
        return  # refused by the model itself
    object_type = (type_name(mapper.class_) if mapper is not None
                   else str(getattr(execute_state.statement, "table", "")))
    operation = "bulk_update" if execute_state.is_update else "bulk_delete"
    actor = current_actor()
    execute_state.session.connection().execute(sa.insert(AuditEntry).values(
        user_id=actor.user_id, network_id=actor.network_id, action=f"{object_type}.{operation}",
        object_type=object_type, origin=actor.origin, detail="rows not listed"))


def change_rows(objects: Iterable[Any], operation: str, actor: Actor) -> list[dict[str, Any]]:
    """One entry per changed object (AuditEntry rows themselves are not recorded again)."""
    rows = []
    for obj in objects:
        if isinstance(obj, AuditEntry):
            continue
        state: InstanceState[Any] = sa.inspect(obj)
        changed = changed_names(state) if operation == "update" else []
        if operation == "update" and not changed:
            continue
        object_type = type_name(type(obj))
        rows.append({
            "user_id": actor.user_id,
            "network_id": network_of(obj, state, actor),
            "action": f"{object_type}.{operation}",
            "object_type": object_type,
            "object_id": primary_key_of(state),
            "case_id": case_of(obj, state),
            "origin": actor.origin,
            "detail": ", ".join(changed)[:DETAIL_LENGTH],
        })
    return rows


def changed_names(state: InstanceState[Any]) -> list[str]:
    """Names of changed columns and many-to-many collections (which have no rows of their own).

    Reading ``history`` never loads an attribute, so this runs no query inside the flush.
    """
    mapper = state.mapper
    names = [attr.key for attr in mapper.column_attrs
             if state.attrs[attr.key].history.has_changes()]
    names += [rel.key for rel in mapper.relationships
              if rel.secondary is not None and state.attrs[rel.key].history.has_changes()]
    return names


def type_name(cls: type) -> str:
    """``LetterVersion`` -> ``letter_version``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__).lower()


def primary_key_of(state: InstanceState[Any]) -> str:
    """The object's key: its identity once persistent, the just-inserted values when new."""
    values: Iterable[Any] = state.identity or [
        state.dict.get(attr.key) for attr in state.mapper.column_attrs
        if any(column.primary_key for column in attr.columns)]
    return ",".join("" if value is None else str(value) for value in values)[:64]


def network_of(obj: Any, state: InstanceState[Any], actor: Actor) -> int | None:
    """The network the object belongs to, else the actor's."""
    if isinstance(obj, Network):
        return state.dict.get("id")
    return state.dict.get("network_id") or actor.network_id


def case_of(obj: Any, state: InstanceState[Any]) -> int | None:
    """The case an object belongs to, from already-loaded values only (no query in a flush)."""
    if isinstance(obj, Case):
        return state.dict.get("id")
    if state.dict.get("case_id") is not None:
        return int(state.dict["case_id"])
    letter = state.dict.get("letter")  # a letter version: its letter knows the case
    if letter is not None:
        return sa.inspect(letter).dict.get("case_id")
    return None


def add_entry(action: str, *, network_id: int | None, object_type: str = "",
              object_id: str = "", case_id: int | None = None, detail: str = "") -> AuditEntry:
    """Add an entry to the current transaction: it is kept only if the work commits."""
    actor = current_actor()
    entry = AuditEntry(user_id=actor.user_id, network_id=network_id, action=action,
                       object_type=object_type, object_id=object_id, case_id=case_id,
                       origin=actor.origin, detail=detail[:DETAIL_LENGTH])
    db.session.add(entry)
    return entry


def record_access(action: str, *, network_id: int | None, object_type: str = "",
                  object_id: str = "", case_id: int | None = None, detail: str = "") -> None:
    """Record a read in its own committed transaction (the request's GET never commits)."""
    actor = current_actor()
    with write_intent(), db.engine.begin() as connection:
        connection.execute(sa.insert(AuditEntry).values(
            user_id=actor.user_id, network_id=network_id, action=action,
            object_type=object_type, object_id=object_id, case_id=case_id,
            origin=actor.origin, detail=detail[:DETAIL_LENGTH]))


def record_contact_view(network_id: int, person_id: int, *, case_id: int | None = None,
                        detail: str = "") -> None:
    """Someone was shown how to reach a person: recorded once per user, person, page
    (``detail``) and 24 hours.

    A case team opens its case pages many times a day; an entry per page view buried the log
    without telling a reader more than the first one does.
    """
    actor = current_actor()
    seen_lately = db.session.scalar(contact_view_statement(by_user=actor.user_id is not None), {
        "network_id": network_id, "person_id": str(person_id),
        "detail": detail[:DETAIL_LENGTH], "user_id": actor.user_id,
        "since": utcnow() - CONTACT_VIEW_QUIET})
    if seen_lately is None:
        record_access(CONTACT_VIEW, network_id=network_id, object_type="person",
                      object_id=str(person_id), case_id=case_id, detail=detail)


@cache
def contact_view_statement(*, by_user: bool) -> sa.Select[int]:
    """A recent entry of a contact view (by a user, or by no one logged in), built once: the
    case page and the person page ask on every view."""
    return sa.select(AuditEntry.id).where(
        AuditEntry.network_id == sa.bindparam("network_id"), AuditEntry.object_type == "person",
        AuditEntry.object_id == sa.bindparam("person_id"), AuditEntry.action == CONTACT_VIEW,
        AuditEntry.detail == sa.bindparam("detail"),
        AuditEntry.user_id == sa.bindparam("user_id") if by_user
        else AuditEntry.user_id.is_(None),
        AuditEntry.created_at >= sa.bindparam("since")).limit(1)


def record_view(case: Case) -> None:
    """Someone was shown the case's full record: the member's name and contact details."""
    record_contact_view(case.network_id, case.person_id, case_id=case.id, detail="case page")
