"""The report tallies of actions carried out and their call lists, kept on every flush.

An action adds to its network's tallies on the local day it started, once it is done: one
"action" of its kind, one "turnout" in the bucket of its turnout (the number of people
itself), and its call list's people: "listed", "called", "said_yes" and "came". Actions and
call-list entries are written from many places (the action's page, check-ins, mobilization
emails, people merged), so the tallies follow the session instead of each service: before a
flush, the tallies of every action it touches are read from the database; after it, read
again, and the difference is added (casework/reports/tallies.py ``apply_change``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from itertools import chain
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from casework.models import Action, ActionStatus, CallAnswer, CallListEntry, Network
from casework.reports import tallies

PENDING = "casework_action_tallies"
CALLS = ("listed", "called", "said_yes", "came")


def install_action_tallies() -> None:
    """Register the session hooks once per process."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)


def _touched(objects: Any) -> list[Any]:
    return [obj for obj in objects if isinstance(obj, Action | CallListEntry)]


def _action_ids(objects: list[Any]) -> set[int]:
    ids = set()
    for obj in objects:
        found = obj.id if isinstance(obj, Action) else (
            obj.action_id if obj.action_id is not None else
            getattr(obj.action, "id", None) if "action" in obj.__dict__ else None)
        if found is not None:
            ids.add(found)
    return ids


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    session.info.pop(PENDING, None)  # left by a flush that failed
    touched = _touched(chain(session.new, session.dirty, session.deleted))
    if not touched:
        return
    connection = session.connection()
    ids = _action_ids(touched)
    session.info[PENDING] = (touched, ids, actions_of(connection, ids))


def _after_flush(session: Session, _context: Any) -> None:
    pending = session.info.pop(PENDING, None)
    if pending is None:
        return
    touched, ids, before = pending
    connection = session.connection()
    after = actions_of(connection, ids | _action_ids(touched))
    for zone, (old, new) in _by_zone(before, after).items():
        tallies.apply_change(connection, old, new, zone)


def _by_zone(before: list[dict[str, Any]],
             after: list[dict[str, Any]]) -> dict[ZoneInfo, tuple[list[Any], list[Any]]]:
    found: dict[ZoneInfo, tuple[list[Any], list[Any]]] = {}
    for rows, index in ((before, 0), (after, 1)):
        for row in rows:
            found.setdefault(row["zone"], ([], []))[index].append(row)
    return found


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def actions_of(connection: sa.Connection, ids: set[int] | None = None,
               network_id: int | None = None) -> list[dict[str, Any]]:
    """The actions carried out (of the ids, of a network, or all) as tally rows: when, which
    kind, the turnout, and their call lists' counts."""
    if ids is not None and not ids:
        return []
    entry = CallListEntry

    def calls(condition: Any) -> sa.ScalarSelect[Any]:
        return (select(func.count()).where(entry.action_id == Action.id, condition)
                .correlate(Action).scalar_subquery())

    where = (Action.id.in_(sorted(ids)) if ids is not None
             else Action.network_id == network_id if network_id is not None else sa.true())
    statement = (
        select(Action.id, Action.network_id, Action.starts_at, Action.kind,
               Action.turnout_actual, Network.timezone,
               calls(sa.true()).label("listed"),
               calls(entry.answer != CallAnswer.NOT_CALLED).label("called"),
               calls(entry.answer == CallAnswer.YES).label("said_yes"),
               calls(entry.is_checked_in.is_(True)).label("came"))
        .join(Network, Network.id == Action.network_id)
        .where(where, Action.status == ActionStatus.DONE, Action.starts_at.is_not(None)))
    rows = []
    for row in connection.execute(statement).mappings():
        starts_at = row["starts_at"]
        if isinstance(starts_at, str):  # SQLite, through a join
            starts_at = datetime.fromisoformat(starts_at)
        if starts_at.tzinfo is None:
            starts_at = starts_at.replace(tzinfo=UTC)
        rows.append({**row, "starts_at": starts_at, "action": True,
                     "zone": _zone(row["timezone"])})
    return rows
