"""What the public sees of a network's victories: one query, and the member's name only where
their latest publication consent allows it (otherwise the name never leaves the database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import case as when
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from casework.extensions import db
from casework.models import Case, Consent, ConsentSubject, Network, Outcome, Person
from casework.models.consent import PUBLICATION_SUBJECTS
from casework.models.victory import Victory
from casework.privacy.purge import PURGED_NAME
from casework.workflow.states import CaseState

PAGE_SIZE = 50  # the page and the feed show the newest ones


@dataclass(frozen=True)
class PublicVictory:
    """One victory as shown to anyone: no id of the case, no contact, a name only if agreed."""

    id: int
    title: str
    write_up: str
    issue: str
    result: str
    amount_recovered: Decimal | None
    won_on: date
    published_at: datetime | None
    updated_at: datetime
    member_name: str | None


def network_by_code(code: str) -> Network | None:
    """The network whose case-reference code this is, in any letter case."""
    if not code.isascii() or not 0 < len(code) <= 8:
        return None
    return db.session.scalars(
        select(Network).where(func.lower(Network.code) == code.lower())).first()


def published_victories(network: Network, limit: int = PAGE_SIZE) -> list[PublicVictory]:
    """The network's published victories of fights still won, newest first."""
    latest_word = (select(Consent.subject)
                   .where(Consent.case_id == Victory.case_id,
                          Consent.subject.in_(PUBLICATION_SUBJECTS))
                   .order_by(Consent.id.desc()).limit(1).correlate(Victory).scalar_subquery())
    earlier = aliased(Outcome)
    last_outcome = (select(func.max(earlier.id)).where(earlier.case_id == Victory.case_id)
                    .correlate(Victory).scalar_subquery())
    name = when(((latest_word == ConsentSubject.PUBLICATION_NAMED)
                 & (Person.name != PURGED_NAME), Person.name), else_=None)
    rows = db.session.execute(
        select(Victory.id, Victory.title, Victory.write_up, Case.issue_type, Outcome.kind,
               Outcome.amount_recovered, Outcome.decided_on, Victory.published_at,
               Victory.updated_at, name)
        .join(Case, Case.id == Victory.case_id)
        .join(Person, Person.id == Case.person_id)
        .join(Outcome, Outcome.id == last_outcome)
        .where(Victory.network_id == network.id, Victory.published_at.is_not(None),
               Case.state == CaseState.WON, latest_word.is_not(None))
        .order_by(Victory.published_at.desc(), Victory.id.desc())
        .limit(limit)).all()
    return [PublicVictory(id=row[0], title=row[1], write_up=row[2], issue=row[3].label,
                          result=row[4].label, amount_recovered=row[5], won_on=row[6],
                          published_at=row[7], updated_at=row[8], member_name=row[9])
            for row in rows]


def last_change(network: Network) -> datetime | None:
    """When any of the network's victories last changed, unpublishing included."""
    return db.session.scalar(select(func.max(Victory.updated_at))
                             .where(Victory.network_id == network.id))


def preview(case: Case, victory: Victory, may_name: bool) -> PublicVictory:
    """The team's view of what the public will see, from the loaded case."""
    outcome = case.outcome
    if outcome is None:
        raise ValueError("a won fight has its outcome")
    return PublicVictory(
        id=victory.id, title=victory.title, write_up=victory.write_up,
        issue=case.issue_type.label, result=outcome.kind.label,
        amount_recovered=outcome.amount_recovered, won_on=outcome.decided_on,
        published_at=victory.published_at, updated_at=victory.updated_at,
        member_name=case.person.name if may_name and case.person.name != PURGED_NAME else None)
