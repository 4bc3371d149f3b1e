"""Which letters and leaflets must be printed soon: every approved demand letter of a fight to
deliver in the coming days (or already late), of a Ready fight with no date planned yet, and
the leaflets of escalating fights.

The page lists them in a fixed, small number of queries whatever the number of fights: the
cases (with their target's name), then the latest version of each one's letter in one query;
the letters' contents (their snapshots) are read only to print them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext as _
from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.orm import load_only

from casework.extensions import db
from casework.letters.context import LetterContext, LetterKind
from casework.letters.services import context_of
from casework.models import Case, Letter, LetterVersion, Network, ReviewStatus, Target
from casework.workflow.states import CaseState

# Fights whose demand letter is still to deliver: drafting (a version may already be approved
# while the review or the meeting's last word is awaited) and ready.
UNDELIVERED = (CaseState.DRAFTING, CaseState.READY)
# A bound on each of the page's lists (a network has a handful of deliveries a week): the
# page and the batch print stay small whatever the number of fights.
MAX_LISTED = 50


@dataclass(frozen=True)
class DueLetter:
    case_id: int
    reference: str
    target_name: str
    state: CaseState
    planned_on: date | None
    kind: LetterKind
    letter_id: int
    version_id: int
    is_reviewed: bool
    file_name: str
    version: LetterVersion

    @property
    def context(self) -> LetterContext:
        """What the letter prints (its approved snapshot): read only when printing."""
        return context_of(self.version)


@dataclass(frozen=True)
class DuePrint:
    letters: list[DueLetter]  # dated within the period (or late), and leaflets
    undated: list[DueLetter]  # Ready fights with no planned delivery date
    skipped: list[str]  # "SEA-2026-0014: the demand letter is not approved yet"
    until: date  # the last day of the period
    more_due: bool = False  # more fights are due than the lists hold


    @property
    def all_letters(self) -> list[DueLetter]:
        return self.letters + self.undated


@dataclass(frozen=True)
class DueCase:
    id: int
    reference: str
    state: CaseState
    planned_on: date | None
    target_name: str


def letters_due(network: Network, today: date, days: int = 7) -> DuePrint:
    """Approved demand letters of fights not delivered yet whose planned delivery falls before
    ``today + days`` (late ones included), those of Ready fights with no planned date, and
    leaflets of escalating fights; fights due without an approved letter are listed as
    skipped."""
    letters: list[DueLetter] = []
    undated: list[DueLetter] = []
    skipped: list[str] = []
    upcoming, more_upcoming = due_cases(
        select().where(
            Case.network_id == network.id, Case.state.in_(UNDELIVERED),
            or_(Case.planned_delivery_on < today + timedelta(days=days),
                and_(Case.state == CaseState.READY, Case.planned_delivery_on.is_(None))))
        .order_by(Case.planned_delivery_on, Case.id))
    demands = printable(upcoming, LetterKind.DEMAND)
    for case in upcoming:
        found = demands.get(case.id)
        if found is None:
            skipped.append(_("%(reference)s: the demand letter is not approved yet",
                             reference=case.reference))
        elif case.planned_on is None:
            undated.append(found)
        else:
            letters.append(found)
    # Only escalating fights with a leaflet at all are read (most have none).
    with_leaflet = exists().where(Letter.case_id == Case.id, Letter.kind == LetterKind.LEAFLET)
    escalating, more_escalating = due_cases(
        select().where(Case.network_id == network.id, Case.state == CaseState.ESCALATING,
                       with_leaflet).order_by(Case.id))
    leaflets = printable(escalating, LetterKind.LEAFLET)
    letters += [leaflets[case.id] for case in escalating if case.id in leaflets]
    return DuePrint(letters=letters, undated=undated, skipped=skipped,
                    until=today + timedelta(days=days - 1),
                    more_due=more_upcoming or more_escalating)


def due_cases(query: Select[tuple[()]]) -> tuple[list[DueCase], bool]:
    """The first ``MAX_LISTED`` cases ``query`` selects (its conditions and order), with their
    target's name, and whether it selects more."""
    rows = db.session.execute(
        query.add_columns(Case.id, Case.reference, Case.state, Case.planned_delivery_on,
                          Target.name)
        .join_from(Case, Target, Target.id == Case.target_id).limit(MAX_LISTED + 1)).all()
    return [DueCase(*row) for row in rows[:MAX_LISTED]], len(rows) > MAX_LISTED


def printable(cases: Iterable[DueCase], kind: LetterKind) -> dict[int, DueLetter]:
    """By case: the latest version of the case's latest letter of this kind, if it is
    approved (and, for a demand letter, not delivered yet). One query for all the cases."""
    by_id = {case.id: case for case in cases}
    if not by_id:
        return {}
    latest_letter = (select(func.max(Letter.id).label("id"))
                     .where(Letter.case_id.in_(by_id), Letter.kind == kind)
                     .group_by(Letter.case_id).subquery())
    latest_number = (select(LetterVersion.letter_id, func.max(LetterVersion.number).label("n"))
                     .where(LetterVersion.letter_id.in_(select(latest_letter.c.id)))
                     .group_by(LetterVersion.letter_id).subquery())
    rows = db.session.execute(
        select(LetterVersion, Letter.case_id)
        .join(latest_number, and_(latest_number.c.letter_id == LetterVersion.letter_id,
                                  latest_number.c.n == LetterVersion.number))
        .join(Letter, Letter.id == LetterVersion.letter_id)
        .options(load_only(LetterVersion.letter_id, LetterVersion.number,
                           LetterVersion.snapshot, LetterVersion.review_status,
                           LetterVersion.frozen_at, LetterVersion.purged_at)))
    found = {}
    for version, case_id in rows:
        if not version.is_approved or version.is_purged:
            continue
        if version.is_frozen and kind == LetterKind.DEMAND:
            continue  # delivered (a leaflet, though, is printed again for each action)
        case = by_id[case_id]
        found[case_id] = DueLetter(
            case_id=case.id, reference=case.reference, target_name=case.target_name,
            state=case.state, planned_on=case.planned_on, kind=kind,
            letter_id=version.letter_id, version_id=version.id,
            is_reviewed=version.review_status == ReviewStatus.PASSED,
            file_name=f"{case.reference}-{kind.value}-v{version.number}.pdf", version=version)
    return found
