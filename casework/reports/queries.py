"""The SQL aggregates behind the figures; each function runs one to three statements."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import (
    Action,
    ActionKind,
    ActionStatus,
    Appeal,
    AppealDirection,
    AppealKind,
    AppealStatus,
    CallAnswer,
    CallListEntry,
    Case,
    DeclineReason,
    FightFigures,
    IssueType,
    OutcomeKind,
    Person,
    Role,
    Target,
    TargetKind,
    User,
    case_team,
)
from casework.reports.figures import (
    CallConversion,
    Count,
    Duration,
    Funnel,
    Load,
    Mobilization,
    Money,
    MoneyRow,
    MonthActivity,
    OrganizerLoad,
    OutcomeRow,
    Outcomes,
    ReliableMember,
    RepeatTarget,
    Timing,
)
from casework.reports.period import Period
from casework.reports.sql import Values, medians
from casework.workflow.deadlines import WATCHED_STATES
from casework.workflow.states import OPEN_STATES, CaseState

WON_KINDS = (OutcomeKind.FULL, OutcomeKind.MORE_THAN_OWED)
DECIDED_KINDS = (*WON_KINDS, OutcomeKind.PARTIAL, OutcomeKind.LOST)
CENT = Decimal("0.01")
RELIABLE_SHOWN = 10
REPEAT_TARGETS_SHOWN = 10


def in_period(column: Any, period: Period) -> sa.ColumnElement[bool]:
    """A moment (UTC) falls on one of the period's local days."""
    return sa.and_(column >= period.starts_at, column < period.ends_at)


def on_days(column: Any, period: Period) -> sa.ColumnElement[bool]:
    """A day (already a local date, such as an outcome's) is one of the period's days."""
    return sa.and_(column >= period.first_day, column <= period.last_day)


def without_jit() -> None:
    """On PostgreSQL, turn JIT compilation off for the rest of this transaction.

    The correlated lookups make the planner guess some report statements costly, so it
    compiles them to machine code first: 0.4 s at 100,000 cases, for statements that then
    run in 0.2 s. The report is a dozen short statements; JIT only slows them down.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL jit = off"))


def money_of(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def number_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


# --- Fights that ended in the period ------------------------------------------------------


def ended_in(network_id: int, period: Period) -> sa.ColumnElement[bool]:
    """The fight is the network's and was won or closed in the period, by the day its outcome
    was decided (read from the figures' (network, ended_on, …) index alone)."""
    return sa.and_(FightFigures.network_id == network_id, on_days(FightFigures.ended_on, period))


def joint_fight() -> sa.ColumnElement[int]:
    """1 for a fight fought with other networks: joined (it has the leading network's name)
    or led (a joint appeal for it was accepted); else 0. Per fight, by two index lookups."""
    joined = (select(Case.joint_with).where(Case.id == FightFigures.case_id)
              .correlate(FightFigures).scalar_subquery())
    led = select(Appeal.id).where(
        Appeal.case_id == FightFigures.case_id, Appeal.direction == AppealDirection.SENT,
        Appeal.kind == AppealKind.JOINT,
        Appeal.status.in_([AppealStatus.ACCEPTED, AppealStatus.ENDED])).exists()
    return sa.case((sa.or_(joined != "", led), 1), else_=0)


def outcomes_and_money(network_id: int, period: Period) -> tuple[Outcomes, Money]:
    """How the period's fights ended (overall, by issue type, by target kind) and the money
    demanded and recovered in those won, partly won or lost: two statements."""
    rows: Sequence[Any] = db.session.execute(
        select(FightFigures.issue_type, FightFigures.target_kind, FightFigures.outcome_kind,
               func.count(), func.sum(FightFigures.demanded),
               func.sum(func.coalesce(FightFigures.recovered, 0)), func.sum(joint_fight()))
        .where(ended_in(network_id, period))
        .group_by(FightFigures.issue_type, FightFigures.target_kind,
                  FightFigures.outcome_kind)).all()
    tallies: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    money_totals: dict[str, list[Any]] = {}
    for issue, target_kind, outcome_kind, count, demanded, recovered, joint in rows:
        kind = OutcomeKind(outcome_kind)
        bucket = outcome_bucket(kind)
        for key in (("all", "all"), ("issue", IssueType(issue).value),
                    ("target", TargetKind(target_kind).value)):
            tallies[key][bucket] += count
            tallies[key]["joint"] += int(joint or 0)
        if kind in DECIDED_KINDS:
            for money_key in ("*", IssueType(issue).value):
                total = money_totals.setdefault(money_key, [0, Decimal(0), Decimal(0), 0])
                total[0] += count
                total[1] += money_of(demanded)
                total[2] += money_of(recovered)
                total[3] += count if bucket != "lost" else 0  # won in full or in part

    def row(group: str, key: str, label: str) -> OutcomeRow:
        tally = tallies.get((group, key), {})
        return OutcomeRow(key, label, tally.get("won", 0), tally.get("partial", 0),
                          tally.get("lost", 0), tally.get("closed", 0), tally.get("joint", 0))

    outcomes = Outcomes(
        overall=row("all", "all", "All fights"),
        by_issue=[row("issue", i.value, i.label) for i in IssueType
                  if ("issue", i.value) in tallies],
        by_target_kind=[row("target", k.value, k.label) for k in TargetKind
                        if ("target", k.value) in tallies],
    )
    return outcomes, money(network_id, period, money_totals)


def outcome_bucket(kind: OutcomeKind) -> str:
    if kind in WON_KINDS:
        return "won"
    if kind == OutcomeKind.PARTIAL:
        return "partial"
    if kind == OutcomeKind.LOST:
        return "lost"
    return "closed"


def money(network_id: int, period: Period, totals: dict[str, list[Any]]) -> Money:
    """The money rows: the totals given (fights decided, demanded, recovered, fights won in
    full or in part), and the medians (one statement)."""
    ended = ended_in(network_id, period)
    decided = FightFigures.outcome_kind.in_(DECIDED_KINDS)
    won = FightFigures.outcome_kind.in_((*WON_KINDS, OutcomeKind.PARTIAL))
    groups: dict[str, Values] = {}
    for key, (fights, _demanded, _recovered, fights_won) in totals.items():
        # "*" and the issue types of the fights decided in the period
        of_issue = FightFigures.issue_type == key if key != "*" else sa.true()
        groups[f"demanded:{key}"] = Values(
            select(FightFigures.demanded).where(ended, decided, of_issue), fights)
        groups[f"recovered:{key}"] = Values(
            select(func.coalesce(FightFigures.recovered, 0)).where(ended, won, of_issue),
            fights_won)
    found = {grp: money_of(median) for grp, median in medians(groups).items()}

    def row(key: str, label: str) -> MoneyRow:
        fights, demanded, recovered, _won = totals.get(key, [0, Decimal(0), Decimal(0), 0])
        return MoneyRow(key, label, fights, money_of(demanded), money_of(recovered),
                        found.get(f"demanded:{key}"), found.get(f"recovered:{key}"))

    return Money(overall=row("*", "All fights"),
                 by_issue=[row(i.value, i.label) for i in IssueType if i.value in totals])


# --- The funnel ---------------------------------------------------------------------------


def funnel(network_id: int, period: Period, overall: OutcomeRow) -> Funnel:
    """Inquiries, each step taken in the period, the outcomes, and why fights were declined."""
    inquiries = db.session.scalar(
        select(func.count()).select_from(Case)
        .where(Case.network_id == network_id, in_period(Case.created_at, period))) or 0
    mine = FightFigures.network_id == network_id

    def step(name: str, column: Any) -> sa.Select[str, int]:
        return (select(sa.literal(name).label("step"), func.count().label("fights"))
                .where(mine, in_period(column, period)))

    steps: dict[str, int] = {name: int(count) for name, count in db.session.execute(
        sa.union_all(step("screened", FightFigures.screened_at),
                     step("proposed", FightFigures.proposed_at),
                     step("taken", FightFigures.taken_at),
                     step("delivered", FightFigures.delivered_at)))}
    reasons: dict[DeclineReason | None, int] = dict(db.session.execute(
        select(FightFigures.decline_reason, func.count())
        .where(mine, in_period(FightFigures.declined_at, period))
        .group_by(FightFigures.decline_reason)).all())
    decline_reasons = [Count(reason.value, reason.label, reasons[reason])
                       for reason in DeclineReason if reasons.get(reason)]
    if reasons.get(None):
        decline_reasons.append(Count("unknown", "No reason recorded", reasons[None]))
    return Funnel(
        inquiries=inquiries, screened=steps.get("screened", 0),
        proposed=steps.get("proposed", 0), taken=steps.get("taken", 0),
        delivered=steps.get("delivered", 0), won=overall.won,
        partial=overall.partial, lost=overall.lost, closed=overall.closed,
        declined=sum(reasons.values()), decline_reasons=decline_reasons,
    )


# --- How long fights take -----------------------------------------------------------------


def timing(network_id: int, period: Period) -> Timing:
    """Median days between the stages, and actions before a win: two statements, the
    measures counted from their indexes, then their middle values read."""
    mine = FightFigures.network_id == network_id
    won = sa.and_(ended_in(network_id, period),
                  FightFigures.outcome_kind.in_([*WON_KINDS, OutcomeKind.PARTIAL]))
    measures: dict[str, list[tuple[Any, sa.ColumnElement[bool]]]] = {
        "decision": [(FightFigures.days_to_decision, sa.and_(
                         mine, in_period(FightFigures.taken_at, period))),
                     (FightFigures.days_to_decision, sa.and_(
                         mine, in_period(FightFigures.declined_at, period)))],
        "delivery": [(FightFigures.days_to_delivery, sa.and_(
                         mine, in_period(FightFigures.delivered_at, period)))],
        "win": [(FightFigures.days_to_win, won)],
        "actions": [(FightFigures.actions_done, won)],
    }
    counts: dict[str, int] = defaultdict(int)
    for key, count in db.session.execute(sa.union_all(*(
            select(sa.literal(key).label("grp"), func.count(column)).where(where)
            for key, parts in measures.items() for column, where in parts))):
        counts[key] += int(count)

    def values(key: str) -> Values:
        statements = [select(column).where(where, column.is_not(None))
                      for column, where in measures[key]]
        return Values(statements[0] if len(statements) == 1 else sa.union_all(*statements),
                      counts[key])

    found = medians({key: values(key) for key in measures})

    def duration(key: str, label: str) -> Duration:
        return Duration(key, label, counts[key], number_or_none(found.get(key)))

    return Timing(
        inquiry_to_decision=duration("decision", "Inquiry to decision (days)"),
        decision_to_delivery=duration("delivery", "Decision to delivery (days)"),
        delivery_to_win=duration("win", "Delivery to win (days)"),
        actions_before_win=duration("actions", "Actions before a win"),
    )


# --- Mobilization -------------------------------------------------------------------------


def mobilization(network_id: int, period: Period, *, include_people: bool) -> Mobilization:
    """Actions carried out per month by kind, turnout, call lists and reliable members."""
    months = period.months()
    month_of = sa.case(*[(Action.starts_at < month.ends_at, index)
                         for index, month in enumerate(months)], else_=len(months) - 1)
    # The period's actions carried out, read once per statement from the network's index.
    done = (select(Action.id, month_of.label("month"), Action.kind, Action.turnout_actual)
            .where(Action.network_id == network_id, Action.status == ActionStatus.DONE,
                   in_period(Action.starts_at, period))
            .cte("done").prefix_with("MATERIALIZED"))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    with_turnout: dict[int, int] = defaultdict(int)
    for index, kind, count, turnouts_recorded in db.session.execute(
            select(done.c.month, done.c.kind, func.count(), func.count(done.c.turnout_actual))
            .group_by(done.c.month, done.c.kind)):
        counts[int(index)][ActionKind(kind).value] = count
        with_turnout[int(index)] += int(turnouts_recorded)

    def turnouts(starts_at: datetime, ends_at: datetime, count: int) -> Values:
        return Values(select(Action.turnout_actual)
                      .where(Action.network_id == network_id, Action.status == ActionStatus.DONE,
                             Action.starts_at >= starts_at, Action.starts_at < ends_at,
                             Action.turnout_actual.is_not(None)), count)

    turnout = medians({"all": turnouts(period.starts_at, period.ends_at,
                                       sum(with_turnout.values())),
                       **{str(index): turnouts(month.starts_at, month.ends_at,
                                               with_turnout[index])
                          for index, month in enumerate(months)}})
    activity = [MonthActivity(month, counts.get(index, {}),
                              number_or_none(turnout.get(str(index))), with_turnout[index])
                for index, month in enumerate(months)]
    totals = {kind: sum(m.by_kind.get(kind.value, 0) for m in activity) for kind in ActionKind}
    kinds = sorted((Count(kind.value, kind.label, total) for kind, total in totals.items()),
                   key=lambda c: -c.count)
    # The call lists read the same actions by the same index, without their months.
    carried_out = (select(Action.id)
                   .where(Action.network_id == network_id, Action.status == ActionStatus.DONE,
                          in_period(Action.starts_at, period)).subquery("carried_out"))
    return Mobilization(
        months=activity, kinds=kinds, actions=sum(totals.values()),
        median_turnout=number_or_none(turnout.get("all")),
        with_turnout=sum(with_turnout.values()),
        calls=call_conversion(carried_out),
        reliable_members=reliable_members(carried_out) if include_people else None,
    )


def call_conversion(done: sa.Subquery) -> CallConversion:
    called = CallListEntry.answer != CallAnswer.NOT_CALLED
    said_yes = CallListEntry.answer == CallAnswer.YES
    came = CallListEntry.is_checked_in.is_(True)
    row = db.session.execute(
        select(func.count(),
               func.coalesce(func.sum(sa.case((called, 1), else_=0)), 0),
               func.coalesce(func.sum(sa.case((said_yes, 1), else_=0)), 0),
               func.coalesce(func.sum(sa.case((came, 1), else_=0)), 0))
        .select_from(done).join(CallListEntry, CallListEntry.action_id == done.c.id)).one()
    return CallConversion(*(int(value) for value in row))


def reliable_members(done: sa.Subquery) -> list[ReliableMember]:
    """Who came most often when they said they would (coordinators only)."""
    said_yes = CallListEntry.answer == CallAnswer.YES
    came = CallListEntry.is_checked_in.is_(True)
    # Tallied per person from the call lists' index first; only the people who may be among
    # the first RELIABLE_SHOWN (those tied with the last of them included, since names break
    # ties) are then looked up for their names.
    tally = (select(CallListEntry.person_id,
                    func.sum(sa.case((said_yes, 1), else_=0)).label("said_yes"),
                    func.sum(sa.case((came, 1), else_=0)).label("came"),
                    func.sum(sa.case((sa.and_(said_yes, came), 1), else_=0)).label("kept"))
             .select_from(done)
             .join(CallListEntry, CallListEntry.action_id == done.c.id)
             .group_by(CallListEntry.person_id)
             .having(func.sum(sa.case((came, 1), else_=0)) > 0)
             .cte("tally").prefix_with("MATERIALIZED"))

    def last_shown(column: Any) -> sa.ColumnElement[Any]:
        """The column's value in the last row shown (-1 when fewer are tallied)."""
        return func.coalesce(
            select(column).order_by(tally.c.kept.desc(), tally.c.came.desc())
            .limit(1).offset(RELIABLE_SHOWN - 1).scalar_subquery(), -1)

    may_be_shown = sa.or_(tally.c.kept > last_shown(tally.c.kept),
                          sa.and_(tally.c.kept == last_shown(tally.c.kept),
                                  tally.c.came >= last_shown(tally.c.came)))
    rows = db.session.execute(
        select(Person.name, tally.c.said_yes, tally.c.came, tally.c.kept)
        .join(Person, Person.id == tally.c.person_id)
        .where(may_be_shown)
        .order_by(tally.c.kept.desc(), tally.c.came.desc(), Person.name, Person.id)
        .limit(RELIABLE_SHOWN)).all()
    return [ReliableMember(name, int(yes), int(came_count), int(kept_count))
            for name, yes, came_count, kept_count in rows]


# --- Load ---------------------------------------------------------------------------------


def load(network_id: int, period: Period, today: date, *, include_people: bool) -> Load:
    """Open fights today, those past their deadline, per organizer, and repeat offenders."""
    is_open = Case.state.in_(OPEN_STATES)
    late = sa.and_(Case.deadline_on < today, Case.state.in_(WATCHED_STATES))
    open_fights, past_deadline = db.session.execute(
        select(func.count(), func.coalesce(func.sum(sa.case((late, 1), else_=0)), 0))
        .where(Case.network_id == network_id, is_open)).one()
    per_organizer = None
    if include_people:
        # Led by the network's open fights (their (network, state) index), each one's team
        # read through the team's primary key: "+ 0" keeps SQLite from reading the whole
        # team table first and looking each membership's fight up.
        team_late = sa.and_(Case.deadline_on < today, Case.state.in_(WATCHED_STATES))
        carried = (select(case_team.c.user_id, func.count().label("fights"),
                          func.sum(sa.case((team_late, 1), else_=0)).label("late"))
                   .select_from(Case)
                   .join(case_team, case_team.c.case_id == Case.id + 0)
                   .where(Case.network_id == network_id, is_open)
                   .group_by(case_team.c.user_id).subquery())
        fights_carried = func.coalesce(carried.c.fights, 0)
        rows = db.session.execute(
            select(User.name, fights_carried, func.coalesce(carried.c.late, 0))
            .outerjoin(carried, carried.c.user_id == User.id)
            .where(User.network_id == network_id, User.is_disabled.is_(False),
                   User.role.in_([Role.ORGANIZER, Role.COORDINATOR]))
            .order_by(fights_carried.desc(), User.name)).all()
        per_organizer = [OrganizerLoad(name, int(count), int(late_count))
                         for name, count, late_count in rows]
    # Counted per target from the (network, created_at, target, state) index first; only
    # targets of two fights or more are then looked up.
    won = func.sum(sa.case((Case.state == CaseState.WON, 1), else_=0))
    per_target = (select(Case.target_id, func.count().label("fights"), won.label("won"))
                  .where(Case.network_id == network_id, in_period(Case.created_at, period))
                  .group_by(Case.target_id).having(func.count() >= 2).subquery())
    repeat = db.session.execute(
        select(Target.name, Target.kind, per_target.c.fights, per_target.c.won)
        .join(Target, Target.id == per_target.c.target_id)
        .order_by(per_target.c.fights.desc(), Target.name)
        .limit(REPEAT_TARGETS_SHOWN)).all()
    return Load(
        open_fights=int(open_fights), past_deadline=int(past_deadline),
        per_organizer=per_organizer,
        repeat_targets=[RepeatTarget(name, TargetKind(kind).label, int(count), int(won_count))
                        for name, kind, count, won_count in repeat],
    )
