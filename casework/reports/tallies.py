"""The reports' tallies (ReportTally): each network's fights added up per local month and day.

A fight adds to a few tallies: the day it was screened, proposed, taken on, delivered
and declined (with the reason), how it ended (by issue type, target kind and outcome, with
the money demanded and recovered and whether it was joint), and, for each measure whose
median the report shows (days to a decision, to the delivery, to the win, the money, the
actions before a win), one count in the bucket its value falls in. Each goes to its local
month's row and its local day's row.

A report reads its period's whole months from the month rows and the days of a partial
month at either end from the day rows (``read``). A median is found by counting through the
buckets to the one holding the middle value(s), then reading only that bucket's values in
the period, in order (``medians``): exact, and bounded by the bucket, not the period.

``refresh_fight_figures`` adds the difference between a fight's old and new figures rows
(``apply_change``); ``rebuild_fight_figures`` rebuilds them (``rebuild``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any, cast
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from casework.extensions import db
from casework.models import OutcomeKind, ReportTally
from casework.reports.period import Period

WON_KINDS = (OutcomeKind.FULL, OutcomeKind.MORE_THAN_OWED)
WON_OR_PARTIAL = (*WON_KINDS, OutcomeKind.PARTIAL)
DECIDED_KINDS = (*WON_OR_PARTIAL, OutcomeKind.LOST)
STEPS = ("screened", "proposed", "taken", "delivered")
SUMS = ("fights", "demanded_cents", "recovered_cents", "joint")
KEY = ("network_id", "grain", "day", "tally", "grp", "bucket")

Key = tuple[int, str, date, str, str, int]


def bucket(value: Any) -> int | None:
    """The bucket of a measure's value; larger values, larger buckets: -1 below 0, 0 for 0
    exactly (its median needs no reading), 1 between 0 and 1, then eight buckets per
    doubling (from 2^k, in steps of 2^k / 8)."""
    if value is None:
        return None
    if value <= 0:
        return 0 if value == 0 else -1
    if value < 1:
        return 1
    power = int(value).bit_length() - 1
    return 2 + 8 * power + int(8 * value) // 2 ** power - 8


def cents(amount: Any) -> int:
    return int((Decimal(str(amount or 0)) * 100).to_integral_value())


def _value(member: Any) -> str:
    return "" if member is None else str(getattr(member, "value", member))


def contributions(row: Mapping[str, Any], zone: ZoneInfo) -> dict[Key, list[int]]:
    """What one fight's figures row (or one action carried out) adds to its network's
    tallies."""
    found: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    network = row["network_id"]

    def add(tally: str, day: date, grp: str = "", bucket: int = 0,
            sums: tuple[int, int, int, int] = (1, 0, 0, 0)) -> None:
        for grain, first in (("m", day.replace(day=1)), ("d", day)):
            counted = found[(network, grain, first, tally, grp, bucket)]
            for index, amount in enumerate(sums):
                counted[index] += amount

    def local(moment: datetime | None) -> date | None:
        return moment.astimezone(zone).date() if moment is not None else None

    if row.get("action"):  # an action carried out: casework/reports/action_tallies.py
        day = row["starts_at"].astimezone(zone).date()
        add("action", day, _value(row["kind"]))
        if row["turnout_actual"] is not None:
            add("turnout", day, bucket=int(row["turnout_actual"]))
        for name in ("listed", "called", "said_yes", "came"):
            if row[name]:
                add(name, day, sums=(int(row[name]), 0, 0, 0))
        return found
    for step in STEPS:
        day = row["delivered_on"] if step == "delivered" else local(row[f"{step}_at"])
        if day is not None:
            add(step, day)
    declined = local(row["declined_at"])
    if declined is not None:
        add("declined", declined, _value(row["decline_reason"]))
    if row["days_to_decision"] is not None:
        for moment in (row["taken_at"], row["declined_at"]):
            if moment is not None:
                add("decision", local(moment), bucket=row["decision_bucket"])  # type: ignore[arg-type]
    if row["days_to_delivery"] is not None and row["delivered_on"] is not None:
        add("delivery", row["delivered_on"], bucket=row["delivery_bucket"])
    ended, kind = row["ended_on"], row["outcome_kind"]
    if ended is not None and kind is not None:
        kind = OutcomeKind(_value(kind))
        issue = _value(row["issue_type"])
        add("ended", ended, f"{issue}|{_value(row['target_kind'])}|{kind.value}",
            sums=(1, cents(row["demanded"]), cents(row["recovered"]), int(bool(row["is_joint"]))))
        if kind in DECIDED_KINDS:
            add("demanded", ended, issue, row["demanded_bucket"])
        if kind in WON_OR_PARTIAL:
            add("recovered", ended, issue, row["recovered_bucket"])
            add("actions", ended, bucket=int(row["actions_done"]))
            if row["days_to_win"] is not None:
                add("win", ended, bucket=row["win_bucket"])
    return found


def with_buckets(row: dict[str, Any]) -> dict[str, Any]:
    """The figures row with the buckets of its measures filled in."""
    row["decision_bucket"] = bucket(row["days_to_decision"])
    row["delivery_bucket"] = bucket(row["days_to_delivery"])
    row["win_bucket"] = bucket(row["days_to_win"])
    row["demanded_bucket"] = bucket(row["demanded"])
    row["recovered_bucket"] = bucket(row["recovered"] or 0)
    return row


def _upsert(connection: sa.Connection, table: sa.Table, changes: list[dict[str, Any]]) -> None:
    """Add each change's sums to its row (made when missing), keys in order (no deadlock)."""
    if not changes:
        return
    dialect = connection.dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    statement = insert.on_conflict_do_update(
        index_elements=[table.c[name] for name in KEY],
        set_={name: table.c[name] + insert.excluded[name] for name in SUMS})
    connection.execute(statement, sorted(changes, key=lambda c: tuple(c[k] for k in KEY)))


# The first of the two keys of PostgreSQL's advisory locks taken on a network's tallies.
TALLY_LOCK_CLASS = 0x7461_6C79  # "taly"


def _queue_behind_other_writers(connection: sa.Connection, network_ids: set[int]) -> None:
    """On PostgreSQL, hold the networks' tally lock until the transaction ends.

    One flush updates its tally rows in key order, but a transaction may flush several
    times (a case, then its actions): two writers of one network could each hold a month
    row the other wants next, and PostgreSQL would abort one of them. Writers of a
    network's tallies take its lock first instead, so the second waits for the first to
    commit. SQLite has one writer at a time anyway."""
    if connection.dialect.name != "postgresql":
        return
    for network_id in sorted(network_ids):
        connection.execute(sa.select(sa.func.pg_advisory_xact_lock(TALLY_LOCK_CLASS,
                                                                   network_id)))


def apply_change(connection: sa.Connection, before: Iterable[Mapping[str, Any]],
                 after: Iterable[Mapping[str, Any]], zone: ZoneInfo) -> None:
    """Fights' figures rows changed from ``before`` to ``after``: the tallies follow."""
    change: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for rows, sign in ((before, -1), (after, 1)):
        for row in rows:
            for key, sums in contributions(row, zone).items():
                for index, amount in enumerate(sums):
                    change[key][index] += sign * amount
    table = cast(sa.Table, ReportTally.__table__)
    changed = {key: sums for key, sums in change.items() if any(sums)}
    if not changed:
        return
    _queue_behind_other_writers(connection, {key[0] for key in changed})
    _upsert(connection, table,
            [{**dict(zip(KEY, key, strict=True)), **dict(zip(SUMS, sums, strict=True))}
             for key, sums in changed.items()])
    # The rows these changes brought to nothing go (a rebuild would not write them).
    connection.execute(sa.delete(table).where(
        sa.tuple_(*(table.c[name] for name in KEY)).in_(sorted(changed)),
        table.c.fights == 0, table.c.demanded_cents == 0, table.c.recovered_cents == 0,
        table.c.joint == 0))


def rebuild(connection: sa.Connection, rows: Iterable[tuple[Mapping[str, Any], ZoneInfo]],
            network_id: int | None, table: sa.Table | None = None) -> None:
    """Write the tallies of a network (or of every network) anew from its figures rows."""
    if table is None:
        table = cast(sa.Table, ReportTally.__table__)
    connection.execute(sa.delete(table).where(
        table.c.network_id == network_id if network_id is not None else sa.true()))
    total: dict[Key, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for row, zone in rows:
        for key, sums in contributions(row, zone).items():
            counted = total[key]
            for index, amount in enumerate(sums):
                counted[index] += amount
    batch = [{**dict(zip(KEY, key, strict=True)), **dict(zip(SUMS, sums, strict=True))}
             for key, sums in total.items()]
    for start in range(0, len(batch), 5_000):
        connection.execute(sa.insert(table), batch[start:start + 5_000])


def stored(connection: sa.Connection, network_id: int) -> dict[Key, tuple[int, ...]]:
    """A network's tallies as stored (tests and the consistency check compare them)."""
    table = cast(sa.Table, ReportTally.__table__)
    return {cast(Key, tuple(row[:6])): tuple(row[6:])
            for row in connection.execute(
                sa.select(*(table.c[n] for n in (*KEY, *SUMS)))
                .where(table.c.network_id == network_id))}


# --- Reading a period ---------------------------------------------------------------------


def _ranges(period: Period) -> list[tuple[str, date, date]]:
    """The rows a period reads, as (grain, first day, last day) ranges: the month rows of
    its whole months and the day rows of its other days (a partial month at either end)."""
    first, last = period.first_day, period.last_day
    months_from = first if first.day == 1 else _next_month(first)
    after = last + timedelta(days=1)
    months_until = after if after.day == 1 else last.replace(day=1)  # exclusive
    if months_from >= months_until:
        return [("d", first, last)]
    ranges = [("m", months_from, months_until - timedelta(days=1))]
    if first < months_from:
        ranges.append(("d", first, months_from - timedelta(days=1)))
    if months_until <= last:
        ranges.append(("d", months_until, last))
    return ranges


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


@dataclass(frozen=True)
class Tallied:
    """One tally's group's (and bucket's) sums over the period (or over one of its months:
    ``month`` is then its first day)."""

    tally: str
    grp: str
    bucket: int
    fights: int
    demanded: Decimal
    recovered: Decimal
    joint: int
    month: date | None = None


def read(network_id: int, period: Period, tallies: Iterable[str],
         by_month: bool = False) -> list[Tallied]:
    """The named tallies' sums over the period (or over each of its months), per group and
    bucket: one statement."""
    t = ReportTally
    if by_month:
        return _read_by_month(network_id, period, list(tallies))
    # One range of the primary key (network, grain, day, …) per part, added up after.
    parts = [sa.select(t.tally, t.grp, t.bucket, t.fights, t.demanded_cents,
                       t.recovered_cents, t.joint)
             .where(t.network_id == network_id, t.grain == grain, t.day >= first,
                    t.day <= last, t.tally.in_(list(tallies)))
             for grain, first, last in _ranges(period)]
    found = (parts[0] if len(parts) == 1 else sa.union_all(*parts)).subquery()
    rows = db.session.execute(
        sa.select(found.c.tally, found.c.grp, found.c.bucket, sa.func.sum(found.c.fights),
                  sa.func.sum(found.c.demanded_cents), sa.func.sum(found.c.recovered_cents),
                  sa.func.sum(found.c.joint))
        .group_by(found.c.tally, found.c.grp, found.c.bucket))
    return [Tallied(tally, grp, int(bucket_), int(fights), Decimal(int(demanded)) / 100,
                    Decimal(int(recovered)) / 100, int(joint))
            for tally, grp, bucket_, fights, demanded, recovered, joint in rows
            if fights]


def _read_by_month(network_id: int, period: Period, tallies: list[str]) -> list[Tallied]:
    """As ``read``, per month of the period (the day rows of a partial month added up)."""
    t = ReportTally
    parts = [sa.select(t.day, t.tally, t.grp, t.bucket, sa.func.sum(t.fights))
             .where(t.network_id == network_id, t.grain == grain, t.day >= first,
                    t.day <= last, t.tally.in_(tallies))
             .group_by(t.day, t.tally, t.grp, t.bucket)
             for grain, first, last in _ranges(period)]
    statement = parts[0] if len(parts) == 1 else sa.union_all(*parts)
    summed: dict[tuple[date, str, str, int], int] = defaultdict(int)
    for day, tally, grp, bucket_, fights in db.session.execute(statement):
        summed[(day.replace(day=1), tally, grp, int(bucket_))] += int(fights)
    return [Tallied(tally, grp, bucket_, fights, Decimal(0), Decimal(0), 0, month)
            for (month, tally, grp, bucket_), fights in summed.items() if fights]


@dataclass(frozen=True)
class Measure:
    """A measure whose median the report shows: its value, the bucket column, and which
    fights of a period it is taken over (one or more ranges of the figures rows)."""

    value: Any
    bucket: Any
    wheres: list[sa.ColumnElement[bool]]
    exact: bool = False  # the bucket is the value itself (nothing to read)
    money: bool = False  # an amount (its median exact in Decimal), else a number of days


def medians(counts: Mapping[str, tuple[Measure, Mapping[int, int]]]) -> dict[str, Any]:
    """Each measure's median, by key, from its values' counts per bucket: the bucket(s)
    holding the middle value(s) found by counting, then those values read in order within
    their bucket (one statement for every measure). Measures without values are left out."""
    wanted: dict[str, list[tuple[int, int]]] = {}
    parts = []
    for key, (measure, per_bucket) in counts.items():
        total = sum(per_bucket.values())
        if total <= 0:
            continue
        places = []
        for position in sorted({(total - 1) // 2, total // 2}):
            seen = 0
            for found in sorted(per_bucket):
                if position < seen + per_bucket[found]:
                    places.append((found, position - seen))
                    break
                seen += per_bucket[found]
        wanted[key] = places
        to_read = [(index, found, rank) for index, (found, rank) in enumerate(places)
                   if not measure.exact and found != 0]
        if len(to_read) == 2 and to_read[0][1] == to_read[1][1]:  # both in one bucket
            to_read = [(-1, to_read[0][1], to_read[0][2])]
        for index, found, rank in to_read:
            count = 2 if index < 0 else 1
            if len(measure.wheres) == 1:  # one range: sorted as read
                middle = (sa.select(measure.value.label("value"))
                          .where(measure.wheres[0], measure.bucket == found)
                          .order_by(measure.value).limit(count).offset(rank).subquery())
            else:
                values = sa.union_all(*(sa.select(measure.value.label("value"))
                                        .where(where, measure.bucket == found)
                                        for where in measure.wheres)).subquery()
                middle = (sa.select(values.c.value).order_by(values.c.value)
                          .limit(count).offset(rank).subquery())
            parts.append(sa.select(sa.literal(f"{key}#{index}").label("place"),
                                   sa.func.avg(middle.c.value).label("value")))
    read_values: dict[str, Any] = {}
    if parts:
        statement = parts[0] if len(parts) == 1 else sa.union_all(*parts)
        read_values = {place: value for place, value in db.session.execute(statement)}
    found_medians: dict[str, Any] = {}
    for key, places in wanted.items():
        measure = counts[key][0]
        if f"{key}#-1" in read_values:  # the two middle values' mean, read at once
            raw = [read_values[f"{key}#-1"]]
        else:
            raw = [found if measure.exact or found == 0 else read_values[f"{key}#{i}"]
                   for i, (found, _rank) in enumerate(places)]
        if measure.money:
            found_medians[key] = sum((Decimal(str(v)) for v in raw), Decimal(0)) / len(raw)
        else:
            found_medians[key] = sum(float(v) for v in raw) / len(raw)
    return found_medians
