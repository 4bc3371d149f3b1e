"""The lists of 'My work': each shows its first few rows and says how many there are in all.

Every list is ordered and cut in SQL and counted in SQL, so the page sends the same statements
whether a list holds 3 rows or 3,000; the rest of a long list is a link to the case list,
filtered to the same cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, literal_column, select
from sqlalchemy.orm import contains_eager, joinedload

from casework.cases.queries import is_overdue_task, is_past_deadline
from casework.extensions import db
from casework.models import Case, Role, Task, User, case_team
from casework.workflow.states import OPEN_STATES

SHOWN = 25  # rows per list; the rest are counted and left to the case list

Row = TypeVar("Row")


@dataclass(frozen=True)
class Shortlist(Generic[Row]):
    rows: list[Row]
    total: int

    @property
    def more(self) -> int:
        """How many rows of the list are not shown."""
        return max(self.total - len(self.rows), 0)


def shortlist(query: Select[Any], limit: int | None = None) -> Shortlist[Any]:
    """The query's first ``limit`` rows, and how many rows it has. Two statements, always: the
    rows straight from an index in the query's order, cut by LIMIT; the count reads only the
    keys (a window count would build and sort every row of a long list)."""
    rows = list(db.session.scalars(query.limit(limit or SHOWN)))
    keys = query.order_by(None).with_only_columns(literal_column("1")).subquery()
    return Shortlist(rows, db.session.scalar(select(func.count()).select_from(keys)) or 0)


def my_open_cases_query(user: User) -> Select[Any]:
    """The user's open cases: those they are on the team of (intake: those they logged).
    A join, not EXISTS, so the database starts from the user's few team rows instead of
    probing every open case of the network."""
    query = select(Case).options(joinedload(Case.target)).where(
        Case.network_id == user.network_id, Case.state.in_(OPEN_STATES))
    if user.role == Role.INTAKE:
        return query.where(Case.created_by_id == user.id)
    return query.join(case_team, case_team.c.case_id == Case.id).where(
        case_team.c.user_id == user.id)


def my_open_cases(user: User) -> Shortlist[Case]:
    """The user's open cases, newest first (as the case list orders them)."""
    return shortlist(my_open_cases_query(user).order_by(Case.id.desc()))


def my_deadlines(user: User) -> Shortlist[Case]:
    """The user's open cases with a deadline, soonest (or longest passed) first."""
    return shortlist(my_open_cases_query(user).where(Case.deadline_on.is_not(None))
                     .order_by(Case.deadline_on, Case.id))


def past_deadline(user: User, today: date) -> Shortlist[Case]:
    """The network's fights still waiting on a deadline that passed, longest passed first."""
    return shortlist(
        select(Case).options(joinedload(Case.target))
        .where(Case.network_id == user.network_id, is_past_deadline(today))
        .order_by(Case.deadline_on, Case.id))


def my_tasks(user: User, today: date, *, overdue: bool) -> Shortlist[Task]:
    """The user's open tasks due before today (``overdue``) or not, soonest due first
    (undated ones last), with their cases."""
    return shortlist(
        select(Task).join(Case, Case.id == Task.case_id).options(contains_eager(Task.case))
        .where(Task.assignee_id == user.id, Task.is_done.is_(False),
               Case.network_id == user.network_id, is_overdue_task(today, overdue=overdue))
        # Overdue tasks all have a date: their order is the index's, no sort of the list.
        .order_by(*([] if overdue else [Task.due_on.is_(None)]), Task.due_on, Task.id))
