"""Applying a move to a case: lock, re-read, check, move, record — in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from transitions import MachineError

from casework.cases.services import last_editor_name
from casework.clock import local_date_of, network_today
from casework.errors import CaseworkError, PermissionDenied, StaleCase
from casework.extensions import db
from casework.fight.dates import delivery_date_problem, outcome_date_problem
from casework.fight.services import RecordRefused
from casework.letters.services import freeze_demand_letter, start_revision
from casework.models import Case, Delivery, Event, EventKind, Outcome, User
from casework.models.base import utcnow
from casework.reports.fight_figures import refresh_fight_figures
from casework.solidarity.appeals import share_status
from casework.system_text import N_, enum_value, money_value, system_note
from casework.workflow.machine import Fight, build_machine
from casework.workflow.moves import MoveInput
from casework.workflow.states import ENDED_STATES, CaseState
from casework.workflow.table import BY_TRIGGER, Transition, transitions_from
from casework.workflow.task_rules import close_passed_state_tasks, create_state_tasks


class TransitionNotAllowed(CaseworkError):
    """The move does not exist from this state, or something it needs is missing."""

    def __init__(self, reasons: list[str]) -> None:
        self.reasons = reasons
        super().__init__(" ".join(reasons))


@dataclass(frozen=True)
class MoveOption:
    """A move from the case's current state, as the case page shows it."""

    transition: Transition
    blocked_by: list[str]

    @property
    def is_available(self) -> bool:
        return not self.blocked_by


def lock_case(case_id: int) -> Case:
    """Re-read the case inside the transaction, holding its row lock until commit.

    PostgreSQL takes ``SELECT … FOR UPDATE``; on SQLite requests that may write already began
    their transaction with ``BEGIN IMMEDIATE`` (casework.database), which locks the database.
    """
    statement = select(Case).where(Case.id == case_id).execution_options(populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(of=Case)
    return db.session.scalars(statement).one()


def apply_transition(case_id: int, trigger: str, actor: User, move: MoveInput,
                     seen_version: int, today: date | None = None) -> Case:
    """Move the case; raises StaleCase, PermissionDenied or TransitionNotAllowed."""
    case = lock_case(case_id)
    if case.is_joined:
        raise TransitionNotAllowed([_(
            "This fight is led by %(network)s: it moves when theirs does.",
            network=case.joint_with)])
    transition = BY_TRIGGER.get(trigger)
    if transition is None:
        raise TransitionNotAllowed([_("There is no move called “%(move)s”.", move=trigger)])
    if not case.can_move(actor, coordinator_only=transition.coordinator_only):
        raise PermissionDenied(
            _("Only a coordinator can make the move “%(move)s” on this fight.",
              move=transition.label) if transition.coordinator_only else
            _("Only the case team can make the move “%(move)s” on this fight.",
              move=transition.label))
    if case.version != seen_version:
        raise StaleCase(last_editor_name(case))
    today = today or network_today(case.network)
    check_move_dates(case, move, trigger, today)
    source = case.state
    fight = Fight(case=case, move=move, today=today)
    build_machine(fight)
    try:
        moved = fight.trigger(trigger)
    except MachineError as error:
        raise TransitionNotAllowed(
            [_("A fight in “%(state)s” cannot move with “%(move)s”.", state=source.label,
               move=transition.label)]
        ) from error
    if not moved:
        raise TransitionNotAllowed(fight.missing or [_("Nothing to go back to.")])
    dest = CaseState(fight.state)
    note_fields = record_move(case, transition, source, dest, actor, move)
    case.state = dest
    case.state_changed_at = utcnow()
    db.session.add(Event(case=case, actor=actor, kind=EventKind.TRANSITION, from_state=source,
                         to_state=dest, trigger=trigger, **note_fields))
    if dest != CaseState.PAUSED:  # a paused fight resumes where it was: its tasks wait
        close_passed_state_tasks(case, dest, actor)
    if dest not in (CaseState.PAUSED,) and trigger not in ("resume", "reopen"):
        create_state_tasks(case, dest, today, actor)
    db.session.flush()
    refresh_fight_figures(case)
    share_status(case)
    return case


def check_move_dates(case: Case, move: MoveInput, trigger: str, today: date) -> None:
    """The delivery and the outcome a move records must have possible dates."""
    if trigger == "deliver" and move.delivery is not None:
        problem = delivery_date_problem(case, move.delivery.delivered_at, today)
        if problem:
            raise RecordRefused(problem, "delivered_at")
    if trigger in ("win", "close") and move.outcome is not None:
        problem = outcome_date_problem(case, move.outcome.decided_on, today)
        if problem:
            raise RecordRefused(problem, "decided_on")


# A note that is only a label (a decline's reason, an outcome): nothing else to translate.
WHOLE = "%(why)s"


def record_move(case: Case, transition: Transition, source: CaseState, dest: CaseState,
                actor: User, move: MoveInput) -> dict[str, Any]:
    """The records a move writes besides the state; returns the timeline note's ``Event``
    keywords (what the app says is translated when shown, what the user typed is not)."""
    trigger = transition.trigger
    if dest == CaseState.PAUSED:
        case.paused_from = source
    if trigger == "resume":
        case.paused_from = None
    if dest in ENDED_STATES:
        case.ended_from = source
    if trigger == "reopen":
        case.ended_from = None
    if trigger == "revise_letter":
        start_revision(case, actor)
    if trigger == "decline" and move.decline_reason is not None:
        case.decline_reason = move.decline_reason
        case.referred_to = move.referred_to
        why, place, typed = enum_value(move.decline_reason), move.referred_to, move.reason
        if place:
            return system_note(N_("%(why)s to %(place)s. %(note)s") if typed
                               else N_("%(why)s to %(place)s."), why=why, place=place,
                               note=typed)
        return system_note(N_("%(why)s. %(note)s") if typed else WHOLE, why=why, note=typed)
    if trigger == "deliver" and move.delivery is not None:
        return record_delivery(case, actor, move)
    if trigger in ("win", "close") and move.outcome is not None:
        outcome = move.outcome
        db.session.add(Outcome(
            case=case, kind=outcome.kind, amount_recovered=outcome.amount_recovered,
            decided_on=outcome.decided_on, conditions=outcome.conditions,
            debrief=outcome.debrief, recorded_by_id=actor.id,
        ))
        if outcome.amount_recovered:
            return system_note(N_("%(outcome)s: %(amount)s"), outcome=enum_value(outcome.kind),
                               amount=money_value(outcome.amount_recovered))
        return system_note(WHOLE, why=enum_value(outcome.kind))
    return {"note": move.reason}


def record_delivery(case: Case, actor: User, move: MoveInput) -> dict[str, Any]:
    delivery = move.delivery
    assert delivery is not None  # noqa: S101 - checked by the deliver guard
    record = Delivery(case=case, recorded_by_id=actor.id, **vars(delivery))
    db.session.add(record)
    set_deadline(case, record)
    freeze_demand_letter(case, actor, local_date_of(record.delivered_at, case.network))
    return system_note(N_("Delivered at %(place)s by %(who)s; turnout %(turnout)s"),
                       place=delivery.place, who=delivery.handed_over_by,
                       turnout=delivery.turnout)


def set_deadline(case: Case, delivery: Delivery) -> None:
    """The deadline is the delivery day (in the network's zone) plus the letter's rule."""
    delivered_on = local_date_of(delivery.delivered_at, case.network)
    days = case.deadline_days or case.network.default_deadline_days
    case.deadline_on = delivered_on + timedelta(days=days)
    case.deadline_passed_at = None


def moves_for(case: Case, user: User, today: date | None = None) -> list[MoveOption]:
    """Every move from the case's state the user could make, each available or blocked."""
    today = today or network_today(case.network)
    options: list[MoveOption] = []
    if case.is_joined:  # it follows the initiator's fight
        return options
    for transition in transitions_from(case.state):
        if not case.can_move(user, coordinator_only=transition.coordinator_only):
            continue
        options.append(MoveOption(transition, transition.guard.records(case, today)))
    return options
