"""The reports' tallies per month and day (ReportTally) stay equal to a rebuild from scratch
through every kind of write, and a period that does not begin or end on a month's edge is
counted exactly (its whole months from the month rows, its other days from the day rows)."""

from __future__ import annotations

import dataclasses
import statistics
import threading
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from casework.actions.calls import set_answer, set_checked_in
from casework.actions.services import ActionReport, record_done
from casework.extensions import db
from casework.fight.services import add_demand
from casework.models import (
    Action,
    ActionKind,
    ActionStatus,
    CallAnswer,
    CallListEntry,
    Case,
    DemandKind,
    FightFigures,
    Network,
    OutcomeKind,
    Person,
    Role,
    TargetKind,
    TargetProposal,
    Tier,
    User,
)
from casework.network.services import NetworkSettings, update_settings
from casework.privacy.purge import apply_purge, plan_purge
from casework.reports import tallies
from casework.reports.fight_figures import (
    drifted_fights,
    drifted_tallies,
    refresh_fight_figures,
)
from casework.reports.figures import worked_out_report
from casework.reports.period import Period
from casework.targets.proposals import accept_proposal
from casework.workflow.moves import MoveInput, OutcomeInput
from casework.workflow.service import apply_transition
from casework.workflow.states import CaseState
from tests.fights import complete_records, full_input
from tests.reports_world import World, build_world


def tallies_match_a_rebuild(network_id: int) -> dict[Any, tuple[int, ...]]:
    """Assert the stored tallies are what a rebuild would write (the figures rows they add
    up are what the records say, and they add up to the tallies); returns them."""
    db.session.expire_all()
    assert drifted_fights(db.session.connection(), network_id) == []
    assert drifted_tallies(db.session.connection(), network_id) == []
    return tallies.stored(db.session.connection(), network_id)


def move(case_id: int, trigger: str, user_id: int, outcome: OutcomeInput | None = None) -> None:
    case = db.session.get_one(Case, case_id)
    given = full_input(trigger) if outcome is None else MoveInput(reason="", outcome=outcome)
    apply_transition(case_id, trigger, db.session.get_one(User, user_id), given, case.version,
                     today=date(2026, 11, 25))
    db.session.commit()


def ended_counts(stored: dict[Any, tuple[int, ...]]) -> dict[str, int]:
    """Fights counted as ended per outcome, in the month rows."""
    found: dict[str, int] = {}
    for (_network, grain, _day, tally, grp, _bucket), sums in stored.items():
        if grain == "m" and tally == "ended":
            kind = grp.split("|")[2]
            found[kind] = found.get(kind, 0) + sums[0]
    return found


def action_counts(stored: dict[Any, tuple[int, ...]]) -> dict[str, int]:
    """The actions' tallies added up over the month rows."""
    found: dict[str, int] = {}
    for (_network, grain, _day, tally, _grp, _bucket), sums in stored.items():
        if grain == "m" and tally in ("action", "turnout", "listed", "called", "said_yes",
                                      "came"):
            found[tally] = found.get(tally, 0) + sums[0]
    return found


def test_the_tallies_equal_a_rebuild_after_every_write(
        app: Flask, db_backend: str, make_user: Callable[..., int],
        make_case: Callable[..., int]) -> None:
    organizer = make_user(Role.ORGANIZER)
    coordinator = make_user(Role.COORDINATOR)
    won_id = make_case(organizer, team=[organizer], target_name="Acme Landlords")
    declined_id = make_case(team=[coordinator], target_name="ACME LANDLORDS",
                            target_kind=TargetKind.PERSON)
    with app.app_context():
        network_id = db.session.get_one(Case, won_id).network_id
        assert any(key[3] == "ended" for key in tallies_match_a_rebuild(network_id)) is False
        case = db.session.get_one(Case, won_id)
        add_demand(case, db.session.get_one(User, organizer), DemandKind.MONEY, "Tips owed",
                   Decimal("300.00"), "")
        db.session.commit()
        tallies_match_a_rebuild(network_id)
        case = db.session.get_one(Case, won_id)
        complete_records(case, CaseState.INQUIRY)
        refresh_fight_figures(case)
        db.session.commit()
        for trigger in ("screen", "propose", "accept", "approve_letter", "deliver"):
            move(won_id, trigger, organizer)
            tallies_match_a_rebuild(network_id)
        action = Action(case=db.session.get_one(Case, won_id), kind=ActionKind.PICKET,
                        status=ActionStatus.PLANNED, starts_at=case.created_at + timedelta(1))
        db.session.add(action)
        db.session.commit()
        record_done(action, db.session.get_one(User, organizer),
                    ActionReport(result="Owner came out", turnout_actual=25))
        db.session.commit()
        assert action_counts(tallies_match_a_rebuild(network_id)) == {
            "action": 1, "turnout": 1}

        # Its call list: people listed, one says yes and is checked in (the turnout
        # follows the check-ins), then the action is moved to another month.
        people = [Person(network_id=network_id, name=name, tier=Tier.MEMBER,
                         phone="206-555-0150") for name in ("Paula", "Quinn")]
        db.session.add_all(people)
        db.session.flush()
        db.session.add_all(CallListEntry(action_id=action.id, person_id=person.id)
                           for person in people)
        db.session.commit()
        assert action_counts(tallies_match_a_rebuild(network_id))["listed"] == 2
        entry = db.session.scalars(select(CallListEntry).order_by(CallListEntry.id)).first()
        assert entry is not None
        set_answer(entry, CallAnswer.YES)
        db.session.commit()
        set_checked_in(entry, db.session.get_one(User, organizer), True)
        db.session.commit()
        assert action_counts(tallies_match_a_rebuild(network_id)) == {
            "action": 1, "turnout": 1, "listed": 2, "called": 1, "said_yes": 1, "came": 1}
        action = db.session.get_one(Action, action.id)
        action.starts_at = action.starts_at - timedelta(days=40)
        db.session.commit()
        tallies_match_a_rebuild(network_id)

        # The outcome recorded, then changed (reopened and won again, partly, another day).
        move(won_id, "win", organizer, OutcomeInput(
            kind=OutcomeKind.FULL, decided_on=date(2026, 11, 20),
            amount_recovered=Decimal("2460.00")))
        assert ended_counts(tallies_match_a_rebuild(network_id)) == {"full": 1}
        move(won_id, "reopen", coordinator)
        assert ended_counts(tallies_match_a_rebuild(network_id)) == {}
        move(won_id, "win", organizer, OutcomeInput(
            kind=OutcomeKind.PARTIAL, decided_on=date(2026, 11, 24),
            amount_recovered=Decimal("1000.00")))
        assert ended_counts(tallies_match_a_rebuild(network_id)) == {"partial": 1}

        move(declined_id, "decline", coordinator)
        stored = tallies_match_a_rebuild(network_id)
        assert sum(sums[0] for key, sums in stored.items()
                   if key[1] == "m" and key[3] == "declined") == 1

        # The shared target's kind changes: the won fight's outcome moves to the new kind.
        proposal = db.session.scalars(select(TargetProposal)).one()
        accept_proposal(proposal, db.session.get_one(User, organizer))
        db.session.commit()
        stored = tallies_match_a_rebuild(network_id)
        assert {key[4] for key in stored if key[3] == "ended"} == {"deposit|person|partial"}

        # The network moves to another time zone: every local day is worked out again.
        network = db.session.get_one(Network, network_id)
        settings = NetworkSettings(**{f.name: getattr(network, f.name)
                                      for f in dataclasses.fields(NetworkSettings)})
        update_settings(network, db.session.get_one(User, coordinator),
                        dataclasses.replace(settings, timezone="Asia/Tokyo"))
        db.session.commit()
        tallies_match_a_rebuild(network_id)

        # Purged fights keep their statistics.
        plan = plan_purge([(db.session.get_one(Network, network_id), date(2030, 1, 1))])
        apply_purge(plan)
        db.session.commit()
        assert ended_counts(tallies_match_a_rebuild(network_id)) == {"partial": 1}


def recounted(network_id: int, period: Period) -> dict[str, Any]:
    """The period's figures counted in Python from the fights' figures rows, one by one."""
    zone = ZoneInfo(period.zone)
    rows = db.session.scalars(select(FightFigures).where(FightFigures.network_id == network_id))

    def on(day: date | None) -> bool:
        return day is not None and period.first_day <= day <= period.last_day

    def local(moment: Any) -> date | None:
        return moment.astimezone(zone).date() if moment is not None else None

    found: dict[str, Any] = {"screened": 0, "proposed": 0, "taken": 0, "delivered": 0,
                             "declined": 0, "outcomes": {}, "demanded": [], "recovered": [],
                             "decision": [], "delivery": [], "win": [], "actions": []}
    for row in rows:
        for step in ("screened", "proposed", "taken", "delivered", "declined"):
            found[step] += on(local(getattr(row, f"{step}_at")))
        if row.days_to_decision is not None:
            found["decision"] += [row.days_to_decision for moment in (row.taken_at,
                                  row.declined_at) if on(local(moment))]
        if row.days_to_delivery is not None and on(local(row.delivered_at)):
            found["delivery"].append(row.days_to_delivery)
        if on(row.ended_on) and row.outcome_kind is not None:
            kind = row.outcome_kind.value
            found["outcomes"][kind] = found["outcomes"].get(kind, 0) + 1
            if row.outcome_kind != OutcomeKind.WITHDRAWN:
                found["demanded"].append(row.demanded)
            if row.outcome_kind in (OutcomeKind.FULL, OutcomeKind.MORE_THAN_OWED,
                                    OutcomeKind.PARTIAL):
                found["recovered"].append(row.recovered or Decimal(0))
                found["actions"].append(row.actions_done)
                if row.days_to_win is not None:
                    found["win"].append(row.days_to_win)
    done = db.session.scalars(select(Action).where(Action.network_id == network_id,
                                                   Action.status == ActionStatus.DONE))
    found["actions_done"] = [action for action in done if on(local(action.starts_at))]
    return found


def median(values: list[Any]) -> Any:
    return statistics.median(values) if values else None


@pytest.mark.parametrize(("first", "last"), [
    (date(2026, 1, 1), date(2026, 12, 31)),  # whole months only
    (date(2026, 2, 15), date(2026, 5, 10)),  # partial months at both ends
    (date(2026, 3, 3), date(2026, 3, 3)),  # one day, inside a month
    (date(2026, 2, 21), date(2026, 3, 31)),  # a partial month, then a whole one
    (date(2025, 12, 31), date(2026, 1, 1)),  # across the year's end, in Seattle
    (date(2026, 12, 31), date(2027, 1, 30)),  # the win at 23:30 local on 31 December
])
def test_a_period_off_the_months_edges_is_counted_exactly(
        app: Flask, world: World, first: date, last: date) -> None:
    with app.app_context():
        network = db.session.get_one(Network, world.network_id)
        period = Period.between(network.timezone, first, last)
        report = worked_out_report(network, period, include_people=True, today=date(2027, 1, 2))
        expected = recounted(network.id, period)
        check_the_figures(report, expected, first, last)


def check_the_figures(report: Any, expected: dict[str, Any], first: date, last: date) -> None:
    funnel, money, timing = report.funnel, report.money.overall, report.timing
    assert (funnel.screened, funnel.proposed, funnel.taken, funnel.delivered,
            funnel.declined) == (expected["screened"], expected["proposed"],
                                 expected["taken"], expected["delivered"],
                                 expected["declined"])
    outcomes = expected["outcomes"]
    assert (funnel.won, funnel.partial, funnel.lost, funnel.closed) == (
        outcomes.get("full", 0) + outcomes.get("more_than_owed", 0),
        outcomes.get("partial", 0), outcomes.get("lost", 0), outcomes.get("withdrawn", 0))
    assert money.fights == len(expected["demanded"])
    assert money.demanded == sum(expected["demanded"], Decimal(0))
    assert money.median_demanded == median(expected["demanded"])
    assert money.median_recovered == median(expected["recovered"])
    for shown, values in ((timing.inquiry_to_decision, expected["decision"]),
                          (timing.decision_to_delivery, expected["delivery"]),
                          (timing.delivery_to_win, expected["win"]),
                          (timing.actions_before_win, expected["actions"])):
        assert (shown.fights, shown.median) == (len(values), median(values))
    actions = expected["actions_done"]
    mobilization = report.mobilization
    assert mobilization.actions == len(actions)
    assert mobilization.median_turnout == median([a.turnout_actual for a in actions
                                                  if a.turnout_actual is not None])
    assert mobilization.calls.listed == sum(len(a.calls) for a in actions)
    assert mobilization.calls.came == sum(c.is_checked_in for a in actions for c in a.calls)
    if (first, last) == (date(2026, 12, 31), date(2027, 1, 30)):
        assert funnel.won == 1  # fight D, won at 23:30 local on New Year's Eve


@pytest.fixture
def world(app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
          monkeypatch: pytest.MonkeyPatch) -> World:
    return build_world(app, make_user, make_case, monkeypatch)


def action_carried_out(network_id: int, month: int) -> dict[str, Any]:
    """What an action carried out adds to the tallies (casework/reports/action_tallies.py)."""
    return {"action": True, "network_id": network_id, "kind": ActionKind.PICKET,
            "starts_at": datetime(2026, month, 10, 18, 0, tzinfo=UTC), "turnout_actual": None,
            "listed": 0, "called": 0, "said_yes": 0, "came": 0}


@pytest.mark.postgres_only
def test_two_writers_of_one_network_queue_instead_of_deadlocking(app: Flask,
                                                                  world: World) -> None:
    """Two transactions add actions in January and March, in opposite orders and in two
    flushes each: each would hold the month row the other wants next. The second waits for
    the first to commit instead; both land."""
    zone = ZoneInfo("America/Los_Angeles")
    first_flushed, second_started = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def writer(months: tuple[int, int], is_first: bool) -> None:
        try:
            with app.app_context(), db.engine.connect() as connection:
                if not is_first:
                    first_flushed.wait(10)
                    second_started.set()
                tallies.apply_change(connection, [],
                                     [action_carried_out(world.network_id, months[0])], zone)
                if is_first:
                    first_flushed.set()
                    second_started.wait(10)
                    time.sleep(0.5)  # the second writer now waits for a row (or the lock)
                tallies.apply_change(connection, [],
                                     [action_carried_out(world.network_id, months[1])], zone)
                connection.commit()
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            failures.append(error)

    with app.app_context():
        before = action_counts(tallies.stored(db.session.connection(), world.network_id))
    threads = [threading.Thread(target=writer, args=((1, 3), True)),
               threading.Thread(target=writer, args=((3, 1), False))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert not failures, failures
    with app.app_context():
        after = action_counts(tallies.stored(db.session.connection(), world.network_id))
    assert after["action"] == before.get("action", 0) + 4  # two actions from each writer
