"""Test setup for the reports: fights with known dates, amounts and outcomes in 2026.

The network is in Seattle (UTC-8 in winter). Every figure the reports tests expect is worked
out by hand in the comments of ``build_world`` and in tests/test_reports.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from flask import Flask

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
    EventKind,
    IssueType,
    Outcome,
    OutcomeKind,
    Person,
    Role,
    TargetKind,
    Tier,
    User,
)
from casework.reports.fight_figures import refresh_fight_figures
from casework.workflow.states import CaseState


def utc(year: int, month: int, day: int, hour: int = 18, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


# 23:30 on 31 December 2026 in Seattle is 07:30 on 1 January 2027 in UTC.
NEW_YEARS_EVE_2330 = utc(2027, 1, 1, 7, 30)


@dataclass
class Fight:
    """What one test fight went through; None: it never got there."""

    name: str
    issue: IssueType
    target: str
    logged: datetime
    target_kind: TargetKind = TargetKind.COMPANY
    claimed: Decimal | None = None
    demands: list[Decimal] = field(default_factory=list)
    screened: datetime | None = None
    proposed: datetime | None = None
    accepted: datetime | None = None
    delivered: datetime | None = None
    state: CaseState = CaseState.INQUIRY
    ended: datetime | None = None
    outcome: OutcomeKind | None = None
    recovered: Decimal | None = None
    decline_reason: DeclineReason | None = None
    deadline_on: date | None = None
    # (kind, starts at, turnout, status)
    actions: list[tuple[ActionKind, datetime, int | None, ActionStatus]] = field(
        default_factory=list)


def d(day: int) -> timedelta:
    return timedelta(days=day)


DONE, CANCELLED, PLANNED = ActionStatus.DONE, ActionStatus.CANCELLED, ActionStatus.PLANNED
FIGHTS = [
    # Won in full: 10 days to the decision, 10 to delivery, 10 to the win; two actions.
    Fight("A", IssueType.DEPOSIT, "Acme Landlords", utc(2026, 2, 1), demands=[Decimal(1200)],
          screened=utc(2026, 2, 3), proposed=utc(2026, 2, 5), accepted=utc(2026, 2, 11),
          delivered=utc(2026, 2, 21), state=CaseState.WON, ended=utc(2026, 3, 3),
          outcome=OutcomeKind.FULL, recovered=Decimal(1200),
          actions=[(ActionKind.PICKET, utc(2026, 2, 25), 20, DONE),
                   (ActionKind.CALL_IN, utc(2026, 2, 27), 5, DONE)]),
    # Partial: 20, 20 and 30 days; one picket carried out, one cancelled.
    Fight("B", IssueType.UNPAID_WAGES, "Blue Fern Bistro", utc(2026, 3, 1),
          demands=[Decimal(2000), Decimal(1000)], screened=utc(2026, 3, 2),
          proposed=utc(2026, 3, 10), accepted=utc(2026, 3, 21), delivered=utc(2026, 4, 10),
          state=CaseState.WON, ended=utc(2026, 5, 10), outcome=OutcomeKind.PARTIAL,
          recovered=Decimal(1500),
          actions=[(ActionKind.PICKET, utc(2026, 4, 20), 30, DONE),
                   (ActionKind.PICKET, utc(2026, 4, 25), None, CANCELLED)]),
    # Lost against an individual landlord; no demand items, so the claim is what was asked.
    Fight("C", IssueType.DEPOSIT, "Daniel Marsh", utc(2026, 4, 1), target_kind=TargetKind.PERSON,
          claimed=Decimal(800), screened=utc(2026, 4, 2), proposed=utc(2026, 4, 3),
          accepted=utc(2026, 4, 5), delivered=utc(2026, 4, 11), state=CaseState.CLOSED,
          ended=utc(2026, 6, 1), outcome=OutcomeKind.LOST),
    # Won (more than owed) through the app at 23:30 on New Year's Eve, local time; its
    # call-in at 22:00 local on 31 December is a December action.
    Fight("D", IssueType.UNPAID_WAGES, "Acme Landlords", utc(2026, 11, 1),
          screened=utc(2026, 11, 2), proposed=utc(2026, 11, 4), accepted=utc(2026, 11, 11),
          delivered=utc(2026, 11, 21), state=CaseState.ESCALATING,
          actions=[(ActionKind.CALL_IN, utc(2027, 1, 1, 6, 0), 7, DONE)]),
    # Declined as not winnable ten days after the inquiry.
    Fight("E", IssueType.EVICTION, "Elm Street Rentals", utc(2026, 5, 1),
          screened=utc(2026, 5, 2), state=CaseState.DECLINED, ended=utc(2026, 5, 11),
          decline_reason=DeclineReason.NOT_WINNABLE),
    # Declined at 23:00 on 31 December 2025 local time: 2025, although 2026 in UTC.
    Fight("F", IssueType.EVICTION, "Acme Landlords", utc(2025, 12, 20),
          screened=utc(2025, 12, 21), state=CaseState.DECLINED, ended=utc(2026, 1, 1, 7, 0),
          decline_reason=DeclineReason.OUT_OF_SCOPE),
    # Still open, delivered and past its deadline; a postering without a turnout count.
    Fight("G", IssueType.REPAIRS, "Harbor Property", utc(2026, 6, 1), screened=utc(2026, 6, 2),
          proposed=utc(2026, 6, 5), accepted=utc(2026, 6, 13), delivered=utc(2026, 6, 21),
          state=CaseState.DELIVERED, deadline_on=date(2026, 7, 5),
          actions=[(ActionKind.POSTERING, utc(2026, 6, 25), None, DONE),
                   (ActionKind.PICKET, utc(2026, 7, 10), None, PLANNED)]),
    # Taken on, then withdrawn before delivery: closed otherwise.
    Fight("H", IssueType.REPAIRS, "Harbor Property", utc(2026, 6, 15), screened=utc(2026, 6, 16),
          proposed=utc(2026, 6, 20), accepted=utc(2026, 6, 25), state=CaseState.CLOSED,
          ended=utc(2026, 7, 1), outcome=OutcomeKind.WITHDRAWN),
    # An inquiry logged at 23:59 on 31 December local time: a 2026 inquiry.
    Fight("I", IssueType.OTHER, "Ivy Cafe", utc(2027, 1, 1, 7, 59)),
]


@dataclass
class World:
    network_id: int
    coordinator_id: int
    organizer_id: int
    intake_id: int
    member_id: int
    case_ids: dict[str, int]
    people: dict[str, int]


def build_world(app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
                monkeypatch: pytest.MonkeyPatch) -> World:
    """The fights above, the call lists of A's and B's pickets, and D won through the app."""
    coordinator = make_user(Role.COORDINATOR, name="Rosa Coordinator")
    organizer = make_user(Role.ORGANIZER, name="Omar Organizer")
    intake = make_user(Role.INTAKE)
    member = make_user(Role.MEMBER)
    case_ids = {}
    for fight in FIGHTS:
        team = [organizer] if fight.name in "ABG" else []
        case_ids[fight.name] = make_case(
            intake, team=team, target_name=fight.target, target_kind=fight.target_kind,
            issue_type=fight.issue, amount_claimed=fight.claimed, summary=f"Fight {fight.name}")
    with app.app_context():
        network_id = db.session.get_one(User, coordinator).network_id
        for fight in FIGHTS:
            record(db.session.get_one(Case, case_ids[fight.name]), fight)
        people = call_lists(network_id, case_ids)
        db.session.commit()
    win_d_at_new_years_eve(app, case_ids["D"], organizer, monkeypatch)
    return World(network_id, coordinator, organizer, intake, member, case_ids, people)


def record(case: Case, fight: Fight) -> None:
    """Write the fight's history as the app would have (test setup, not the services)."""
    case.created_at = fight.logged
    for trigger, when, to_state in (("screen", fight.screened, "screening"),
                                    ("propose", fight.proposed, "proposed"),
                                    ("accept", fight.accepted, "drafting")):
        if when is not None:
            db.session.add(Event(case=case, kind=EventKind.TRANSITION, trigger=trigger,
                                 to_state=to_state, created_at=when))
    for amount in fight.demands:
        db.session.add(Demand(case=case, kind=DemandKind.MONEY, description="Pay",
                              amount=amount))
    if fight.delivered is not None:
        db.session.add(Delivery(case=case, delivered_at=fight.delivered, place="Office",
                                handed_over_by="The member", turnout=12))
    for kind, starts_at, turnout, status in fight.actions:
        db.session.add(Action(case=case, kind=kind, starts_at=starts_at, turnout_actual=turnout,
                              status=status))
    if fight.outcome is not None:
        db.session.add(Outcome(case=case, kind=fight.outcome, amount_recovered=fight.recovered,
                               decided_on=(fight.ended or fight.logged).date()))
    case.state = fight.state
    case.decline_reason = fight.decline_reason
    case.deadline_on = fight.deadline_on
    case.state_changed_at = fight.ended or fight.accepted or fight.logged
    refresh_fight_figures(case)  # as every service that writes these records does


def call_lists(network_id: int, case_ids: dict[str, int]) -> dict[str, int]:
    """A's picket: Paula yes+came, Quinn yes, Ruth no, Sam not called, Tess maybe+came.
    B's picket: Paula and Quinn yes+came."""
    people = {}
    for name in ("Paula Reliable", "Quinn Sometimes", "Ruth No", "Sam Uncalled", "Tess Maybe"):
        person = Person(network_id=network_id, name=name, tier=Tier.MEMBER, phone="206-555-0150")
        db.session.add(person)
        db.session.flush()
        people[name.split()[0]] = person.id
    picket_a = first_picket(case_ids["A"])
    picket_b = first_picket(case_ids["B"])
    answers: list[tuple[int, str, CallAnswer, bool]] = [
        (picket_a, "Paula", CallAnswer.YES, True), (picket_a, "Quinn", CallAnswer.YES, False),
        (picket_a, "Ruth", CallAnswer.NO, False), (picket_a, "Sam", CallAnswer.NOT_CALLED, False),
        (picket_a, "Tess", CallAnswer.MAYBE, True),
        (picket_b, "Paula", CallAnswer.YES, True), (picket_b, "Quinn", CallAnswer.YES, True),
    ]
    for action_id, name, answer, came in answers:
        db.session.add(CallListEntry(action_id=action_id, person_id=people[name], answer=answer,
                                     is_checked_in=came))
    return people


def first_picket(case_id: int) -> int:
    return db.session.scalars(
        db.select(Action.id).where(Action.case_id == case_id, Action.kind == ActionKind.PICKET)
        .order_by(Action.id)).first() or 0


def win_d_at_new_years_eve(app: Flask, case_id: int, organizer_id: int,
                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Fight D is won through the workflow service at 23:30 local on 31 December 2026."""
    from casework.workflow.moves import MoveInput, OutcomeInput
    from casework.workflow.service import apply_transition

    monkeypatch.setattr("casework.workflow.service.utcnow", lambda: NEW_YEARS_EVE_2330)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        case.team.append(db.session.get_one(User, organizer_id))
        db.session.commit()
        outcome = OutcomeInput(kind=OutcomeKind.MORE_THAN_OWED, decided_on=date(2026, 12, 31),
                               amount_recovered=Decimal(2500))
        db.session.add(Demand(case_id=case_id, kind=DemandKind.MONEY, description="Wages",
                              amount=Decimal(2160)))
        db.session.commit()
        apply_transition(case_id, "win", db.session.get_one(User, organizer_id),
                         MoveInput(reason="", outcome=outcome), case.version,
                         today=date(2026, 12, 31))
        db.session.commit()
