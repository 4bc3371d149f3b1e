"""The lists of 'My work': each shows its first few rows and says how many there are in all.

Every list is ordered and cut in SQL and counted in SQL, so the page sends the same statements
whether a list holds 3 rows or 3,000; the rest of a long list is a link to the case list,
filtered to the same cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

from sqlalchemy import Row, Select, func, literal_column, select

from casework.cases.queries import is_overdue_task, is_past_deadline
from casework.extensions import db
from casework.models import Case, Role, Target, Task, User, case_team
from casework.workflow.states import OPEN_STATES

SHOWN = 25  # rows per list; the rest are counted and left to the case list
# Counting stops this far past the rows shown ("100+ more"): a count that grows with the list
# would grow with the network.
COUNTED_PAST_SHOWN = 100

Item = TypeVar("Item")

# What the lists show of a fight and of a task, read as plain rows: loading a Case entity
# (and its target) for each of a hundred rows was most of the page's time. The target's name
# is a subquery rather than a join, so that the lists' counts, which keep only the query's
# conditions, read no target.
TARGET_NAME = (select(Target.name).where(Target.id == Case.target_id).correlate(Case)
               .scalar_subquery().label("target_name"))
CASE_COLUMNS: tuple[Any, ...] = (
    Case.id, Case.reference, Case.state, Case.summary, Case.deadline_on, Case.issue_type,
    Case.source, Case.urgency, Case.created_at, TARGET_NAME)
TASK_COLUMNS: tuple[Any, ...] = (
    Task.id, Task.case_id, Task.title, Task.rule_key, Task.due_on,
    Case.reference.label("case_reference"))


@dataclass(frozen=True)
class Shortlist(Generic[Item]):
    rows: list[Item]
    total: int  # counted up to len(rows) + COUNTED_PAST_SHOWN
    is_cut: bool = False  # the list holds more than ``total``

    @property
    def more(self) -> int:
        """How many rows of the list are not shown (at least)."""
        return max(self.total - len(self.rows), 0)

    @property
    def total_text(self) -> str:
        return f"{self.total}+" if self.is_cut else str(self.total)

    @property
    def more_text(self) -> str:
        return f"{self.more}+" if self.is_cut else str(self.more)


def shortlist(query: Select[Any], limit: int = SHOWN,
              parts: list[Select[Any]] | None = None) -> Shortlist[Any]:
    """The first ``limit`` rows of ``query`` (or of its ``parts`` one after the other), and
    how many rows it has up to a cap. Both from indexes, cut by LIMIT, never a walk through
    the whole list: the same statements whether it holds 3 rows or 30,000."""
    rows = [row for part in parts or [query] for row in db.session.execute(part.limit(limit))]
    most = limit + COUNTED_PAST_SHOWN
    keys: Select[Any] = query.order_by(None).with_only_columns(literal_column("1")).limit(most + 1)
    counted = db.session.scalar(select(func.count()).select_from(keys.subquery())) or 0
    return Shortlist(rows[:limit], min(counted, most), counted > most)


def my_open_cases_query(user: User) -> Select[Any]:
    """The user's open cases: those they are on the team of (intake: those they logged).
    A join, not EXISTS, so the database starts from the user's few team rows instead of
    probing every open case of the network."""
    query = select(*CASE_COLUMNS).where(
        Case.network_id == user.network_id, Case.state.in_(OPEN_STATES))
    if user.role == Role.INTAKE:
        return query.where(Case.created_by_id == user.id)
    return query.join(case_team, case_team.c.case_id == Case.id).where(
        case_team.c.user_id == user.id)


def my_open_cases(user: User) -> Shortlist[Row[Any]]:
    """The user's open cases, newest first (as the case list orders them)."""
    return shortlist(my_open_cases_query(user).order_by(Case.id.desc()))


def my_deadlines(user: User) -> Shortlist[Row[Any]]:
    """The user's open cases with a deadline, soonest (or longest passed) first."""
    return shortlist(my_open_cases_query(user).where(Case.deadline_on.is_not(None))
                     .order_by(Case.deadline_on, Case.id))


def past_deadline(user: User, today: date) -> Shortlist[Row[Any]]:
    """The network's fights still waiting on a deadline that passed, longest passed first."""
    return shortlist(
        select(*CASE_COLUMNS)
        .where(Case.network_id == user.network_id, is_past_deadline(today))
        .order_by(Case.deadline_on, Case.id))


def my_tasks(user: User, today: date, *, overdue: bool) -> Shortlist[Row[Any]]:
    """The user's open tasks due before today (``overdue``) or not, soonest due first
    (undated ones last), with their cases."""
    mine = (select(*TASK_COLUMNS).join(Case, Case.id == Task.case_id)
            .where(Task.assignee_id == user.id, Task.is_done.is_(False),
                   Case.network_id == user.network_id))
    if overdue:
        return shortlist(mine.where(is_overdue_task(today)).order_by(Task.due_on, Task.id))
    # Dated, then undated: each in the index's order, where "undated last" would sort them all.
    return shortlist(mine.where(is_overdue_task(today, overdue=False)), parts=[
        mine.where(Task.due_on >= today).order_by(Task.due_on, Task.id),
        mine.where(Task.due_on.is_(None)).order_by(Task.id)])
