"""What the case page reads of a case only when the case has some.

Most fights have few kinds of record: an inquiry has no demands, deliveries, contacts, consents,
outcomes or actions yet, and few fights have documents, requests to join the team, a target
proposal waiting for review or appeals to other networks. One statement asks which the case
has; only those are read. The case's record lists are read here, each with a statement built
once, and the others set empty, so the templates read them without a lazy load. (A
``selectinload`` per list cost about 0.3 ms of CPU each, even empty: seven of them were a sixth
of the page's time; every other statement of the page about 0.15 ms.)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import BindParameter, Select, bindparam, exists, select
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.attributes import set_committed_value

from casework.extensions import db
from casework.models import (
    Appeal,
    Case,
    Document,
    JoinRequestStatus,
    ProposalStatus,
    TargetProposal,
    TeamJoinRequest,
)

# One-to-many lists of the case, each ordered as its relationship is.
CASE_PAGE_RECORDS: tuple[InstrumentedAttribute[Any], ...] = (
    Case.decisions, Case.demands, Case.deliveries, Case.contacts, Case.consents, Case.outcomes,
    Case.actions,
)


@dataclass(frozen=True)
class CaseHas:
    """Which of the case page's other sections have anything to read."""

    documents: bool
    join_requests: bool  # unanswered requests to join the team
    target_proposal: bool  # details for its target waiting for review
    appeals: bool  # sent or received about this fight


def load_case_records(case: Case) -> CaseHas:
    """Fill the case's record lists and say what else it has: one statement to find which it
    has, then one per record list it has."""
    present = db.session.execute(
        kinds_present(), {"case_id": case.id, "target_id": case.target_id}).one()
    lists = len(CASE_PAGE_RECORDS)
    for relationship, has_rows in zip(CASE_PAGE_RECORDS, present[:lists], strict=True):
        rows = list(db.session.scalars(rows_of(relationship.key), {"case_id": case.id})
                    ) if has_rows else []
        set_committed_value(case, relationship.key, rows)
    return CaseHas(*present[lists:])


@cache
def kinds_present() -> Select[Any]:
    """Does the case have rows in each list of ``CASE_PAGE_RECORDS``, in that order, then
    each of ``CaseHas``."""
    case_id: BindParameter[int] = bindparam("case_id")
    present: list[Any] = [exists().where(case_column(relationship) == case_id)
                          for relationship in CASE_PAGE_RECORDS]
    present += [
        exists().where(Document.case_id == case_id),
        exists().where(TeamJoinRequest.case_id == case_id,
                       TeamJoinRequest.status == JoinRequestStatus.PENDING),
        exists().where(TargetProposal.case_id == case_id,
                       TargetProposal.target_id == bindparam("target_id"),
                       TargetProposal.status == ProposalStatus.PENDING),
        exists().where(Appeal.case_id == case_id),
    ]
    return select(*present)


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
