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
    CallAnswer,
    CallListEntry,
    Case,
    DeclineReason,
    Delivery,
    Demand,
    DemandKind,
    Event,
    IssueType,
    Outcome,
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
from casework.reports.sql import days_between, medians
from casework.workflow.deadlines import WATCHED_STATES
from casework.workflow.states import OPEN_STATES, CaseState

WON_KINDS = (OutcomeKind.FULL, OutcomeKind.MORE_THAN_OWED)
DECIDED_KINDS = (*WON_KINDS, OutcomeKind.PARTIAL, OutcomeKind.LOST)
CENT = Decimal("0.01")
RELIABLE_SHOWN = 10
REPEAT_TARGETS_SHOWN = 10


def in_period(column: Any, period: Period) -> sa.ColumnElement[bool]:
    return sa.and_(column >= period.starts_at, column < period.ends_at)


def of_network(network_id: int) -> sa.ColumnElement[bool]:
    """The case is the network's, for queries led by a dated row (event, delivery, action).

    On SQLite, which keeps no statistics, ``+ 0`` stops it from reading all of the network's
    cases by the network index instead of the period's rows by their date index.
    PostgreSQL's planner knows how many cases a network has, and needs the plain column to
    use that knowledge.
    """
    if db.session.get_bind().dialect.name == "sqlite":
        return (Case.network_id + 0) == network_id
    return Case.network_id == network_id


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
    """One row per fight won or closed in the period, with its latest outcome and money.

    Materialized: each statement reading it finds the period's fights once, by the board
    index (network, state, state_changed_at), whatever it then groups by.
    """
    latest_outcome = (select(func.max(Outcome.id)).where(Outcome.case_id == Case.id)
                      .correlate(Case).scalar_subquery())
    demanded = (select(func.sum(Demand.amount))
                .where(Demand.case_id == Case.id, Demand.kind == DemandKind.MONEY)
                .correlate(Case).scalar_subquery())
    return (
        select(Case.id.label("case_id"), Case.issue_type, Target.kind.label("target_kind"),
               Outcome.kind.label("outcome_kind"),
               func.coalesce(demanded, Case.amount_claimed, 0).label("demanded"),
               func.coalesce(Outcome.amount_recovered, 0).label("recovered"))
        .join(Target, Target.id == Case.target_id)
        .join(Outcome, Outcome.id == latest_outcome)
        .where(Case.network_id == network_id,
               Case.state.in_([CaseState.WON, CaseState.CLOSED]),
               in_period(Case.state_changed_at, period))
        .cte("ended").prefix_with("MATERIALIZED")
    )


def outcomes_and_money(ended: sa.CTE) -> tuple[Outcomes, Money]:
    """How the period's fights ended (overall, by issue type, by target kind) and the money
    demanded and recovered in those won, partly won or lost: two statements."""
    rows = db.session.execute(
        select(ended.c.issue_type, ended.c.target_kind, ended.c.outcome_kind, func.count(),
               func.sum(ended.c.demanded), func.sum(ended.c.recovered))
        .group_by(ended.c.issue_type, ended.c.target_kind, ended.c.outcome_kind)).all()
    tallies: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    money_totals: dict[str, list[Any]] = {}
    for issue, target_kind, outcome_kind, count, demanded, recovered in rows:
        kind = OutcomeKind(outcome_kind)
        bucket = outcome_bucket(kind)
        for key in (("all", "all"), ("issue", IssueType(issue).value),
                    ("target", TargetKind(target_kind).value)):
            tallies[key][bucket] += count
        if kind in DECIDED_KINDS:
            for money_key in ("*", IssueType(issue).value):
                total = money_totals.setdefault(money_key, [0, Decimal(0), Decimal(0)])
                total[0] += count
                total[1] += money_of(demanded)
                total[2] += money_of(recovered)

    def row(group: str, key: str, label: str) -> OutcomeRow:
        tally = tallies.get((group, key), {})
        return OutcomeRow(key, label, tally.get("won", 0), tally.get("partial", 0),
                          tally.get("lost", 0), tally.get("closed", 0))

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
    moves: dict[str | None, int] = dict(db.session.execute(
        select(Event.trigger, func.count(sa.distinct(Event.case_id)))
        .join(Case, Case.id == Event.case_id)
        .where(Event.trigger.in_(["screen", "propose", "accept"]),
               in_period(Event.created_at, period), of_network(network_id))
        .group_by(Event.trigger)).all())
    delivered = db.session.scalar(
        select(func.count(sa.distinct(Delivery.case_id)))
        .join(Case, Case.id == Delivery.case_id)
        .where(of_network(network_id), in_period(Delivery.delivered_at, period))) or 0
    reasons: dict[DeclineReason | None, int] = dict(db.session.execute(
        select(Case.decline_reason, func.count())
        .where(Case.network_id == network_id, Case.state == CaseState.DECLINED,
               in_period(Case.state_changed_at, period))
        .group_by(Case.decline_reason)).all())
    decline_reasons = [Count(reason.value, reason.label, reasons[reason])
                       for reason in DeclineReason if reasons.get(reason)]
    if reasons.get(None):
        decline_reasons.append(Count("unknown", "No reason recorded", reasons[None]))
    return Funnel(
        inquiries=inquiries, screened=moves.get("screen", 0), proposed=moves.get("propose", 0),
        taken=moves.get("accept", 0), delivered=delivered, won=overall.won,
        partial=overall.partial, lost=overall.lost, closed=overall.closed,
        declined=sum(reasons.values()), decline_reasons=decline_reasons,
    )


# --- How long fights take -----------------------------------------------------------------


def timing(network_id: int, period: Period) -> Timing:
    """Median days between the stages, and actions before a win, in one statement."""
    mine = Case.network_id == network_id
    # Each fight's first acceptance and delivery, read through its own (case_id, id) index:
    # "|| ''" keeps SQLite off the (trigger, created_at) index, which would scan every
    # acceptance for every fight.
    first_accept = (select(Event.created_at)
                    .where(Event.case_id == Case.id, (Event.trigger + "") == "accept")
                    .order_by(Event.id).limit(1).correlate(Case).scalar_subquery())
    first_delivery = (select(Delivery.delivered_at).where(Delivery.case_id == Case.id)
                      .order_by(Delivery.id).limit(1).correlate(Case).scalar_subquery())
    latest_outcome = (select(Outcome.kind).where(Outcome.case_id == Case.id)
                      .order_by(Outcome.id.desc()).limit(1).correlate(Case).scalar_subquery())
    actions_done = (select(func.count()).select_from(Action)
                    .where(Action.case_id == Case.id, Action.status == ActionStatus.DONE)
                    .correlate(Case).scalar_subquery())
    won_in_period = sa.and_(mine, Case.state == CaseState.WON,
                            in_period(Case.state_changed_at, period),
                            latest_outcome.in_([*WON_KINDS, OutcomeKind.PARTIAL]))
    rows = sa.union_all(
        select(sa.literal("decision").label("grp"),
               days_between(Case.created_at, Event.created_at).label("value"))
        .select_from(Event).join(Case, Case.id == Event.case_id)
        .where(of_network(network_id), Event.trigger == "accept",
               in_period(Event.created_at, period)),
        select(sa.literal("decision").label("grp"),
               days_between(Case.created_at, Case.state_changed_at).label("value"))
        .where(mine, Case.state == CaseState.DECLINED, in_period(Case.state_changed_at, period)),
        select(sa.literal("delivery").label("grp"),
               days_between(first_accept, Delivery.delivered_at).label("value"))
        .select_from(Delivery).join(Case, Case.id == Delivery.case_id)
        .where(of_network(network_id), in_period(Delivery.delivered_at, period)),
        select(sa.literal("win").label("grp"),
               days_between(first_delivery, Case.state_changed_at).label("value"))
        .where(won_in_period),
        select(sa.literal("actions").label("grp"), sa.cast(actions_done, sa.Float).label("value"))
        .where(won_in_period),
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
            .join(Case, Case.id == Action.case_id)
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
    kept = func.sum(sa.case((sa.and_(said_yes, came), 1), else_=0))
    present = func.sum(sa.case((came, 1), else_=0))
    rows = db.session.execute(
        select(Person.name, func.sum(sa.case((said_yes, 1), else_=0)), present, kept)
        .select_from(done)
        .join(CallListEntry, CallListEntry.action_id == done.c.id)
        .join(Person, Person.id == CallListEntry.person_id)
        .group_by(Person.id, Person.name)
        .having(present > 0)
        .order_by(kept.desc(), present.desc(), Person.name, Person.id)
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
        on_team = (select(case_team.c.user_id, Case.deadline_on, Case.state)
                   .join(Case, Case.id == case_team.c.case_id)
                   .where(Case.network_id == network_id, is_open).subquery())
        team_late = sa.and_(on_team.c.deadline_on < today,
                            on_team.c.state.in_(WATCHED_STATES))
        rows = db.session.execute(
            select(User.name, func.count(on_team.c.user_id),
                   func.coalesce(func.sum(sa.case((team_late, 1), else_=0)), 0))
            .outerjoin(on_team, on_team.c.user_id == User.id)
            .where(User.network_id == network_id, User.is_disabled.is_(False),
                   User.role.in_([Role.ORGANIZER, Role.COORDINATOR]))
            .group_by(User.id, User.name)
            .order_by(func.count(on_team.c.user_id).desc(), User.name)).all()
        per_organizer = [OrganizerLoad(name, int(count), int(late_count))
                         for name, count, late_count in rows]
    fights = func.count()
    won = func.coalesce(func.sum(sa.case((Case.state == CaseState.WON, 1), else_=0)), 0)
    repeat = db.session.execute(
        select(Target.name, Target.kind, fights, won)
        .join(Target, Target.id == Case.target_id)
        .where(Case.network_id == network_id, in_period(Case.created_at, period))
        .group_by(Target.id, Target.name, Target.kind)
        .having(fights >= 2)
        .order_by(fights.desc(), Target.name)
        .limit(REPEAT_TARGETS_SHOWN)).all()
    return Load(
        open_fights=int(open_fights), past_deadline=int(past_deadline),
        per_organizer=per_organizer,
        repeat_targets=[RepeatTarget(name, TargetKind(kind).label, int(count), int(won_count))
                        for name, kind, count, won_count in repeat],
    )
