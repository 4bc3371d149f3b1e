"""The SQL aggregates behind the figures; each function runs one to three statements."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, select

from casework.cases.queries import is_past_deadline
from casework.extensions import db
from casework.models import (
    Action,
    ActionKind,
    ActionStatus,
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
from casework.reports import tallies
from casework.reports.action_tallies import CALLS
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
    run in 0.2 s. The report is a dozen short statements; JIT only slows them down. So do
    parallel workers, on a machine whose few cores are busy: starting them costs more than
    the few thousand rows they would share.
    """
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL jit = off"))
        db.session.execute(sa.text("SET LOCAL max_parallel_workers_per_gather = 0"))


def money_of(value: Any) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def number_or_none(value: Any) -> float | None:
    return None if value is None else float(value)


# --- Fights that ended in the period ------------------------------------------------------


def ended_in(network_id: int, period: Period) -> sa.ColumnElement[bool]:
    """The fight is the network's and was won or closed in the period, by the day its outcome
    was decided (read from the figures' (network, ended_on, …) index alone)."""
    return sa.and_(FightFigures.network_id == network_id, on_days(FightFigures.ended_on, period))


def outcomes_and_money(network_id: int, period: Period) -> tuple[Outcomes, Money]:
    """How the period's fights ended (overall, by issue type, by target kind) and the money
    demanded and recovered in those won, partly won or lost: from the period's tallies."""
    rows = tallies.read(network_id, period, ["ended", "demanded", "recovered"])
    counted: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    money_totals: dict[str, list[Any]] = {}
    for found in rows:
        if found.tally != "ended":
            continue
        issue, target_kind, outcome_kind = found.grp.split("|")
        kind = OutcomeKind(outcome_kind)
        bucket = outcome_bucket(kind)
        for key in (("all", "all"), ("issue", issue), ("target", target_kind)):
            counted[key][bucket] += found.fights
            counted[key]["joint"] += found.joint
        if kind in DECIDED_KINDS:
            for money_key in ("*", issue):
                total = money_totals.setdefault(money_key, [0, Decimal(0), Decimal(0), 0])
                total[0] += found.fights
                total[1] += found.demanded
                total[2] += found.recovered
                total[3] += found.fights if bucket != "lost" else 0  # won in full or in part

    def row(group: str, key: str, label: str) -> OutcomeRow:
        tally = counted.get((group, key), {})
        return OutcomeRow(key, label, tally.get("won", 0), tally.get("partial", 0),
                          tally.get("lost", 0), tally.get("closed", 0), tally.get("joint", 0))

    outcomes = Outcomes(
        overall=row("all", "all", "All fights"),
        by_issue=[row("issue", i.value, i.label) for i in IssueType
                  if ("issue", i.value) in counted],
        by_target_kind=[row("target", k.value, k.label) for k in TargetKind
                        if ("target", k.value) in counted],
    )
    return outcomes, money(network_id, period, money_totals, rows)


def outcome_bucket(kind: OutcomeKind) -> str:
    if kind in WON_KINDS:
        return "won"
    if kind == OutcomeKind.PARTIAL:
        return "partial"
    if kind == OutcomeKind.LOST:
        return "lost"
    return "closed"


def money(network_id: int, period: Period, totals: dict[str, list[Any]],
          rows: list[tallies.Tallied]) -> Money:
    """The money rows: the totals given (fights decided, demanded, recovered, fights won in
    full or in part), and the medians from the amounts' buckets (one statement)."""
    ended = ended_in(network_id, period)
    decided = FightFigures.outcome_kind.in_(DECIDED_KINDS)
    won = FightFigures.outcome_kind.in_((*WON_KINDS, OutcomeKind.PARTIAL))
    per_bucket: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for found in rows:
        if found.tally in ("demanded", "recovered"):
            for key in ("*", found.grp):
                per_bucket[f"{found.tally}:{key}"][found.bucket] += found.fights
    groups: dict[str, tuple[tallies.Measure, dict[int, int]]] = {}
    for key in totals:
        # "*" and the issue types of the fights decided in the period
        of_issue = FightFigures.issue_type == key if key != "*" else sa.true()
        groups[f"demanded:{key}"] = (tallies.Measure(
            FightFigures.demanded, FightFigures.demanded_bucket,
            [sa.and_(ended, decided, of_issue)], money=True), per_bucket[f"demanded:{key}"])
        groups[f"recovered:{key}"] = (tallies.Measure(
            func.coalesce(FightFigures.recovered, 0), FightFigures.recovered_bucket,
            [sa.and_(ended, won, of_issue)], money=True), per_bucket[f"recovered:{key}"])
    found_medians = {grp: money_of(median)
                     for grp, median in tallies.medians(groups).items()}

    def row(key: str, label: str) -> MoneyRow:
        fights, demanded, recovered, _won = totals.get(key, [0, Decimal(0), Decimal(0), 0])
        return MoneyRow(key, label, fights, money_of(demanded), money_of(recovered),
                        found_medians.get(f"demanded:{key}"),
                        found_medians.get(f"recovered:{key}"))

    return Money(overall=row("*", "All fights"),
                 by_issue=[row(i.value, i.label) for i in IssueType if i.value in totals])


# --- The funnel ---------------------------------------------------------------------------


def funnel(network_id: int, period: Period, overall: OutcomeRow) -> Funnel:
    """Inquiries (counted from the cases' (network, logged) index), each step taken in the
    period, the outcomes, and why fights were declined (from the period's tallies)."""
    inquiries = db.session.scalar(
        select(func.count()).select_from(Case)
        .where(Case.network_id == network_id, in_period(Case.created_at, period))) or 0
    steps: dict[str, int] = defaultdict(int)
    reasons: dict[DeclineReason | None, int] = {}
    for found in tallies.read(network_id, period, [*tallies.STEPS, "declined"]):
        if found.tally == "declined":
            reasons[DeclineReason(found.grp) if found.grp else None] = found.fights
        else:
            steps[found.tally] += found.fights
    decline_reasons = [Count(reason.value, reason.label, reasons[reason])
                       for reason in DeclineReason if reasons.get(reason)]
    if reasons.get(None):
        decline_reasons.append(Count("unknown", "No reason recorded", reasons[None]))
    return Funnel(
        inquiries=inquiries, screened=steps["screened"],
        proposed=steps["proposed"], taken=steps["taken"],
        delivered=steps["delivered"], won=overall.won,
        partial=overall.partial, lost=overall.lost, closed=overall.closed,
        declined=sum(reasons.values()), decline_reasons=decline_reasons,
    )


# --- How long fights take -----------------------------------------------------------------


def timing(network_id: int, period: Period) -> Timing:
    """Median days between the stages, and actions before a win: the measures' counts per
    bucket from the period's tallies, then their middle values read (two statements)."""
    mine = FightFigures.network_id == network_id
    won = sa.and_(ended_in(network_id, period),
                  FightFigures.outcome_kind.in_([*WON_KINDS, OutcomeKind.PARTIAL]))
    f = FightFigures
    measures = {
        "decision": tallies.Measure(f.days_to_decision, f.decision_bucket, [
            sa.and_(mine, in_period(f.taken_at, period), f.days_to_decision.is_not(None)),
            sa.and_(mine, in_period(f.declined_at, period), f.days_to_decision.is_not(None))]),
        "delivery": tallies.Measure(f.days_to_delivery, f.delivery_bucket, [
            sa.and_(mine, in_period(f.delivered_at, period), f.days_to_delivery.is_not(None))]),
        "win": tallies.Measure(f.days_to_win, f.win_bucket,
                               [sa.and_(won, f.days_to_win.is_not(None))]),
        "actions": tallies.Measure(f.actions_done, None, [], exact=True),
    }
    per_bucket: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for found in tallies.read(network_id, period, list(measures)):
        per_bucket[found.tally][found.bucket] += found.fights
    counts = {key: sum(per_bucket[key].values()) for key in measures}
    found_medians = tallies.medians({key: (measure, per_bucket[key])
                                     for key, measure in measures.items()})

    def duration(key: str, label: str) -> Duration:
        return Duration(key, label, counts[key], number_or_none(found_medians.get(key)))

    return Timing(
        inquiry_to_decision=duration("decision", "Inquiry to decision (days)"),
        decision_to_delivery=duration("delivery", "Decision to delivery (days)"),
        delivery_to_win=duration("win", "Delivery to win (days)"),
        actions_before_win=duration("actions", "Actions before a win"),
    )


# --- Mobilization -------------------------------------------------------------------------


def mobilization(network_id: int, period: Period, *, include_people: bool) -> Mobilization:
    """Actions carried out per month by kind, turnout, call lists (from the period's tallies,
    one statement) and reliable members."""
    months = period.months()
    index_of = {month.first_day: index for index, month in enumerate(months)}
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    turnouts: dict[int, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    calls: dict[str, int] = defaultdict(int)
    for found in tallies.read(network_id, period, ["action", "turnout", *CALLS],
                              by_month=True):
        index = index_of[found.month]  # type: ignore[index]
        if found.tally == "action":
            counts[index][ActionKind(found.grp).value] = found.fights
        elif found.tally == "turnout":
            turnouts[index][found.bucket] += found.fights
        else:
            calls[found.tally] += found.fights
    every: dict[int, int] = defaultdict(int)
    for per_month in turnouts.values():
        for turnout, count in per_month.items():
            every[turnout] += count
    activity = [MonthActivity(month, counts.get(index, {}),
                              counted_median(turnouts.get(index, {})),
                              sum(turnouts.get(index, {}).values()))
                for index, month in enumerate(months)]
    totals = {kind: sum(m.by_kind.get(kind.value, 0) for m in activity) for kind in ActionKind}
    kinds = sorted((Count(kind.value, kind.label, total) for kind, total in totals.items()),
                   key=lambda c: -c.count)
    return Mobilization(
        months=activity, kinds=kinds, actions=sum(totals.values()),
        median_turnout=counted_median(every),
        with_turnout=sum(every.values()),
        calls=CallConversion(*(calls[name] for name in CALLS)),
        reliable_members=reliable_members(network_id, period) if include_people else None,
    )


def counted_median(counts: dict[int, int]) -> float | None:
    """The median of whole numbers given as how many times each occurs."""
    total = sum(counts.values())
    if not total:
        return None
    middle, seen = [], 0
    for value in sorted(counts):
        for position in {(total - 1) // 2, total // 2}:
            if seen <= position < seen + counts[value]:
                middle.append(value)
        seen += counts[value]
    return sum(middle) / len(middle) if len(middle) == 2 else float(middle[0])


def reliable_members(network_id: int, period: Period) -> list[ReliableMember]:
    """Who came most often, in the period, when they said they would (coordinators only)."""
    # The period's actions carried out, read from the network's index.
    done = (select(Action.id)
            .where(Action.network_id == network_id, Action.status == ActionStatus.DONE,
                   in_period(Action.starts_at, period)).subquery("carried_out"))
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

    # The kept and came counts of the last person shown: those tied with them (or above)
    # may be shown; with fewer people tallied, everyone may.
    last_shown = (select(tally.c.kept, tally.c.came)
                  .order_by(tally.c.kept.desc(), tally.c.came.desc())
                  .limit(1).offset(RELIABLE_SHOWN - 1))
    may_be_shown = sa.or_(sa.tuple_(tally.c.kept, tally.c.came) >= last_shown.scalar_subquery(),
                          ~last_shown.exists())
    # Names looked up for those people alone (a join would read every person of the network).
    name = (select(Person.name).where(Person.id == tally.c.person_id)
            .correlate(tally).scalar_subquery())
    rows = db.session.execute(
        select(name.label("name"), tally.c.said_yes, tally.c.came, tally.c.kept)
        .where(may_be_shown)
        .order_by(tally.c.kept.desc(), tally.c.came.desc(), name, tally.c.person_id)
        .limit(RELIABLE_SHOWN)).all()
    return [ReliableMember(name, int(yes), int(came_count), int(kept_count))
            for name, yes, came_count, kept_count in rows]


# --- Load ---------------------------------------------------------------------------------


def load(network_id: int, period: Period, today: date, *, include_people: bool) -> Load:
    """Open fights today, those past their deadline, per organizer, and repeat offenders."""
    open_fights, past_deadline = db.session.execute(
        select(func.count(),
               func.coalesce(func.sum(sa.case((is_past_deadline(today), 1), else_=0)), 0))
        .where(Case.network_id == network_id, Case.state.in_(OPEN_STATES))).one()
    per_organizer = organizer_load(network_id, today) if include_people else None
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


def organizer_load(network_id: int, today: date) -> list[OrganizerLoad]:
    """Each organizer's and coordinator's open fights today, and those past their deadline
    (coordinators only)."""
    # Led by the network's open fights (their (network, state) index), each one's team
    # read through the team's primary key: "+ 0" keeps SQLite from reading the whole
    # team table first and looking each membership's fight up. PostgreSQL plans well
    # without it (with it, it probes the team's key once per open fight: twice as long).
    on_sqlite = db.session.get_bind().dialect.name == "sqlite"
    carried = (select(case_team.c.user_id, func.count().label("fights"),
                      func.sum(sa.case((is_past_deadline(today), 1), else_=0)).label("late"))
               .select_from(Case)
               .join(case_team, case_team.c.case_id == (Case.id + 0 if on_sqlite
                                                        else Case.id))
               .where(Case.network_id == network_id, Case.state.in_(OPEN_STATES))
               .group_by(case_team.c.user_id).subquery())
    fights_carried = func.coalesce(carried.c.fights, 0)
    rows = db.session.execute(
        select(User.name, fights_carried, func.coalesce(carried.c.late, 0))
        .outerjoin(carried, carried.c.user_id == User.id)
        .where(User.network_id == network_id, User.is_disabled.is_(False),
               User.role.in_([Role.ORGANIZER, Role.COORDINATOR]))
        .order_by(fights_carried.desc(), User.name)).all()
    return [OrganizerLoad(name, int(count), int(late_count)) for name, count, late_count in rows]
