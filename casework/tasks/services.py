"""Tasks on a case: add, complete, close as no longer needed, reopen; and 'My work'."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from casework.errors import PermissionDenied
from casework.extensions import db
from casework.models import Case, Event, EventKind, Task, User
from casework.models.base import utcnow
from casework.system_text import N_, system_note, task_note, task_value
from casework.workflow.task_rules import mark_no_longer_needed


def add_task(
    case: Case, author: User, title: str, assignee: User | None, due_on: date | None
) -> Task:
    """Add a task to a case; the assignee must be on the team or have logged the case."""
    if not case.can_edit(author):
        raise PermissionDenied(_("You may not add tasks to this case."))
    may_be_assigned = assignee is None or case.is_on_team(assignee) \
        or assignee.id == case.created_by_id
    if not may_be_assigned:
        raise PermissionDenied(_("Tasks can only be assigned to the case team."))
    task = Task(case=case, title=title, assignee=assignee, due_on=due_on, created_by_id=author.id)
    db.session.add(task)
    db.session.add(Event(case=case, actor=author, kind=EventKind.TASK_ADDED, note=title))
    db.session.flush()
    return task


def set_task_done(task: Task, actor: User, is_done: bool) -> None:
    """Mark a task done (or open again), recording it on the timeline."""
    if not task.case.can_edit(actor):
        raise PermissionDenied(_("You may not change tasks on this case."))
    if task.was_done == is_done and task.is_done == is_done:
        return
    task.is_done = is_done
    task.done_at = utcnow() if is_done else None
    task.no_longer_needed_at = None
    kind = EventKind.TASK_DONE if is_done else EventKind.TASK_REOPENED
    db.session.add(Event(case=task.case, actor=actor, kind=kind, **task_note(task)))
    db.session.flush()


def set_task_no_longer_needed(task: Task, actor: User) -> None:
    """Close an open task nobody needs to do any more (it is not recorded as done)."""
    if not task.case.can_edit(actor):
        raise PermissionDenied(_("You may not change tasks on this case."))
    if task.is_done:
        return
    mark_no_longer_needed(task)
    db.session.add(Event(case=task.case, actor=actor, kind=EventKind.TASK_NO_LONGER_NEEDED,
                         **system_note(N_("Task no longer needed: “%(task)s”"),
                                       task=task_value(task))))
    db.session.flush()


def open_tasks_of(user: User, limit: int = 200) -> list[Task]:
    """The user's open tasks, soonest due first (undated ones last)."""
    return list(db.session.scalars(
        select(Task)
        .join(Case, Case.id == Task.case_id)
        .where(Task.assignee_id == user.id, Task.is_done.is_(False),
               Case.network_id == user.network_id)
        .order_by(Task.due_on.is_(None), Task.due_on, Task.id)
        .limit(limit)
    ))
