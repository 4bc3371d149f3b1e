"""Reading the audit log: a network's entries, newest first, by case or by user."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, or_, select

from casework.audit.sentences import Names
from casework.extensions import db
from casework.models import AuditEntry, Case, Person, User


@dataclass(frozen=True)
class AuditFilters:
    case: Case | None = None
    user_id: int | None = None
    # A case reference that matched nothing: the page shows no entries rather than all.
    matches_nothing: bool = False


@dataclass(frozen=True)
class AuditRow:
    entry: AuditEntry
    user_name: str | None
    case_reference: str | None


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    next_after: int | None  # pass as ?after= to get the following page


def find_case(network_id: int, reference: str) -> Case | None:
    """The network's case with this reference (any letter case), or None."""
    # References are made upper case (network codes are): the unique index finds it.
    return db.session.scalars(
        select(Case).where(Case.network_id == network_id,
                           Case.reference == reference.strip().upper())
    ).one_or_none()


def about_case(case: Case) -> ColumnElement[bool]:
    """Entries about the case or about its person (people have no case id of their own)."""
    about_person = and_(AuditEntry.object_type == "person",
                        AuditEntry.object_id == str(case.person_id))
    return or_(AuditEntry.case_id == case.id, about_person)


def list_entries(network_id: int, filters: AuditFilters, after: int | None = None,
                 per_page: int = 50) -> AuditPage:
    """One page of the network's log; ``after`` is the last entry id of the previous page."""
    if filters.matches_nothing:
        return AuditPage(rows=[], next_after=None)
    query = (
        select(AuditEntry, User.name, Case.reference)
        .outerjoin(User, User.id == AuditEntry.user_id)
        .outerjoin(Case, Case.id == AuditEntry.case_id)
        .where(AuditEntry.network_id == network_id)
    )
    if filters.case is not None:
        query = query.where(about_case(filters.case))
    if filters.user_id is not None:
        query = query.where(AuditEntry.user_id == filters.user_id)
    if after:
        query = query.where(AuditEntry.id < after)
    results = db.session.execute(query.order_by(AuditEntry.id.desc()).limit(per_page + 1)).all()
    rows = [AuditRow(entry, user_name, reference) for entry, user_name, reference in results]
    has_more = len(rows) > per_page
    rows = rows[:per_page]
    return AuditPage(rows=rows, next_after=rows[-1].entry.id if has_more else None)


def names_for(network_id: int, rows: list[AuditRow]) -> Names:
    """The names of the people and users a page of entries is about (two bounded queries)."""
    wanted: dict[str, set[int]] = {"person": set(), "user": set()}
    for row in rows:
        if row.entry.object_type in wanted and row.entry.object_id.isdigit():
            wanted[row.entry.object_type].add(int(row.entry.object_id))
    people: dict[str, str] = {}
    users: dict[str, str] = {}
    if wanted["person"]:
        people = {str(i): name for i, name in db.session.execute(select(Person.id, Person.name)
                  .where(Person.network_id == network_id, Person.id.in_(wanted["person"])))}
    if wanted["user"]:
        users = {str(i): name for i, name in db.session.execute(select(User.id, User.name)
                 .where(User.network_id == network_id, User.id.in_(wanted["user"])))}
    return Names(people=people, users=users)


def network_user_choices(network_id: int) -> list[tuple[str, str]]:
    """Every user of the network (disabled ones too: their past actions stay in the log)."""
    users = db.session.execute(
        select(User.id, User.name).where(User.network_id == network_id).order_by(User.name))
    return [(str(user_id), name) for user_id, name in users]
