"""Guards explain themselves; moves write their records, tasks and timeline atomically."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.errors import StaleCase
from casework.extensions import db
from casework.letters.services import demand_letter
from casework.models import (
    Case,
    Decision,
    DecisionKind,
    DeclineReason,
    Event,
    EventKind,
    LetterVersion,
    OutcomeKind,
    ReviewStatus,
    Role,
    Task,
    User,
)
from casework.workflow.deadlines import correct_delivery_date, tick_deadlines
from casework.workflow.moves import MoveInput, OutcomeInput
from casework.workflow.service import TransitionNotAllowed, apply_transition, moves_for
from casework.workflow.states import CaseState as S
from casework.workflow.task_rules import DEADLINE_PASSED_TASK, add_rule_task
from tests.fights import NOW, add_delivery, full_input


def move(case_id: int, trigger: str, user_id: int, given: MoveInput | None = None,
         today: date | None = None) -> Case:
    case = db.session.get_one(Case, case_id)
    return apply_transition(case_id, trigger, db.session.get_one(User, user_id),
                            given if given is not None else full_input(trigger), case.version,
                            today=today)


def refusal(case_id: int, trigger: str, user_id: int, given: MoveInput | None = None) -> str:
    with pytest.raises(TransitionNotAllowed) as error:
        move(case_id, trigger, user_id, given)
    db.session.rollback()
    return " ".join(error.value.reasons)


def delete_all(case: Case, records: list[Any]) -> None:
    for record in list(records):
        db.session.delete(record)
    db.session.flush()
    db.session.expire(case)


def demand_letter_version(case: Case) -> LetterVersion:
    letter = demand_letter(case)
    assert letter is not None and letter.latest is not None
    return letter.latest


def unmet(case: Case, name: str) -> None:
    """Undo one of the records complete_records() made."""
    if name == "team":
        case.team = []
    elif name == "winnability":
        case.winnability_notes = ""
    elif name == "contact_route":
        case.person.phone = case.person.email = case.person.safe_contact_notes = ""
    elif name == "decision":
        delete_all(case, case.decisions)
    elif name == "vote_lost":
        case.decisions[0].votes_against = 20
    elif name == "consent":
        delete_all(case, case.consents)
    elif name == "demands":
        case.demands.clear()
    elif name == "deadline_rule":
        case.deadline_days = None
    elif name == "approval":
        version = demand_letter_version(case)
        version.snapshot = None
        version.review_status = ReviewStatus.PENDING
    elif name == "review":
        demand_letter_version(case).review_status = ReviewStatus.PENDING
    elif name == "rejected":
        demand_letter_version(case).review_status = ReviewStatus.REJECTED
    elif name == "changed_demands":
        demand_letter_version(case)
        case.demands[0].amount = Decimal("9999.00")
    elif name == "contacts":
        delete_all(case, case.contacts)
    elif name == "deadline_not_passed":
        case.deadline_on = date.today() + timedelta(days=5)


GUARD_CASES: list[tuple[S, str, str, dict[str, Any], str]] = [
    (S.INQUIRY, "screen", "team", {}, "Assign an organizer to the case team"),
    (S.SCREENING, "propose", "winnability", {}, "Write the winnability assessment"),
    (S.SCREENING, "propose", "contact_route", {}, "Record a safe way to reach Maria."),
    (S.PROPOSED, "accept", "decision", {},
     "Record the meeting's vote on taking the fight."),
    (S.PROPOSED, "accept", "vote_lost", {}, "did not carry"),
    (S.PROPOSED, "accept", "consent", {}, "Record Maria's consent to the demands."),
    (S.DRAFTING, "approve_letter", "demands", {}, "Add at least one demand."),
    (S.DRAFTING, "approve_letter", "deadline_rule", {}, "Choose the deadline rule"),
    (S.DRAFTING, "approve_letter", "approval", {},
     "Record Maria's approval of demand letter version 1."),
    (S.DRAFTING, "approve_letter", "review", {},
     "A reviewer other than its author must check version 1"),
    (S.DRAFTING, "approve_letter", "rejected", {}, "The reviewer rejected version 1"),
    (S.DRAFTING, "approve_letter", "changed_demands", {},
     "The demands changed after version 1 was approved"),
    (S.DELIVERED, "open_talks", "contacts", {}, "Log the contact or offer from the target"),
    (S.DELIVERED, "escalate", "deadline_not_passed", {"reason": ""},
     "The deadline has not passed yet"),
    (S.PROPOSED, "decline", "", {"decline_reason": None}, "Choose why the fight is declined."),
    (S.PROPOSED, "decline", "", {"referred_to": ""}, "Say where the person was referred."),
    (S.READY, "revise_letter", "", {"reason": " "}, "Give a reason."),
    (S.READY, "deliver", "", {"delivery": None}, "Record the delivery"),
    (S.DELIVERED, "win", "", {"outcome": OutcomeInput(OutcomeKind.LOST, date(2026, 11, 9))},
     "Choose how the fight was won"),
    (S.DELIVERED, "win", "", {"outcome": OutcomeInput(OutcomeKind.FULL, date(2026, 11, 9))},
     "Record the amount recovered"),
    (S.DELIVERED, "close", "", {"outcome": OutcomeInput(OutcomeKind.MOOT, date(2026, 11, 9))},
     "Write a short debrief"),
    (S.NEGOTIATING, "pause", "", {"reason": ""}, "Give a reason."),
    (S.CLOSED, "reopen", "", {"reason": ""}, "Give a reason."),
]


@pytest.mark.parametrize(("state", "trigger", "remove", "change", "message"), GUARD_CASES,
                         ids=[f"{t}-{r or next(iter(c))}" for _, t, r, c, _ in GUARD_CASES])
def test_each_guard_says_what_is_missing_and_changes_nothing(
    app: Flask, make_fight: Callable[..., tuple[int, int]], make_user: Callable[..., int],
    state: S, trigger: str, remove: str, change: dict[str, Any], message: str,
) -> None:
    case_id, _ = make_fight(state)
    coordinator = make_user(Role.COORDINATOR)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        if remove:
            unmet(case, remove)
        db.session.commit()
        version = case.version
        given = MoveInput(**{**vars(full_input(trigger)), **change})
        assert message in refusal(case_id, trigger, coordinator, given)
        case = db.session.get_one(Case, case_id)
        assert (case.state, case.version) == (state, version)
        assert db.session.scalar(select(func.count()).select_from(Event).where(
            Event.kind == EventKind.TRANSITION)) == 0


def test_the_case_page_lists_blocked_moves_with_their_reasons(
    app: Flask, make_fight: Callable[..., tuple[int, int]],
    login_as: Callable[[int], Any],
) -> None:
    case_id, organizer = make_fight(S.DRAFTING)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        unmet(case, "review")
        db.session.commit()
        options = {o.transition.trigger: o for o in moves_for(case, case.team[0])}
        assert set(options) == {"approve_letter", "close", "pause"}
        assert not options["approve_letter"].is_available
    page = login_as(organizer).get(f"/cases/{case_id}").get_data(as_text=True)
    assert ("A reviewer other than its author must check version 1 for anything "
            "self-incriminating.") in page
    assert "Close…" in page and "Pause…" in page


def test_unknown_and_impossible_moves_are_refused(
    app: Flask, make_fight: Callable[..., tuple[int, int]]
) -> None:
    case_id, organizer = make_fight(S.INQUIRY)
    with app.app_context():
        assert "There is no move called “fly”." in refusal(case_id, "fly", organizer)
        assert "cannot move with “Record a win”" in refusal(case_id, "win", organizer)


def test_a_stale_version_is_refused_with_who_changed_it(
    app: Flask, make_fight: Callable[..., tuple[int, int]]
) -> None:
    case_id, organizer = make_fight(S.INQUIRY)
    with app.app_context():
        user = db.session.get_one(User, organizer)
        with pytest.raises(StaleCase, match="changed by Intake volunteer"):
            apply_transition(case_id, "screen", user, MoveInput(), seen_version=99)


def test_pause_remembers_and_resume_returns(
    app: Flask, make_fight: Callable[..., tuple[int, int]]
) -> None:
    case_id, organizer = make_fight(S.ESCALATING)
    with app.app_context():
        assert move(case_id, "pause", organizer).state == S.PAUSED
        db.session.commit()
        case = move(case_id, "resume", organizer, MoveInput())
        db.session.commit()
        assert (case.state, case.paused_from) == (S.ESCALATING, None)
        notes = db.session.scalars(select(Event.note).where(Event.trigger == "pause")).all()
        assert notes == ["Agreed at the meeting"]


def test_delivery_sets_the_deadline_and_its_tasks_which_move_when_the_date_is_corrected(
    app: Flask, make_fight: Callable[..., tuple[int, int]]
) -> None:
    case_id, organizer = make_fight(S.READY)
    with app.app_context():
        # Setup's contact from the target would come before the corrected delivery date.
        delete_all(db.session.get_one(Case, case_id), db.session.get_one(Case, case_id).contacts)
        case = move(case_id, "deliver", organizer)  # 2 Nov 18:30 UTC = 2 Nov in Seattle
        db.session.commit()
        assert case.deadline_on == date(2026, 11, 16)
        due = dict(db.session.execute(select(Task.rule_key, Task.due_on).where(
            Task.due_from == "deadline")).all())
        assert due == {"check_deadline": date(2026, 11, 16)}
        add_rule_task(case, DEADLINE_PASSED_TASK, date(2026, 11, 17), None)
        correct_delivery_date(case_id, db.session.get_one(User, organizer),
                              NOW + timedelta(days=3), case.version)
        db.session.commit()
        due = dict(db.session.execute(select(Task.rule_key, Task.due_on).where(
            Task.due_from == "deadline")).all())
        assert due == {"check_deadline": date(2026, 11, 19), "plan_escalation": date(2026, 11, 20)}
        assert db.session.get_one(Case, case_id).deadline_on == date(2026, 11, 19)


def test_a_delivery_late_in_the_evening_counts_on_the_networks_calendar_day(
    app: Flask, make_fight: Callable[..., tuple[int, int]]
) -> None:
    case_id, organizer = make_fight(S.READY)
    late = full_input("deliver")
    assert late.delivery is not None
    evening = MoveInput(**{**vars(late), "delivery": type(late.delivery)(
        **{**vars(late.delivery), "delivered_at": NOW.replace(day=3, hour=5)})})  # 2 Nov 21:00 PST
    with app.app_context():
        assert move(case_id, "deliver", organizer, evening).deadline_on == date(2026, 11, 16)


def test_win_records_the_outcome_and_a_payment_check_a_week_later(
    app: Flask, make_fight: Callable[..., tuple[int, int]]
) -> None:
    case_id, organizer = make_fight(S.NEGOTIATING)
    with app.app_context():
        add_rule_task(db.session.get_one(Case, case_id), DEADLINE_PASSED_TASK, NOW.date(), None)
        case = move(case_id, "win", organizer)
        db.session.commit()
        assert case.outcome is not None
        assert (case.outcome.kind, case.outcome.amount_recovered) == (OutcomeKind.FULL,
                                                                      Decimal("2160.00"))
        task = db.session.scalars(select(Task).where(Task.rule_key == "confirm_payment")).one()
        assert task.due_on == date(2026, 11, 27)
        assert task.assignee_id == organizer
        still_open = db.session.scalars(select(Task.rule_key).where(
            Task.case_id == case_id, Task.is_done.is_(False))).all()
        assert still_open == ["confirm_payment"]  # the earlier states' tasks were closed
        event = db.session.scalars(select(Event).where(Event.trigger == "win")).one()
        assert (event.from_state, event.to_state, event.note) == (
            "negotiating", "won", "Won in full: $2,160.00")


def test_reopen_returns_where_the_fight_ended_and_declined_goes_back_to_screening(
    app: Flask, make_fight: Callable[..., tuple[int, int]], make_user: Callable[..., int]
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    won, organizer = make_fight(S.DELIVERED)
    proposed, _ = make_fight(S.PROPOSED, organizer)
    with app.app_context():
        move(won, "win", organizer)
        move(proposed, "decline", organizer, MoveInput(decline_reason=DeclineReason.NOT_WINNABLE))
        db.session.commit()
        assert move(won, "reopen", coordinator).state == S.DELIVERED
        assert move(proposed, "reopen", coordinator).state == S.SCREENING
        db.session.commit()
        assert db.session.get_one(Case, proposed).decline_reason == DeclineReason.NOT_WINNABLE


def test_offers_with_conditions_need_a_binding_decision_before_acceptance(
    app: Flask, make_fight: Callable[..., tuple[int, int]]
) -> None:
    from casework.fight.services import (
        ConsentInput,
        ContactInput,
        RecordRefused,
        decide_offer,
        log_contact,
        record_consent,
    )
    from casework.models import ConsentMethod, ConsentSubject, ContactChannel

    case_id, organizer = make_fight(S.NEGOTIATING, amount_claimed=Decimal("2160.00"))
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        user = db.session.get_one(User, organizer)
        add_delivery(case)
        offer = log_contact(case, user, ContactInput(
            happened_at=NOW, channel=ContactChannel.LAWYER, summary="Letter from a lawyer",
            is_offer=True, offer_amount=Decimal("1500"), offer_conditions="Sign an NDA"))
        with pytest.raises(RecordRefused, match="record the meeting's vote"):
            decide_offer(offer, case, user, accept=True)
        db.session.add(Decision(case=case, kind=DecisionKind.ACCEPT_OFFER, offer_id=offer.id,
                                meeting_on=date(2026, 11, 10), proposal="Accept 1500 + NDA",
                                votes_for=9, votes_against=3))
        with pytest.raises(RecordRefused, match="member's consent"):  # the vote alone: no
            decide_offer(offer, case, user, accept=True)
        record_consent(case, user, ConsentInput(
            subject=ConsentSubject.OFFER, offer_id=offer.id, given_on=date(2026, 11, 10),
            method=ConsentMethod.PHONE))
        decide_offer(offer, case, user, accept=True)
        assert offer.offer_status is not None and offer.offer_status.value == "accepted"


def test_tick_marks_passed_deadlines_once_and_creates_one_escalation_task(
    app: Flask, make_fight: Callable[..., tuple[int, int]], runner: Any
) -> None:
    past, _ = make_fight(S.DELIVERED)
    future, _ = make_fight(S.DELIVERED)
    with app.app_context():
        db.session.get_one(Case, future).deadline_on = date.today() + timedelta(days=3)
        db.session.commit()
    first = runner.invoke(args=["casework", "tick"])
    second = runner.invoke(args=["casework", "tick"])
    assert "1 fight(s) newly past their deadline" in first.output
    assert "SEA-" in first.output
    assert "0 fight(s) newly past" in second.output
    with app.app_context():
        assert db.session.get_one(Case, past).deadline_passed_at is not None
        assert db.session.get_one(Case, future).deadline_passed_at is None
        tasks = db.session.scalars(select(Task).where(Task.rule_key == "plan_escalation")).all()
        assert [(t.case_id, t.title) for t in tasks] == [
            (past, "Deadline passed: plan the first escalation")]
    with app.app_context():
        assert tick_deadlines().marked_passed == []


def test_retaliation_opens_a_linked_case_for_the_same_person(
    app: Flask, make_fight: Callable[..., tuple[int, int]], login_as: Callable[[int], Any]
) -> None:
    case_id, organizer = make_fight(S.WON)
    client = login_as(organizer)
    page = client.post(f"/cases/{case_id}/retaliation", follow_redirects=True).get_data(
        as_text=True)
    assert "Retaliation case SEA-" in page and "Follows" in page
    with app.app_context():
        new = db.session.scalars(select(Case).where(Case.linked_case_id == case_id)).one()
        old = db.session.get_one(Case, case_id)
        assert new.person_id == old.person_id and new.target_id == old.target_id
        assert new.state == S.INQUIRY and new.is_on_team(old.team[0])
