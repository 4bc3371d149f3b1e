"""The reports' row per fight (FightFigures) stays right through the real workflow: logged,
screened, proposed, taken on, demands changed, delivered (and its date corrected), an action
carried out, won, reopened and won again; and the report counts each step on its own day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from flask import Flask
from sqlalchemy import select

from casework.actions.services import ActionReport, record_done
from casework.extensions import db
from casework.fight.services import add_demand
from casework.models import (
    Action,
    ActionKind,
    ActionStatus,
    Case,
    DemandKind,
    Event,
    FightFigures,
    Network,
    OutcomeKind,
    Role,
    TargetKind,
    TargetProposal,
    User,
)
from casework.reports.fight_figures import drifted_fights, refresh_fight_figures
from casework.reports.figures import network_report
from casework.reports.period import Period
from casework.targets.proposals import accept_proposal
from casework.workflow.deadlines import correct_delivery_date
from casework.workflow.moves import MoveInput, OutcomeInput
from casework.workflow.service import apply_transition
from casework.workflow.states import CaseState
from tests.fights import complete_records, full_input

NOVEMBER = (date(2026, 11, 1), date(2026, 11, 30))
# 23:30 on 2 November in Seattle (UTC-8): 3 November in UTC.
DELIVERED_LATE_EVENING = datetime(2026, 11, 3, 7, 30, tzinfo=UTC)


def figures(case_id: int) -> FightFigures:
    db.session.expire_all()
    row = db.session.get(FightFigures, case_id)
    assert row is not None
    assert drifted_fights(db.session.connection(), row.network_id) == []
    return row


def moved_at(case_id: int, trigger: str) -> datetime:
    return db.session.scalars(select(Event.created_at).where(
        Event.case_id == case_id, Event.trigger == trigger).order_by(Event.id.desc())).first()


def move(case_id: int, trigger: str, user_id: int, outcome: OutcomeInput | None = None,
         today: date = date(2026, 11, 25)) -> None:
    case = db.session.get_one(Case, case_id)
    given = full_input(trigger) if outcome is None else MoveInput(reason="", outcome=outcome)
    apply_transition(case_id, trigger, db.session.get_one(User, user_id), given, case.version,
                     today=today)
    db.session.commit()


def november(network: Network) -> Period:
    return Period.between(network.timezone, *NOVEMBER)


def test_the_figures_follow_the_fight_through_the_workflow(
        app: Flask, db_backend: str, make_user: Callable[..., int],
        make_case: Callable[..., int]) -> None:
    organizer = make_user(Role.ORGANIZER)
    coordinator = make_user(Role.COORDINATOR)
    case_id = make_case(team=[organizer], amount_claimed=Decimal("1200.00"))
    with app.app_context():
        logged = figures(case_id)
        assert (logged.demanded, logged.screened_at, logged.ended_on) == (Decimal(1200), None,
                                                                          None)
        case = db.session.get_one(Case, case_id)
        add_demand(case, db.session.get_one(User, organizer), DemandKind.MONEY, "Tips owed",
                   Decimal("300.00"), "")
        db.session.commit()
        assert figures(case_id).demanded == Decimal("300.00")  # the demands, not the claim
        case = db.session.get_one(Case, case_id)
        complete_records(case, CaseState.INQUIRY)  # test setup: every record the guards ask
        refresh_fight_figures(case)  # for the wage demand it adds
        db.session.commit()
        assert figures(case_id).demanded == Decimal("2460.00")  # 2,160 + 300

        for trigger in ("screen", "propose", "accept", "approve_letter", "deliver"):
            move(case_id, trigger, organizer)
        row = figures(case_id)
        assert (row.screened_at, row.proposed_at, row.taken_at) == (
            moved_at(case_id, "screen"), moved_at(case_id, "propose"),
            moved_at(case_id, "accept"))
        assert row.delivered_on == date(2026, 11, 2)

        case = db.session.get_one(Case, case_id)
        correct_delivery_date(case_id, db.session.get_one(User, organizer),
                              DELIVERED_LATE_EVENING, case.version)
        db.session.add(Action(case=case, kind=ActionKind.PICKET, status=ActionStatus.PLANNED,
                              starts_at=datetime(2026, 11, 10, 18, tzinfo=UTC)))
        db.session.commit()
        action = db.session.scalars(select(Action).where(Action.case_id == case_id)).one()
        record_done(action, db.session.get_one(User, organizer),
                    ActionReport(result="Owner came out", turnout_actual=25))
        db.session.commit()
        row = figures(case_id)
        assert (row.delivered_at, row.delivered_on) == (DELIVERED_LATE_EVENING,
                                                        date(2026, 11, 2))  # local day
        assert row.actions_done == 1

        # Won on 20 November, entered later: it counts in November, 18 days after delivery.
        move(case_id, "win", organizer, OutcomeInput(
            kind=OutcomeKind.FULL, decided_on=date(2026, 11, 20),
            amount_recovered=Decimal("2460.00")))
        row = figures(case_id)
        assert (row.ended_on, row.outcome_kind, row.recovered) == (
            date(2026, 11, 20), OutcomeKind.FULL, Decimal("2460.00"))
        network = db.session.get_one(Network, row.network_id)
        report = network_report(network, november(network))
        assert (report.funnel.won, report.funnel.delivered, report.funnel.taken) == (1, 1, 0)
        assert report.money.overall.recovered == Decimal("2460.00")
        assert report.timing.delivery_to_win.median == 18.0
        assert report.timing.actions_before_win.median == 1.0

        # Reopened, the fight no longer counts as won; won again, it counts on its new day.
        move(case_id, "reopen", coordinator)
        row = figures(case_id)
        assert (row.ended_on, row.outcome_kind, row.recovered) == (None, None, None)
        assert network_report(network, november(network)).funnel.won == 0
        move(case_id, "win", organizer, OutcomeInput(
            kind=OutcomeKind.PARTIAL, decided_on=date(2026, 11, 24),
            amount_recovered=Decimal("1000.00")), today=date(2026, 11, 25))
        row = figures(case_id)
        assert (row.ended_on, row.outcome_kind) == (date(2026, 11, 24), OutcomeKind.PARTIAL)
        again = network_report(network, november(network))
        assert (again.funnel.won, again.funnel.partial) == (0, 1)
        assert again.money.overall.recovered == Decimal("1000.00")


def test_a_declined_fight_counts_on_the_day_it_was_declined_until_reopened(
        app: Flask, db_backend: str, make_user: Callable[..., int],
        make_case: Callable[..., int]) -> None:
    coordinator = make_user(Role.COORDINATOR)
    case_id = make_case(team=[coordinator])
    with app.app_context():
        move(case_id, "decline", coordinator)
        row = figures(case_id)
        assert row.declined_at == moved_at(case_id, "decline")
        assert row.decline_reason is not None
        move(case_id, "reopen", coordinator)
        row = figures(case_id)
        assert (row.declined_at, row.decline_reason) == (None, None)


def test_a_shared_targets_new_kind_reaches_the_figures_of_every_fight_against_it(
        app: Flask, make_user: Callable[..., int], make_case: Callable[..., int]) -> None:
    """The reports count outcomes by the target's kind: when a proposal changes the kind of a
    target two fights share, both fights' figures rows follow."""
    organizer = make_user(Role.ORGANIZER)
    first = make_case(organizer, target_name="Acme Landlords")
    second = make_case(target_name="ACME LANDLORDS", target_kind=TargetKind.PERSON)
    with app.app_context():
        assert {figures(first).target_kind, figures(second).target_kind} == {TargetKind.COMPANY}
        proposal = db.session.scalars(select(TargetProposal)).one()
        accept_proposal(proposal, db.session.get_one(User, organizer))
        db.session.commit()
        assert {figures(first).target_kind, figures(second).target_kind} == {TargetKind.PERSON}
