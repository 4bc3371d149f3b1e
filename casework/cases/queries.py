"""Reading cases: who may see which, filters, text search and keyset pagination."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, or_, select, true
from sqlalchemy.orm import joinedload

from casework.cases import search_index
from casework.extensions import db
from casework.models import Case, InquirySource, IssueType, Role, Urgency, User, case_team
from casework.people.matching import looks_like_phone, people_with_phone
from casework.workflow.states import CaseState


@dataclass(frozen=True)
class CaseFilters:
    text: str = ""
    state: CaseState | None = None
    issue_type: IssueType | None = None
    urgency: Urgency | None = None
    organizer_id: int | None = None
    unassigned: bool = False  # no organizer on the case team yet


@dataclass(frozen=True)
class CasePage:
    cases: list[Case]
    next_after: int | None  # pass as ?after= to get the following page


def visible_to(user: User) -> ColumnElement[bool]:
    """The cases a user may list: their network's, or only their own inquiries for intake."""
    return and_(*visibility_conditions(user))


def visibility_conditions(user: User) -> list[ColumnElement[bool]]:
    """``visible_to`` as separate conditions, for queries that weigh each on its own."""
    in_network = Case.network_id == user.network_id
    if user.role in (Role.COORDINATOR, Role.ORGANIZER):
        return [in_network]
    if user.role == Role.INTAKE:  # their own, and web-form inquiries waiting for a call back
        return [in_network, or_(Case.created_by_id == user.id, waiting_web_inquiry())]
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


def filtered_cases(user: User, filters: CaseFilters) -> Select[Any]:
    """The SELECT behind the case list, newest first."""
    conditions = visibility_conditions(user)
    if filters.state:
        conditions.append(Case.state == filters.state)
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
    # The list shows each case's target: load them in the same query, not one per row.
    query = filtered_cases(user, filters).options(joinedload(Case.target))
    if after:
        query = query.where(Case.id < after)
    rows = list(db.session.scalars(query.limit(per_page + 1)))
    has_more = len(rows) > per_page
    rows = rows[:per_page]
    return CasePage(cases=rows, next_after=rows[-1].id if has_more else None)
