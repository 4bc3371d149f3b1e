"""Which letters and leaflets must be printed soon: the week's deliveries and actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select

from casework.extensions import db
from casework.letters.context import LetterContext, LetterKind
from casework.letters.services import context_of
from casework.models import Case, Letter, Network
from casework.workflow.states import CaseState


@dataclass(frozen=True)
class DueLetter:
    file_name: str
    context: LetterContext


@dataclass(frozen=True)
class DuePrint:
    letters: list[DueLetter]
    skipped: list[str]  # "SEA-2026-0014: no approved demand letter"


def letters_due(network: Network, today: date, days: int = 7) -> DuePrint:
    """Approved demand letters of fights to deliver in the coming days, and leaflets of
    escalating fights; fights that are not ready to print are listed as skipped."""
    letters: list[DueLetter] = []
    skipped: list[str] = []
    upcoming = db.session.scalars(
        select(Case).where(
            Case.network_id == network.id, Case.state == CaseState.READY,
            Case.planned_delivery_on >= today,
            Case.planned_delivery_on < today + timedelta(days=days),
        ).order_by(Case.planned_delivery_on, Case.id)
    ).all()
    for case in upcoming:
        found = printable(case, LetterKind.DEMAND)
        if found is None:
            skipped.append(f"{case.reference}: no approved demand letter")
        else:
            letters.append(found)
    escalating = db.session.scalars(
        select(Case).where(Case.network_id == network.id,
                           Case.state == CaseState.ESCALATING).order_by(Case.id)
    ).all()
    for case in escalating:
        leaflet = printable(case, LetterKind.LEAFLET)
        if leaflet is not None:
            letters.append(leaflet)
    return DuePrint(letters=letters, skipped=skipped)


def printable(case: Case, kind: LetterKind) -> DueLetter | None:
    """The latest approved version of the case's letter of this kind, if there is one."""
    letter = db.session.scalars(
        select(Letter).where(Letter.case_id == case.id, Letter.kind == kind)
        .order_by(Letter.id.desc()).limit(1)
    ).first()
    version = letter.latest if letter else None
    if version is None or not version.is_approved:
        return None
    return DueLetter(f"{case.reference}-{kind.value}-v{version.number}.pdf", context_of(version))
