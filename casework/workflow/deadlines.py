"""Deadlines: correcting the delivery date, and `tick`, which notices deadlines that passed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from casework.clock import network_today
from casework.errors import PermissionDenied, StaleCase
from casework.extensions import db
from casework.fight.dates import delivery_date_problem
from casework.fight.services import RecordRefused
from casework.models import Case, Event, EventKind, Network, User
from casework.models.base import utcnow
from casework.reports.fight_figures import refresh_fight_figures
from casework.solidarity.appeals import share_status
from casework.system_text import N_, date_value, system_note
from casework.workflow.service import lock_case, set_deadline
from casework.workflow.task_rules import (
    DEADLINE_PASSED_TASK,
    DEADLINE_WATCHED_STATES,
    add_rule_task,
    reschedule_tasks,
)

WATCHED_STATES = DEADLINE_WATCHED_STATES


def correct_delivery_date(case_id: int, actor: User, delivered_at: datetime,
                          seen_version: int) -> Case:
    """Fix the recorded delivery time; the deadline and the tasks counted from it move."""
    case = lock_case(case_id)
    if case.version != seen_version:
        raise StaleCase(None)
    delivery = case.delivery
    if delivery is None or not case.can_edit(actor):
        raise PermissionDenied("There is no delivery you may correct on this case.")
    problem = delivery_date_problem(case, delivered_at, network_today(case.network))
    if problem:
        raise RecordRefused(problem, "delivered_at")
    delivery.delivered_at = delivered_at
    set_deadline(case, delivery)
    if case.deadline_on is not None:
        reschedule_tasks(case, "deadline", case.deadline_on)
    case.updated_at = utcnow()
    db.session.add(Event(case=case, actor=actor, kind=EventKind.UPDATED,
                         changed_fields=["delivered_at", "deadline_on"],
                         **system_note(N_("Delivery date corrected; deadline and tasks moved"))))
    db.session.flush()
    refresh_fight_figures(case)
    return case


@dataclass(frozen=True)
class TickReport:
    checked: int
    marked_passed: list[str]


def tick_deadlines() -> TickReport:
    """Mark fights whose deadline passed and give each an escalation task. Idempotent."""
    marked: list[str] = []
    checked = 0
    for network in db.session.scalars(select(Network)):
        today = network_today(network)
        due = db.session.scalars(
            select(Case.id).where(
                Case.network_id == network.id, Case.state.in_(WATCHED_STATES),
                Case.deadline_on < today, Case.deadline_passed_at.is_(None),
            ).order_by(Case.id)
        ).all()
        checked += len(due)
        for case_id in due:
            case = lock_case(case_id)
            if case.deadline_passed_at is not None or case.state not in WATCHED_STATES:
                continue  # another tick got here first
            case.deadline_passed_at = utcnow()
            db.session.add(Event(case=case, kind=EventKind.NOTE,
                                 **system_note(N_("The deadline (%(day)s) passed"),
                                               day=date_value(case.deadline_on))))
            add_rule_task(case, DEADLINE_PASSED_TASK, today, None)
            share_status(case)
            marked.append(case.reference)
        db.session.flush()
    return TickReport(checked=checked, marked_passed=marked)
