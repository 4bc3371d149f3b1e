"""Which letters and leaflets must be printed soon: every approved demand letter of a fight to
deliver in the coming days (or already late), of a Ready fight with no date planned yet, and
the leaflets of escalating fights."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import selectinload

from casework.extensions import db
from casework.letters.context import LetterContext, LetterKind
from casework.letters.services import context_of
from casework.models import Case, Letter, LetterVersion, Network, ReviewStatus
from casework.workflow.states import CaseState

# Fights whose demand letter is still to deliver: drafting (a version may already be approved
# while the review or the meeting's last word is awaited) and ready.
UNDELIVERED = (CaseState.DRAFTING, CaseState.READY)
# A bound on one page's list (a network has a handful of deliveries a week).
MAX_LISTED = 200


@dataclass(frozen=True)
class DueLetter:
    case_id: int
    reference: str
    target_name: str
    state: CaseState
    planned_on: date | None
    letter_id: int
    version_id: int
    is_reviewed: bool
    file_name: str
    context: LetterContext


@dataclass(frozen=True)
class DuePrint:
    letters: list[DueLetter]  # dated within the period (or late), and leaflets
    undated: list[DueLetter]  # Ready fights with no planned delivery date
    skipped: list[str]  # "SEA-2026-0014: the demand letter is not approved yet"
    until: date  # the last day of the period

    @property
    def all_letters(self) -> list[DueLetter]:
        return self.letters + self.undated


def letters_due(network: Network, today: date, days: int = 7) -> DuePrint:
    """Approved demand letters of fights not delivered yet whose planned delivery falls before
    ``today + days`` (late ones included), those of Ready fights with no planned date, and
    leaflets of escalating fights; fights due without an approved letter are listed as
    skipped."""
    letters: list[DueLetter] = []
    undated: list[DueLetter] = []
    skipped: list[str] = []
    upcoming = db.session.scalars(
        select(Case).where(
            Case.network_id == network.id, Case.state.in_(UNDELIVERED),
            or_(Case.planned_delivery_on < today + timedelta(days=days),
                and_(Case.state == CaseState.READY, Case.planned_delivery_on.is_(None))),
        ).options(selectinload(Case.target))
        .order_by(Case.planned_delivery_on, Case.id).limit(MAX_LISTED)
    ).all()
    for case in upcoming:
        found = printable(case, LetterKind.DEMAND)
        if found is None:
            skipped.append(f"{case.reference}: the demand letter is not approved yet")
        elif case.planned_delivery_on is None:
            undated.append(found)
        else:
            letters.append(found)
    escalating = db.session.scalars(
        select(Case).where(Case.network_id == network.id,
                           Case.state == CaseState.ESCALATING)
        .options(selectinload(Case.target)).order_by(Case.id).limit(MAX_LISTED)
    ).all()
    for case in escalating:
        leaflet = printable(case, LetterKind.LEAFLET)
        if leaflet is not None:
            letters.append(leaflet)
    return DuePrint(letters=letters, undated=undated, skipped=skipped,
                    until=today + timedelta(days=days - 1))


def printable(case: Case, kind: LetterKind) -> DueLetter | None:
    """The latest version of the case's letter of this kind, if it is approved (and, for a
    demand letter, not delivered yet)."""
    version = db.session.scalars(
        select(LetterVersion).join(Letter)
        .where(Letter.case_id == case.id, Letter.kind == kind)
        .order_by(Letter.id.desc(), LetterVersion.number.desc()).limit(1)
    ).first()
    if version is None or not version.is_approved or version.is_purged:
        return None
    if version.is_frozen and kind == LetterKind.DEMAND:
        return None  # delivered (a leaflet, though, is printed again for each action)
    return DueLetter(
        case_id=case.id, reference=case.reference, target_name=case.target.name,
        state=case.state, planned_on=case.planned_delivery_on, letter_id=version.letter_id,
        version_id=version.id, is_reviewed=version.review_status == ReviewStatus.PASSED,
        file_name=f"{case.reference}-{kind.value}-v{version.number}.pdf",
        context=context_of(version))
