"""Standard tasks a state creates, due a number of days after a reference date.

``due_from`` names the reference: "entered" (the day the case entered the state),
"deadline" (the letter's deadline) or "outcome" (the day the fight was decided). When that
date changes, open tasks counted from it move with it (see ``reschedule_tasks``). When the
fight moves past the states a task belongs to, or ends, the task is closed as no longer needed
(``close_passed_state_tasks``), never marked done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from casework.extensions import db
from casework.i18n import N_
from casework.models import Case, Event, EventKind, Task, User
from casework.models.base import utcnow
from casework.system_text import system_note, task_value
from casework.workflow.states import CaseState as S


@dataclass(frozen=True)
class TaskRule:
    key: str
    title: str
    due_from: str
    offset_days: int


STATE_TASKS: dict[S, tuple[TaskRule, ...]] = {
    S.SCREENING: (TaskRule("screening_meeting",
                           N_("Meet the member: facts, evidence, how the amount was computed"),
                           "entered", 3),),
    S.PROPOSED: (TaskRule("meeting_vote", N_("Bring the fight to the weekly meeting for a vote"),
                          "entered", 7),),
    S.DRAFTING: (TaskRule("draft_letter", N_("Draft the demand letter with the member"),
                          "entered", 5),),
    S.READY: (TaskRule("plan_delivery", N_("Plan the delivery: date, place, turnout, roles"),
                       "entered", 3),),
    S.DELIVERED: (TaskRule("check_deadline", N_("Check the deadline: did the target answer?"),
                           "deadline", 0),),
    S.ESCALATING: (TaskRule("next_action", N_("Plan and schedule the next action"),
                            "entered", 2),),
    S.NEGOTIATING: (TaskRule("offer_to_meeting",
                             N_("Bring the offer to the meeting and the member"), "entered", 3),),
    S.WON: (TaskRule("confirm_payment", N_("Confirm the payment cleared"), "outcome", 7),),
}

# Created by `tick` once the deadline has passed, due the day after it.
DEADLINE_PASSED_TASK = TaskRule("plan_escalation",
                                N_("Deadline passed: plan the first escalation"), "deadline", 1)
DEADLINE_WATCHED_STATES = (S.DELIVERED, S.NEGOTIATING)
# The titles are stored in English and translated when shown (casework.system_text).
RULES_BY_KEY = {rule.key: rule for rules in (*STATE_TASKS.values(), (DEADLINE_PASSED_TASK,))
                for rule in rules}


def states_needing(rule_key: str) -> frozenset[S]:
    """The states in which a rule's task still has something to do."""
    if rule_key == DEADLINE_PASSED_TASK.key:
        return frozenset(DEADLINE_WATCHED_STATES)
    return frozenset(state for state, rules in STATE_TASKS.items()
                     if any(rule.key == rule_key for rule in rules))


def reference_date(case: Case, due_from: str, today: date) -> date | None:
    """The date a rule counts from, or None when the case has no such date yet."""
    if due_from == "deadline":
        return case.deadline_on
    if due_from == "outcome":
        return case.outcome.decided_on if case.outcome else None
    return today


def add_rule_task(case: Case, rule: TaskRule, today: date, author: User | None) -> Task | None:
    """Create a rule's task unless the case already has it open (keeps `tick` idempotent)."""
    already_open = db.session.scalars(
        select(Task.id).where(Task.case_id == case.id, Task.rule_key == rule.key,
                              Task.is_done.is_(False))
    ).first()
    if already_open is not None:
        return None
    start = reference_date(case, rule.due_from, today)
    task = Task(
        case=case, title=rule.title, rule_key=rule.key, due_from=rule.due_from,
        due_offset_days=rule.offset_days,
        due_on=start + timedelta(days=rule.offset_days) if start else None,
        assignee=case.team[0] if case.team else None,
        created_by_id=author.id if author else None,
    )
    db.session.add(task)
    return task


def create_state_tasks(case: Case, state: S, today: date, author: User | None) -> list[Task]:
    """The standard tasks of the state the case just entered."""
    created = [add_rule_task(case, rule, today, author) for rule in STATE_TASKS.get(state, ())]
    return [task for task in created if task is not None]


def reschedule_tasks(case: Case, due_from: str, new_reference: date) -> int:
    """Move the open tasks counted from ``due_from`` after that date changed."""
    moved = 0
    for task in db.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.due_from == due_from,
                           Task.is_done.is_(False))
    ):
        due = new_reference + timedelta(days=task.due_offset_days or 0)
        if task.due_on != due:
            task.due_on = due
            moved += 1
    return moved


def mark_no_longer_needed(task: Task) -> None:
    """Close a task nobody did because there is nothing left to do (never "done")."""
    task.is_done = True
    task.done_at = None
    task.no_longer_needed_at = utcnow()


def close_passed_state_tasks(case: Case, state: S, actor: User | None) -> list[Task]:
    """The fight is now in ``state`` (or ended there): the open tasks earlier states created
    that have nothing left to do here are closed as no longer needed, with a timeline entry."""
    closed = []
    for task in db.session.scalars(
        select(Task).where(Task.case_id == case.id, Task.rule_key.is_not(None),
                           Task.is_done.is_(False)).order_by(Task.id)
    ):
        if state not in states_needing(task.rule_key or ""):
            mark_no_longer_needed(task)
            db.session.add(Event(case=case, actor=actor, kind=EventKind.TASK_NO_LONGER_NEEDED,
                                 **system_note(N_("Task no longer needed: “%(task)s”"),
                                               task=task_value(task))))
            closed.append(task)
    return closed
