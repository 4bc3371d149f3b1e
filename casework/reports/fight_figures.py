"""Keeping each fight's FightFigures row in step with its records.

Every service that changes what the reports count (a case logged or edited, a workflow move,
a delivery date corrected, a demand added or removed, an action carried out) calls
``refresh_fight_figures`` in the same transaction. The row is always recomputed whole from
the fight's records by one statement (``computed_figures``), so there is one definition of
each figure's date: the migration's backfill, a network's change of time zone and the
consistency check use the same statement for many fights at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, date, datetime
from decimal import Decimal
from itertools import chain
from typing import Any, cast
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import sqlalchemy as sa
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import (
    Action,
    ActionStatus,
    Appeal,
    AppealDirection,
    AppealKind,
    AppealStatus,
    Case,
    Delivery,
    Demand,
    DemandKind,
    Event,
    EventKind,
    FightFigures,
    Network,
    Outcome,
    Target,
)
from casework.reports import tallies
from casework.reports.action_tallies import actions_of
from casework.workflow.states import CaseState

FIELDS = ("network_id", "issue_type", "target_kind", "logged_at", "screened_at",
          "proposed_at", "taken_at", "declined_at", "decline_reason", "delivered_at",
          "delivered_on", "ended_on", "outcome_kind", "recovered", "demanded", "actions_done",
          "days_to_decision", "days_to_delivery", "days_to_win", "is_joint",
          "decision_bucket", "delivery_bucket", "win_bucket", "demanded_bucket",
          "recovered_bucket")
BATCH = 2_000


def _transition_at(trigger: str, first: bool = False) -> sa.ScalarSelect[Any]:
    """When the fight last (or first) made the move, read through its own timeline index."""
    moment = func.min(Event.created_at) if first else func.max(Event.created_at)
    return (select(moment).where(Event.case_id == Case.id, Event.kind == EventKind.TRANSITION,
                                 Event.trigger == trigger)
            .correlate(Case).scalar_subquery())


def _joint() -> sa.ColumnElement[bool]:
    """The fight is fought with other networks: joined (it has the leading network's name)
    or led (a joint appeal for it was accepted)."""
    led = select(Appeal.id).where(
        Appeal.case_id == Case.id, Appeal.direction == AppealDirection.SENT,
        Appeal.kind == AppealKind.JOINT,
        Appeal.status.in_([AppealStatus.ACCEPTED, AppealStatus.ENDED])).exists()
    return sa.or_(Case.joint_with != "", led)


def computed_figures(where: sa.ColumnElement[bool], joint: bool = True) -> sa.Select[Any]:
    """For the cases matching ``where``: what each one's figures row should hold, except
    the delivery's local day (the time zone is applied in Python, see ``rows_of``)."""

    def latest_outcome(column: Any) -> sa.ScalarSelect[Any]:
        """The fight's latest outcome's column, through the outcome's (case, id) index."""
        return (select(column).where(Outcome.case_id == Case.id).order_by(Outcome.id.desc())
                .limit(1).correlate(Case).scalar_subquery())

    latest_delivery = (select(Delivery.delivered_at).where(Delivery.case_id == Case.id)
                       .order_by(Delivery.id.desc()).limit(1).correlate(Case).scalar_subquery())
    money_demanded = (select(func.sum(Demand.amount))
                      .where(Demand.case_id == Case.id, Demand.kind == DemandKind.MONEY)
                      .correlate(Case).scalar_subquery())
    # The status is counted, not filtered on, so that the fight's own (case, position) index
    # is the one read, not the index of every action carried out.
    actions_done = (select(func.coalesce(func.sum(
                        sa.case((Action.status == ActionStatus.DONE, 1), else_=0)), 0))
                    .where(Action.case_id == Case.id).correlate(Case).scalar_subquery())
    ended = Case.state.in_([CaseState.WON, CaseState.CLOSED])
    declined = Case.state == CaseState.DECLINED
    return (
        select(Case.id.label("case_id"), Case.network_id, Case.issue_type,
               Target.kind.label("target_kind"), Network.timezone,
               Case.created_at.label("logged_at"),
               _transition_at("screen").label("screened_at"),
               _transition_at("propose").label("proposed_at"),
               _transition_at("accept", first=True).label("taken_at"),
               # Data loaded without a timeline (imports) falls back on the state's change.
               sa.case((declined, func.coalesce(_transition_at("decline"),
                                                Case.state_changed_at))).label("declined_at"),
               sa.case((declined, Case.decline_reason)).label("decline_reason"),
               latest_delivery.label("delivered_at"),
               sa.case((ended, latest_outcome(Outcome.decided_on))).label("ended_on"),
               sa.case((ended, latest_outcome(Outcome.kind))).label("outcome_kind"),
               sa.case((ended, latest_outcome(Outcome.amount_recovered))).label("recovered"),
               func.coalesce(money_demanded, Case.amount_claimed, 0).label("demanded"),
               actions_done.label("actions_done"),
               # (a migration's backfill before the column existed reads no appeals)
               (_joint() if joint else sa.false()).label("is_joint"))
        .join(Network, Network.id == Case.network_id)
        .join(Target, Target.id == Case.target_id)
        .where(where)
        .order_by(Case.id)
    )


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _aware(moment: Any) -> datetime | None:
    """A moment as the database returned it (SQLite: naive, in UTC), made aware."""
    if moment is None:
        return None
    if isinstance(moment, str):  # SQLite returns a correlated subquery's timestamp as text
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _day(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def rows_of(connection: sa.Connection, where: sa.ColumnElement[bool],
            joint: bool = True) -> Iterator[dict[str, Any]]:
    """Each matching case's figures row as a dict of FightFigures' columns, and its
    network's time zone ("zone")."""
    for row in connection.execute(computed_figures(where, joint)).mappings():
        logged_at, taken_at = _aware(row["logged_at"]), _aware(row["taken_at"])
        declined_at, delivered_at = _aware(row["declined_at"]), _aware(row["delivered_at"])
        delivered_on = delivered_at.astimezone(_zone(row["timezone"])).date() \
            if delivered_at else None
        ended_on = _day(row["ended_on"])
        decided_at = taken_at or declined_at
        yield tallies.with_buckets({
            "zone": _zone(row["timezone"]),
            "case_id": row["case_id"], "network_id": row["network_id"],
            "issue_type": row["issue_type"], "target_kind": row["target_kind"],
            "logged_at": logged_at,
            "screened_at": _aware(row["screened_at"]),
            "proposed_at": _aware(row["proposed_at"]),
            "taken_at": taken_at, "declined_at": declined_at,
            "decline_reason": row["decline_reason"],
            "delivered_at": delivered_at, "delivered_on": delivered_on,
            "ended_on": ended_on, "outcome_kind": row["outcome_kind"],
            "recovered": None if row["recovered"] is None
            else Decimal(str(row["recovered"])).quantize(Decimal("0.01")),
            "demanded": Decimal(str(row["demanded"])).quantize(Decimal("0.01")),
            "actions_done": int(row["actions_done"]),
            "days_to_decision": _days(logged_at, decided_at),
            "days_to_delivery": _days(taken_at, delivered_at),
            "days_to_win": float((ended_on - delivered_on).days)
            if ended_on and delivered_on else None,
            "is_joint": bool(row["is_joint"]),
        })


def _days(start: datetime | None, end: datetime | None) -> float | None:
    """Days, with their fraction, from one moment to another (rounded to the second)."""
    if start is None or end is None:
        return None
    return round((end - start).total_seconds()) / 86400


def refresh_fight_figures(case: Case) -> FightFigures:
    """Recompute the case's figures row from its records, in the current transaction."""
    db.session.flush()
    computed = next(rows_of(db.session.connection(), Case.id == case.id))
    # What the tallies counted: the row as stored (not as this session may remember it).
    before = _stored_rows(FightFigures.case_id == case.id)
    row = db.session.get(FightFigures, case.id)
    if row is None:
        row = FightFigures(case_id=case.id)
        db.session.add(row)
    for field in FIELDS:
        setattr(row, field, computed[field])
    tallies.apply_change(db.session.connection(), before, [computed], computed["zone"])
    return row


def refresh_target_kind(target: Target) -> None:
    """A target's kind changed: the figures rows of every fight against it follow."""
    db.session.flush()
    fights = FightFigures.case_id.in_(select(Case.id).where(Case.target_id == target.id))
    before = _stored_rows(fights)
    db.session.execute(
        sa.update(FightFigures).where(fights)
        .values(target_kind=target.kind).execution_options(synchronize_session="fetch"))
    after = _stored_rows(fights)
    zone = _zone(db.session.get_one(Network, target.network_id).timezone)
    tallies.apply_change(db.session.connection(), before, after, zone)


def _stored_rows(where: sa.ColumnElement[bool]) -> list[dict[str, Any]]:
    return [dict(row) for row in db.session.execute(
        select(FightFigures.__table__).where(where)).mappings()]


def rebuild_fight_figures(connection: sa.Connection, network_id: int | None = None,
                          table: sa.Table | None = None,
                          tally_table: sa.Table | None = None) -> int:
    """Recompute the figures rows of a network's fights (or of every fight) from their
    records; returns how many. For the migrations' backfills, bulk-loaded data and a
    network's change of time zone. A migration passes the table as it stands at its
    revision: only the columns it has are written, and the tallies (ReportTally) are
    rebuilt only when it passes their table too."""
    keep_tallies = table is None or tally_table is not None
    if table is None:
        table = cast(sa.Table, FightFigures.__table__)
    columns = set(table.c.keys())
    where = Case.network_id == network_id if network_id is not None else sa.true()
    connection.execute(sa.delete(table).where(
        table.c.network_id == network_id if network_id is not None else sa.true()))
    written = 0
    batch: list[dict[str, Any]] = []
    rows = list(rows_of(connection, where, joint="is_joint" in columns))
    for row in rows:
        batch.append({key: value for key, value in row.items() if key in columns})
        if len(batch) == BATCH:
            connection.execute(sa.insert(table), batch)
            written, batch = written + len(batch), []
    if batch:
        connection.execute(sa.insert(table), batch)
        written += len(batch)
    if keep_tallies:
        actions = actions_of(connection, None, network_id)
        tallies.rebuild(connection, ((row, row["zone"]) for row in chain(rows, actions)),
                        network_id, tally_table)
    return written


def drifted_fights(connection: sa.Connection, network_id: int) -> list[int]:
    """The ids of the network's fights whose figures row is missing or differs from what
    their records say."""
    stored = {row.case_id: row for row in connection.execute(
        select(FightFigures.__table__).where(FightFigures.network_id == network_id))}
    drifted = []
    for computed in rows_of(connection, Case.network_id == network_id):
        row = stored.get(computed["case_id"])
        if row is None or any(_normal(getattr(row, field)) != _normal(computed[field])
                              for field in FIELDS):
            drifted.append(computed["case_id"])
    return drifted


def _normal(value: Any) -> Any:
    """A stored or computed value in one comparable form."""
    if isinstance(value, datetime):
        return _aware(value)
    if isinstance(value, Decimal):
        return value.quantize(Decimal("0.01"))
    if isinstance(value, float):
        return round(value, 6)
    if hasattr(value, "value"):  # an enum member
        return value.value
    return value


def drifted_tallies(connection: sa.Connection, network_id: int) -> list[tuple[Any, ...]]:
    """The keys of the network's report tallies (ReportTally) that differ from what they are
    made from, in order: its fights' figures rows as stored (``drifted_fights`` compares
    those with the records) and its actions carried out."""
    zone = _zone(connection.scalar(select(Network.timezone).where(Network.id == network_id))
                 or "UTC")
    figures: list[Mapping[str, Any]] = [dict(row) for row in connection.execute(
        select(FightFigures.__table__).where(FightFigures.network_id == network_id)).mappings()]
    fresh: dict[Any, list[int]] = {}
    for row in chain(figures, actions_of(connection, None, network_id)):
        for key, sums in tallies.contributions(row, zone).items():
            counted = fresh.setdefault(key, [0, 0, 0, 0])
            for index, amount in enumerate(sums):
                counted[index] += amount
    expected = {key: tuple(sums) for key, sums in fresh.items() if any(sums)}
    stored = {key: sums for key, sums in tallies.stored(connection, network_id).items()
              if any(sums)}
    return sorted(key for key in expected.keys() | stored.keys()
                  if expected.get(key) != stored.get(key))
