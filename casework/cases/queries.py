"""Reading cases: who may see which, filters, text search and keyset pagination."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, and_, exists, false, or_, select, true

from casework.cases import search_index
from casework.clock import network_today
from casework.extensions import db
from casework.models import (
    Case,
    InquirySource,
    IssueType,
    Role,
    Target,
    Task,
    Urgency,
    User,
    case_team,
)
from casework.people.matching import looks_like_phone, people_with_phone
from casework.workflow.states import OPEN_STATES, CaseState
from casework.workflow.task_rules import DEADLINE_WATCHED_STATES


class DeadlineFilter(StrEnum):
    SET = "set"  # an open fight with a deadline date
    PASSED = "passed"  # the deadline passed while the fight still waits on it


class TaskFilter(StrEnum):
    """Cases where the user looking has open tasks still on time (upcoming) or late ones
    (overdue): the cases of the two task lists of 'My work'."""

    UPCOMING = "upcoming"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class CaseFilters:
    text: str = ""
    state: CaseState | None = None
    is_open: bool = False  # any open state
    issue_type: IssueType | None = None
    urgency: Urgency | None = None
    organizer_id: int | None = None
    unassigned: bool = False  # no organizer on the case team yet
    deadline: DeadlineFilter | None = None
    my_tasks: TaskFilter | None = None


@dataclass(frozen=True)
class CasePage:
    cases: list[Row[Any]]  # LISTED_COLUMNS
    next_after: int | None  # pass as ?after= to get the following page


LISTED_COLUMNS: tuple[Any, ...] = (
    Case.id, Case.reference, Case.state, Case.issue_type, Case.summary, Case.urgency,
    Case.created_at,
    select(Target.name).where(Target.id == Case.target_id).correlate(Case).scalar_subquery()
    .label("target_name"))


def visible_to(user: User) -> ColumnElement[bool]:
    """The cases a user may list: their network's, or only their own inquiries for intake."""
    return and_(*visibility_conditions(user))


def visibility_conditions(user: User) -> list[ColumnElement[bool]]:
    """``visible_to`` as separate conditions, for queries that weigh each on its own."""
    return visibility_for(user.role, user.id, user.network_id)


def visibility_for(role: Role, user_id: int | ColumnElement[int],
                   network_id: int | ColumnElement[int]) -> list[ColumnElement[bool]]:
    """``visibility_conditions`` for a role, the ids given as values or bound parameters (for
    statements built once per role)."""
    in_network = Case.network_id == network_id
    if role in (Role.COORDINATOR, Role.ORGANIZER):
        return [in_network]
    if role == Role.INTAKE:  # their own, and web-form inquiries waiting for a call back
        return [in_network, or_(Case.created_by_id == user_id, waiting_web_inquiry())]
    return [false()]


def waiting_web_inquiry() -> ColumnElement[bool]:
    """``Case.is_waiting_web_inquiry`` in SQL."""
    return and_(Case.source == InquirySource.WEB_FORM, Case.state == CaseState.INQUIRY)


def full_record_for(user: User) -> ColumnElement[bool]:
    """Cases whose personal details the user may see (and so search by)."""
    if user.role == Role.ORGANIZER:
        return on_team_of(user.id)
    return true()


def on_team_of(user_id: int) -> ColumnElement[bool]:
    return exists().where(case_team.c.case_id == Case.id, case_team.c.user_id == user_id)


def has_no_team() -> ColumnElement[bool]:
    """Cases no organizer has been put on yet."""
    return ~exists().where(case_team.c.case_id == Case.id)


def is_past_deadline(today: date | ColumnElement[date]) -> ColumnElement[bool]:
    """Fights whose deadline passed while they still wait on the target's answer."""
    return and_(Case.state.in_(DEADLINE_WATCHED_STATES), Case.deadline_on < today)


def is_overdue_task(today: date | ColumnElement[date], *,
                    overdue: bool = True) -> ColumnElement[bool]:
    """Open tasks due before today (``overdue``), or due today, later or whenever (not)."""
    return Task.due_on < today if overdue else or_(Task.due_on >= today, Task.due_on.is_(None))


def with_open_tasks_of(user_id: int, today: date, *, overdue: bool) -> ColumnElement[bool]:
    """Cases where the user has open tasks, overdue (or not) by ``today``. IN, not EXISTS: the
    user's few tasks pick the cases (EXISTS probed every case of the network, newest first)."""
    return Case.id.in_(select(Task.case_id).where(
        Task.assignee_id == user_id, Task.is_done.is_(False),
        is_overdue_task(today, overdue=overdue)))


def filtered_cases(user: User, filters: CaseFilters) -> Select[Any]:
    """The SELECT behind the case list, newest first."""
    conditions = visibility_conditions(user)
    if filters.state:
        conditions.append(Case.state == filters.state)
    if filters.is_open:
        conditions.append(Case.state.in_(OPEN_STATES))
    if filters.deadline:
        # As a list of ids from the deadline indexes: the few cases with a deadline pick the
        # rows, instead of a walk through every case of the network, newest first.
        with_deadline = and_(Case.state.in_(OPEN_STATES), Case.deadline_on.is_not(None)) \
            if filters.deadline == DeadlineFilter.SET \
            else is_past_deadline(network_today(user.network))
        conditions.append(Case.id.in_(
            select(Case.id).where(Case.network_id == user.network_id, with_deadline)))
    if filters.my_tasks:
        conditions.append(with_open_tasks_of(user.id, network_today(user.network),
                                             overdue=filters.my_tasks == TaskFilter.OVERDUE))
    if filters.issue_type:
        conditions.append(Case.issue_type == filters.issue_type)
    if filters.urgency:
        conditions.append(Case.urgency == filters.urgency)
    if filters.organizer_id:
        conditions.append(on_team_of(filters.organizer_id))
    if filters.unassigned:
        conditions.append(has_no_team())
    query = select(Case)
    phone_people = people_with_phone(user.network_id, filters.text) \
        if looks_like_phone(filters.text) else []
    if phone_people:
        # A phone number: the cases of people with that phone, for those who may see the
        # person (the phone is never in the searched text), and what the text matches.
        by_text = search_index.where_text_matches(
            select(Case.id), conditions, filters.text.lower(), full_record_for(user),
            db.engine.dialect.name)
        query = query.where(or_(Case.id.in_(by_text), and_(
            *conditions, full_record_for(user), Case.person_id.in_(phone_people))))
    elif filters.text:
        query = search_index.where_text_matches(
            query, conditions, filters.text.lower(), full_record_for(user),
            db.engine.dialect.name)
    else:
        query = query.where(*conditions)
    return query.order_by(Case.id.desc())


def list_cases(
    user: User, filters: CaseFilters, after: int | None = None, per_page: int = 50
) -> CasePage:
    """One page of the case list; ``after`` is the last case id of the previous page."""
    # The columns the list shows, as plain rows (a Case entity and its target cost ~0.03 ms a
    # row to load); the target's name from the row's target, not one query per row.
    query = filtered_cases(user, filters).with_only_columns(*LISTED_COLUMNS)
    if after:
        query = query.where(Case.id < after)
    rows = list(db.session.execute(query.limit(per_page + 1)))
    has_more = len(rows) > per_page
    rows = rows[:per_page]
    return CasePage(cases=rows, next_after=rows[-1].id if has_more else None)
