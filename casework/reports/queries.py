"""The SQL aggregates behind the figures; each function runs one to three statements."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
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
from casework.reports.sql import medians
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


def of_network(network_id: int) -> sa.ColumnElement[bool]:
    """The fight is the network's, for queries led by a dated row (an action), joined to
    the fight's narrow figures row rather than to its wide case row.

    On SQLite, which keeps no statistics, ``+ 0`` stops it from reading all of the network's
    cases by the network index instead of the period's rows by their date index.
    PostgreSQL's planner knows how many cases a network has, and needs the plain column to
    use that knowledge.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        return (FightFigures.network_id + 0) == network_id
    return FightFigures.network_id == network_id


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


def ended_fights(network_id: int, period: Period) -> sa.CTE:
    """One row per fight won or closed in the period, by the day its outcome was decided,
    with that outcome and its money.

    Materialized: each statement reading it finds the period's fights once, by the figures'
    (network, ended_on) index, whatever it then groups by.
    """
    # The target's kind is looked up per fight, so that no planner starts from the targets.
    target_kind = (select(Target.kind).join(Case, Case.target_id == Target.id)
                   .where(Case.id == FightFigures.case_id)
                   .correlate(FightFigures).scalar_subquery())
    return (
        select(FightFigures.case_id, FightFigures.issue_type, target_kind.label("target_kind"),
               joint_fight().label("joint"),
               FightFigures.outcome_kind, FightFigures.demanded,
               func.coalesce(FightFigures.recovered, 0).label("recovered"))
        .where(FightFigures.network_id == network_id, on_days(FightFigures.ended_on, period))
        .cte("ended").prefix_with("MATERIALIZED")
    )


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


def outcomes_and_money(ended: sa.CTE) -> tuple[Outcomes, Money]:
    """How the period's fights ended (overall, by issue type, by target kind) and the money
    demanded and recovered in those won, partly won or lost: two statements."""
    rows = db.session.execute(
        select(ended.c.issue_type, ended.c.target_kind, ended.c.outcome_kind, func.count(),
               func.sum(ended.c.demanded), func.sum(ended.c.recovered), func.sum(ended.c.joint))
        .group_by(ended.c.issue_type, ended.c.target_kind, ended.c.outcome_kind)).all()
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
                total = money_totals.setdefault(money_key, [0, Decimal(0), Decimal(0)])
                total[0] += count
                total[1] += money_of(demanded)
                total[2] += money_of(recovered)

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
    return outcomes, money(ended, money_totals)


def outcome_bucket(kind: OutcomeKind) -> str:
    if kind in WON_KINDS:
        return "won"
    if kind == OutcomeKind.PARTIAL:
        return "partial"
    if kind == OutcomeKind.LOST:
        return "lost"
    return "closed"


def money(ended: sa.CTE, totals: dict[str, list[Any]]) -> Money:
    """The money rows: the totals given, and the medians (one statement)."""
    decided = ended.c.outcome_kind.in_([k.value for k in DECIDED_KINDS])
    won = ended.c.outcome_kind.in_([k.value for k in (*WON_KINDS, OutcomeKind.PARTIAL)])
    issue = sa.type_coerce(ended.c.issue_type, sa.String)
    rows = sa.union_all(
        select((sa.literal("demanded:") + issue).label("grp"),
               ended.c.demanded.label("value")).where(decided),
        select(sa.literal("demanded:*").label("grp"), ended.c.demanded.label("value"))
        .where(decided),
        select((sa.literal("recovered:") + issue).label("grp"),
               ended.c.recovered.label("value")).where(won),
        select(sa.literal("recovered:*").label("grp"), ended.c.recovered.label("value"))
        .where(won),
    ).subquery()
    found = {grp: money_of(value) for grp, value, _ in db.session.execute(medians(rows))}

    def row(key: str, label: str) -> MoneyRow:
        fights, demanded, recovered = totals.get(key, [0, Decimal(0), Decimal(0)])
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
    """Median days between the stages, and actions before a win, in one statement."""
    mine = FightFigures.network_id == network_id
    won = sa.and_(mine, on_days(FightFigures.ended_on, period),
                  FightFigures.outcome_kind.in_([*WON_KINDS, OutcomeKind.PARTIAL]))

    def measure(group: str, value: Any, *where: sa.ColumnElement[bool]) -> sa.Select[Any]:
        return select(sa.literal(group).label("grp"), value.label("value")).where(*where)

    days_to_decision = FightFigures.days_to_decision
    rows = sa.union_all(
        measure("decision", days_to_decision, mine, in_period(FightFigures.taken_at, period)),
        measure("decision", days_to_decision, mine, in_period(FightFigures.declined_at, period)),
        measure("delivery", FightFigures.days_to_delivery, mine,
                in_period(FightFigures.delivered_at, period)),
        measure("win", FightFigures.days_to_win, won),
        measure("actions", sa.cast(FightFigures.actions_done, sa.Float), won),
    ).subquery()
    found = {grp: (int(n), float(median)) for grp, median, n in db.session.execute(medians(rows))}

    def duration(key: str, label: str) -> Duration:
        fights, median = found.get(key, (0, None))
        return Duration(key, label, fights, median)

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
    # The period's actions carried out, found once per statement by the starts_at index.
    done = (select(Action.id, month_of.label("month"), Action.kind, Action.turnout_actual)
            .join(FightFigures, FightFigures.case_id == Action.case_id)
            .where(of_network(network_id), Action.status == ActionStatus.DONE,
                   in_period(Action.starts_at, period))
            .cte("done").prefix_with("MATERIALIZED"))
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for index, kind, count in db.session.execute(
            select(done.c.month, done.c.kind, func.count()).group_by(done.c.month, done.c.kind)):
        counts[int(index)][ActionKind(kind).value] = count
    turnout_rows = sa.union_all(
        select(done.c.month.label("grp"), done.c.turnout_actual.label("value")),
        select(sa.literal(-1).label("grp"), done.c.turnout_actual.label("value")),
    ).subquery()
    turnout = {int(grp): (number_or_none(median), int(n))
               for grp, median, n in db.session.execute(medians(turnout_rows))}
    activity = [MonthActivity(month, counts.get(index, {}), *turnout.get(index, (None, 0)))
                for index, month in enumerate(months)]
    totals = {kind: sum(m.by_kind.get(kind.value, 0) for m in activity) for kind in ActionKind}
    kinds = sorted((Count(kind.value, kind.label, total) for kind, total in totals.items()),
                   key=lambda c: -c.count)
    median_turnout, with_turnout = turnout.get(-1, (None, 0))
    return Mobilization(
        months=activity, kinds=kinds, actions=sum(totals.values()),
        median_turnout=median_turnout, with_turnout=with_turnout,
        calls=call_conversion(done),
        reliable_members=reliable_members(done) if include_people else None,
    )


def call_conversion(done: sa.CTE) -> CallConversion:
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


def reliable_members(done: sa.CTE) -> list[ReliableMember]:
    """Who came most often when they said they would (coordinators only)."""
    said_yes = CallListEntry.answer == CallAnswer.YES
    came = CallListEntry.is_checked_in.is_(True)
    # Tallied per person from the call lists' index first; only the people who came are
    # then looked up for their names.
    tally = (select(CallListEntry.person_id,
                    func.sum(sa.case((said_yes, 1), else_=0)).label("said_yes"),
                    func.sum(sa.case((came, 1), else_=0)).label("came"),
                    func.sum(sa.case((sa.and_(said_yes, came), 1), else_=0)).label("kept"))
             .select_from(done)
             .join(CallListEntry, CallListEntry.action_id == done.c.id)
             .group_by(CallListEntry.person_id)
             .having(func.sum(sa.case((came, 1), else_=0)) > 0)
             .subquery())
    rows = db.session.execute(
        select(Person.name, tally.c.said_yes, tally.c.came, tally.c.kept)
        .join(Person, Person.id == tally.c.person_id)
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
