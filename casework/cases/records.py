"""The case's lists of records the case page shows, loaded only when the case has some.

Most fights have few kinds of record: an inquiry has no demands, deliveries, contacts, consents,
outcomes or actions yet. One statement asks which kinds the case has; only those are read,
each with a statement built once. The others are set empty, so the templates read them
without a lazy load. (A ``selectinload`` per list cost about 0.3 ms of CPU each, even empty:
seven of them were a sixth of the page's time.)
"""

from __future__ import annotations

from functools import cache
from typing import Any

from sqlalchemy import Select, bindparam, exists, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import set_committed_value

from casework.extensions import db
from casework.models import Case

# One-to-many lists of the case, each ordered as its relationship is.
CASE_PAGE_RECORDS: tuple[InstrumentedAttribute[Any], ...] = (
    Case.decisions, Case.demands, Case.deliveries, Case.contacts, Case.consents, Case.outcomes,
    Case.actions,
)


def load_case_records(case: Case) -> None:
    """Fill the case's record lists: one statement to find which it has, one per list it has."""
    present = db.session.execute(kinds_present(), {"case_id": case.id}).one()
    for relationship, has_rows in zip(CASE_PAGE_RECORDS, present, strict=True):
        rows = list(db.session.scalars(rows_of(relationship.key), {"case_id": case.id})
                    ) if has_rows else []
        set_committed_value(case, relationship.key, rows)


@cache
def kinds_present() -> Select[Any]:
    """Does the case have rows in each list of ``CASE_PAGE_RECORDS``, in that order."""
    return select(*(exists().where(case_column(relationship) == bindparam("case_id"))
                    for relationship in CASE_PAGE_RECORDS))


@cache
def rows_of(key: str) -> Select[Any]:
    """The rows of one list of the case, in its relationship's order."""
    relationship = getattr(Case, key)
    prop = relationship.property
    return (select(prop.mapper).where(case_column(relationship) == bindparam("case_id"))
            .order_by(*prop.order_by))


def case_column(relationship: InstrumentedAttribute[Any]) -> Any:
    """The column of a one-to-many list's rows that holds the case's id."""
    (_, remote), = relationship.property.local_remote_pairs
    return remote
