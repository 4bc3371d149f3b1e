"""The lists of 'My work': each shows its first few rows and says how many there are in all.

Every list is ordered and cut in SQL and counted in SQL, so the page sends the same statements
whether a list holds 3 rows or 3,000; the rest of a long list is a link to the case list,
filtered to the same cases.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Generic, TypeVar

from sqlalchemy import BindParameter, Row, Select, bindparam, func, literal_column, select

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


@dataclass(frozen=True)
class ListStatements:
    """A list's statements: its rows (run one after the other, each cut to ``limit``) and
    its count, cut ``COUNTED_PAST_SHOWN`` past the rows shown."""

    rows: tuple[Select[Any], ...]
    count: Select[Any]
    limit: int


def list_statements(query: Select[Any], limit: int = SHOWN,
                    parts: list[Select[Any]] | None = None) -> ListStatements:
    """The statements of ``query`` (or of its ``parts`` one after the other, in order) as a
    shortlist: its first rows and how many rows it has up to a cap. Both from indexes, cut by
    LIMIT, never a walk through the whole list: the same statements whether it holds 3 rows
    or 30,000."""
    keys: Select[Any] = (query.order_by(None).with_only_columns(literal_column("1"))
                         .limit(limit + COUNTED_PAST_SHOWN + 1))
    return ListStatements(tuple(part.limit(limit) for part in parts or [query]),
                          select(func.count()).select_from(keys.subquery()), limit)


def shortlist(statements: ListStatements, values: dict[str, Any] | None = None
              ) -> Shortlist[Any]:
    """The list's first rows and its count, ``values`` given to the statements' parameters."""
    rows = [row for part in statements.rows for row in db.session.execute(part, values)]
    counted = db.session.scalar(statements.count, values) or 0
    most = statements.limit + COUNTED_PAST_SHOWN
    return Shortlist(rows[:statements.limit], min(counted, most), counted > most)


# The lists' statements are built once, with the user, the network and the day as parameters:
# building them (and the counts around them) anew cost My work a fifth of its time.
USER_ID: BindParameter[int] = bindparam("user_id")
NETWORK_ID: BindParameter[int] = bindparam("network_id")
TODAY: BindParameter[date] = bindparam("today")


def values_for(user: User, today: date | None = None) -> dict[str, Any]:
    return {"user_id": user.id, "network_id": user.network_id, "today": today}


def open_cases_query(intake: bool) -> Select[Any]:
    """The user's open cases: those they are on the team of (intake: those they logged).

    Led by the user's own team rows (the (user, case) index), each fight then looked up by
    its key: what it reads grows with the fights the user carried, not with the network.
    "+ 0" keeps the databases from walking the network's open fights (or all its fights,
    newest first) and probing each one's team instead, which is what they choose when the
    network is large and the user is on few of its teams."""
    query = select(*CASE_COLUMNS).where(Case.state.in_(OPEN_STATES))
    if intake:
        return query.where(Case.network_id == NETWORK_ID, Case.created_by_id == USER_ID)
    return query.join(case_team, case_team.c.case_id == Case.id).where(
        case_team.c.user_id == USER_ID, Case.network_id + 0 == NETWORK_ID)


@cache
def open_cases_statements(intake: bool) -> ListStatements:
    """Newest first, as the case list orders them (the team rows' order: the same)."""
    newest_first = Case.id if intake else case_team.c.case_id
    return list_statements(open_cases_query(intake).order_by(newest_first.desc()))


@cache
def deadlines_statements(intake: bool) -> ListStatements:
    return list_statements(open_cases_query(intake).where(Case.deadline_on.is_not(None))
                           .order_by(Case.deadline_on, Case.id))


@cache
def past_deadline_statements() -> ListStatements:
    return list_statements(
        select(*CASE_COLUMNS).where(Case.network_id == NETWORK_ID, is_past_deadline(TODAY))
        .order_by(Case.deadline_on, Case.id))


@cache
def tasks_statements(overdue: bool) -> ListStatements:
    mine = (select(*TASK_COLUMNS).join(Case, Case.id == Task.case_id)
            .where(Task.assignee_id == USER_ID, Task.is_done.is_(False),
                   Case.network_id == NETWORK_ID))
    if overdue:
        return list_statements(mine.where(is_overdue_task(TODAY)).order_by(Task.due_on, Task.id))
    # Dated, then undated: each in the index's order, where "undated last" would sort them all.
    return list_statements(mine.where(is_overdue_task(TODAY, overdue=False)), parts=[
        mine.where(Task.due_on >= TODAY).order_by(Task.due_on, Task.id),
        mine.where(Task.due_on.is_(None)).order_by(Task.id)])


def my_open_cases(user: User) -> Shortlist[Row[Any]]:
    """The user's open cases, newest first (as the case list orders them)."""
    return shortlist(open_cases_statements(user.role == Role.INTAKE), values_for(user))


def my_deadlines(user: User) -> Shortlist[Row[Any]]:
    """The user's open cases with a deadline, soonest (or longest passed) first."""
    return shortlist(deadlines_statements(user.role == Role.INTAKE), values_for(user))


def past_deadline(user: User, today: date) -> Shortlist[Row[Any]]:
    """The network's fights still waiting on a deadline that passed, longest passed first."""
    return shortlist(past_deadline_statements(), values_for(user, today))


def my_tasks(user: User, today: date, *, overdue: bool) -> Shortlist[Row[Any]]:
    """The user's open tasks due before today (``overdue``) or not, soonest due first
    (undated ones last), with their cases."""
    return shortlist(tasks_statements(overdue), values_for(user, today))
