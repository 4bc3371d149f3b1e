"""Reading the board: one column of cards per open state, longest in the state first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload, selectinload

from casework.cases.queries import on_team_of, visible_to
from casework.clock import local_date_of, network_today
from casework.extensions import db
from casework.models import Case, Urgency, User
from casework.workflow.states import OPEN_STATES, CaseState

# Cards shown per column; the rest are counted and left to the case list. Read at call time,
# so tests can lower it.
CARDS_PER_COLUMN = 25
PRESSING_URGENCIES = frozenset({Urgency.HIGH, Urgency.URGENT})


@dataclass(frozen=True)
class BoardCard:
    case: Case
    days_in_state: int
    days_to_deadline: int | None  # negative once the deadline has passed; None without one

    @property
    def is_pressing(self) -> bool:
        return self.case.urgency in PRESSING_URGENCIES


@dataclass(frozen=True)
class BoardColumn:
    state: CaseState
    count: int
    cards: list[BoardCard]

    @property
    def more(self) -> int:
        """How many cases of the column are not shown as cards."""
        return max(self.count - len(self.cards), 0)


def board_conditions(user: User, organizer_id: int | None) -> list[ColumnElement[bool]]:
    """The open cases the user may see, narrowed to one organizer's when asked."""
    conditions = [visible_to(user), Case.state.in_(OPEN_STATES)]
    if organizer_id is not None:
        conditions.append(on_team_of(organizer_id))
    return conditions


def count_by_state(conditions: list[ColumnElement[bool]]) -> dict[CaseState, int]:
    """How many cases each state holds, in one GROUP BY query."""
    rows = db.session.execute(
        select(Case.state, func.count(Case.id)).where(*conditions).group_by(Case.state)
    )
    return {state: count for state, count in rows}


def longest_in_state(conditions: list[ColumnElement[bool]], state: CaseState,
                     limit: int) -> list[Case]:
    """The cases that have waited longest in ``state``, with their targets and teams (one
    more query per column, never one per card)."""
    return list(db.session.scalars(
        select(Case)
        .options(joinedload(Case.target), selectinload(Case.team))
        .where(*conditions, Case.state == state)
        .order_by(Case.state_changed_at, Case.id)
        .limit(limit)
    ))


def card_for(case: Case, user: User, today: date) -> BoardCard:
    """A case with its day counts, in calendar days where the network is."""
    changed_on = local_date_of(case.state_changed_at, user.network)
    return BoardCard(
        case=case,
        days_in_state=max((today - changed_on).days, 0),
        days_to_deadline=(case.deadline_on - today).days if case.deadline_on else None,
    )


def board_columns(user: User, organizer_id: int | None = None) -> list[BoardColumn]:
    """Every open state's column, in workflow order: a count and the first cards."""
    conditions = board_conditions(user, organizer_id)
    counts = count_by_state(conditions)
    today = network_today(user.network)
    columns = []
    for state in OPEN_STATES:
        count = counts.get(state, 0)
        # An empty column needs no query of its own.
        cases = longest_in_state(conditions, state, CARDS_PER_COLUMN) if count else []
        cards = [card_for(case, user, today) for case in cases]
        columns.append(BoardColumn(state=state, count=count, cards=cards))
    return columns
