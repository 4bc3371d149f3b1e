"""The people directory: filters, name search and keyset pagination by name.

The page cursor is the id of the last person shown, never their name (names stay out of
URLs); the next page starts after that person's (name, id).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, literal, select, tuple_

from casework.cases.search_index import escape_like
from casework.extensions import db
from casework.models import Person, Tier


@dataclass(frozen=True)
class PeopleFilters:
    text: str = ""
    tier: Tier | None = None
    language: str = ""

    @property
    def is_active(self) -> bool:
        return bool(self.text or self.tier or self.language)


@dataclass(frozen=True)
class PeoplePage:
    people: list[Person]
    next_after: int | None  # pass as ?after= to get the following page


def conditions_for(network_id: int, filters: PeopleFilters) -> list[ColumnElement[bool]]:
    """The WHERE of the directory."""
    conditions = [Person.network_id == network_id, Person.stands_for_network.is_(False)]
    if filters.tier:
        conditions.append(Person.tier == filters.tier)
    if filters.language:
        # "es,en" holds es: look for ",es," in ",es,en,".
        listed = literal(",") + Person.languages + literal(",")
        conditions.append(listed.like(f"%,{escape_like(filters.language)},%", escape="\\"))
    if filters.text and "\x00" not in filters.text:
        conditions.append(Person.name.ilike(f"%{escape_like(filters.text)}%", escape="\\"))
    elif filters.text:
        conditions.append(literal(False))
    return conditions


def list_people(network_id: int, filters: PeopleFilters, after: int | None = None,
                per_page: int = 50) -> PeoplePage:
    """One page of the directory in name order; ``after`` is the last id of the previous page."""
    query: Any = select(Person).where(*conditions_for(network_id, filters))
    if after:
        cursor = db.session.execute(
            select(Person.name, Person.id).where(Person.id == after,
                                                 Person.network_id == network_id)
        ).one_or_none()
        if cursor is not None:
            query = query.where(tuple_(Person.name, Person.id) > tuple_(*cursor))
    rows = list(db.session.scalars(query.order_by(Person.name, Person.id).limit(per_page + 1)))
    has_more = len(rows) > per_page
    rows = rows[:per_page]
    return PeoplePage(people=rows, next_after=rows[-1].id if has_more else None)
