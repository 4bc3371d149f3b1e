"""The case page's summary: where the fight stands and what comes next, from what the page
already loaded (no query of its own)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casework.clock import local_date_of
from casework.models import Action, ActionStatus, Case, Task, User


@dataclass(frozen=True)
class CaseSummary:
    """What the top of the case page says about the fight."""

    state_since: date
    days_in_state: int
    deadline_on: date | None
    days_to_deadline: int | None  # negative once the deadline has passed
    next_action: Action | None
    my_next_task: Task | None


def summary_of(case: Case, user: User, tasks: list[Task], today: date) -> CaseSummary:
    """The summary for ``user``: ``tasks`` are the case's tasks the page shows (may be none)."""
    since = local_date_of(case.state_changed_at, case.network)
    return CaseSummary(
        state_since=since,
        days_in_state=max((today - since).days, 0),
        deadline_on=case.deadline_on,
        days_to_deadline=(case.deadline_on - today).days if case.deadline_on else None,
        next_action=next_planned_action(case),
        my_next_task=next_task_of(user, tasks),
    )


def next_planned_action(case: Case) -> Action | None:
    """The first planned action on the ladder (its order is the plan's order)."""
    return next((a for a in case.actions if a.status == ActionStatus.PLANNED), None)


def next_task_of(user: User, tasks: list[Task]) -> Task | None:
    """The user's open task due soonest (undated tasks last)."""
    mine = [t for t in tasks if t.assignee_id == user.id and not t.is_done]
    return min(mine, key=lambda t: (t.due_on is None, t.due_on or date.min, t.id), default=None)
