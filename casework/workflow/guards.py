"""Guards: each returns what is missing, in words an organizer understands (empty = allowed).

A guard is split in two: ``records`` checks what must already be recorded on the case (the
case page uses it to show a move as blocked), ``inputs`` checks what the move's own form
supplies (a reason, the delivery record, the outcome).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _

from casework.letters.services import demand_letter_missing
from casework.models import (
    CLOSE_KINDS,
    WIN_KINDS,
    Case,
    ConsentSubject,
    DecisionKind,
    DeclineReason,
)
from casework.workflow.moves import MoveInput

RecordCheck = Callable[[Case, date], list[str]]
InputCheck = Callable[[Case, MoveInput, date], list[str]]


def nothing_recorded(_case: Case, _today: date) -> list[str]:
    return []


def no_input(_case: Case, _move: MoveInput, _today: date) -> list[str]:
    return []


def first_name(case: Case) -> str:
    return case.person.name.split()[0] if case.person.name.strip() else _("the member")


def organizer_assigned(case: Case, _today: date) -> list[str]:
    if not case.team:
        return [_("Assign an organizer to the case team before screening starts.")]
    return []


def ready_to_propose(case: Case, _today: date) -> list[str]:
    missing = []
    if not case.has_contact_route:
        missing.append(_("Record a safe way to reach %(name)s.", name=first_name(case)))
    if not case.summary.strip():
        missing.append(_("Write a summary of the fight."))
    if not case.winnability_notes.strip():
        missing.append(_("Write the winnability assessment in the screening notes."))
    return missing


def meeting_voted_and_member_consents(case: Case, _today: date) -> list[str]:
    """The meeting's vote carried, and the member's own consent is on record (apart)."""
    decisions = [d for d in case.decisions if d.kind == DecisionKind.TAKE_FIGHT]
    missing = []
    if not decisions:
        missing.append(_("Record the meeting's vote on taking the fight."))
    elif not decisions[-1].is_carried:
        missing.append(_("The meeting's latest vote did not carry: record a vote that does."))
    if not any(c.subject == ConsentSubject.DEMANDS for c in case.consents):
        missing.append(_("Record %(name)s's consent to the demands.", name=first_name(case)))
    return missing


def letter_ready(case: Case, _today: date) -> list[str]:
    missing = []
    if not case.demands:
        missing.append(_("Add at least one demand."))
    if not case.deadline_days:
        missing.append(_("Choose the deadline rule (days after delivery)."))
    return missing + demand_letter_missing(case)


def contact_logged(case: Case, _today: date) -> list[str]:
    if not case.contacts:
        return [_("Log the contact or offer from the target first.")]
    return []


def deadline_passed_or_reason(case: Case, move: MoveInput, today: date) -> list[str]:
    deadline_passed = case.deadline_on is not None and case.deadline_on < today
    if deadline_passed or move.reason.strip():
        return []
    return [_("The deadline has not passed yet: give the reason to escalate now "
              "(e.g. retaliation).")]


def reason_given(_case: Case, move: MoveInput, _today: date) -> list[str]:
    return [] if move.reason.strip() else [_("Give a reason.")]


def decline_reason_given(_case: Case, move: MoveInput, _today: date) -> list[str]:
    if move.decline_reason is None:
        return [_("Choose why the fight is declined.")]
    if move.decline_reason == DeclineReason.REFERRED and not move.referred_to.strip():
        return [_("Say where the person was referred.")]
    return []


def delivery_recorded(_case: Case, move: MoveInput, _today: date) -> list[str]:
    delivery = move.delivery
    if delivery is None:
        return [_("Record the delivery: date and time, place and who handed it over.")]
    missing = []
    if not delivery.place.strip():
        missing.append(_("Record where the letter was delivered."))
    if not delivery.handed_over_by.strip():
        missing.append(_("Record who handed the letter over."))
    return missing


def win_recorded(_case: Case, move: MoveInput, _today: date) -> list[str]:
    outcome = move.outcome
    if outcome is None or outcome.kind not in WIN_KINDS:
        return [_("Choose how the fight was won: in full, more than owed, or partial.")]
    if outcome.amount_recovered is None:
        return [_("Record the amount recovered (0 if the win was not money).")]
    return []


def close_recorded(_case: Case, move: MoveInput, _today: date) -> list[str]:
    outcome = move.outcome
    if outcome is None or outcome.kind not in CLOSE_KINDS:
        return [_("Choose how the fight ended: lost, withdrawn, referred out or moot.")]
    if not outcome.debrief.strip():
        return [_("Write a short debrief: what happened and what we learned.")]
    return []


@dataclass(frozen=True)
class Guard:
    records: RecordCheck = nothing_recorded
    inputs: InputCheck = no_input

    def missing(self, case: Case, move: MoveInput, today: date) -> list[str]:
        """Everything that stops the move, records first."""
        return self.records(case, today) + self.inputs(case, move, today)
