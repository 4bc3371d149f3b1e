"""Reading the board: one column of cards per open state, longest in the state first."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select, union_all

from casework.cases.queries import on_team_of, visible_to
from casework.clock import local_date_of, network_today
from casework.extensions import db
from casework.models import Case, Target, Urgency, User, case_team
from casework.workflow.states import OPEN_STATES, CaseState

# Cards shown per column; the rest are counted and left to the case list. Read at call time,
# so tests can lower it.
CARDS_PER_COLUMN = 25
PRESSING_URGENCIES = frozenset({Urgency.HIGH, Urgency.URGENT})


@dataclass(frozen=True)
class CardCase:
    """What a card shows of a case: read as plain rows, not as ORM objects (a third of the
    board's time went into building 200 of those)."""

    id: int
    reference: str
    state: CaseState
    urgency: Urgency
    state_changed_at: datetime
    deadline_on: date | None
    target_name: str
    team_names: list[str] = field(default_factory=list)  # by name, as Case.team


@dataclass(frozen=True)
class BoardCard:
    case: CardCase
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
    """The cases the user may see, narrowed to one organizer's when asked."""
    conditions = [visible_to(user)]
    if organizer_id is not None:
        conditions.append(on_team_of(organizer_id))
    return conditions


def count_by_state(conditions: list[ColumnElement[bool]]) -> dict[CaseState, int]:
    """How many cases each open state holds, in one GROUP BY query."""
    rows = db.session.execute(
        select(Case.state, func.count(Case.id))
        .where(*conditions, Case.state.in_(OPEN_STATES)).group_by(Case.state)
    )
    return {state: count for state, count in rows}


def longest_in_each_state(conditions: list[ColumnElement[bool]], states: list[CaseState],
                          limit: int) -> dict[CaseState, list[CardCase]]:
    """Each state's cases that have waited longest in it, with their targets and teams: one
    statement for every column (each column cut by its own ORDER BY and LIMIT) and one for the
    teams, never one per column or per card. Each column names its state alone, with no list
    of the open states beside it: that list steers SQLite away from the board's index into a
    sort of the whole column."""
    firsts = [select(Case.id).where(*conditions, Case.state == state)
              .order_by(Case.state_changed_at, Case.id).limit(limit).subquery()
              for state in states]
    # Each column as a subquery of its own: SQLite refuses LIMIT inside a bare UNION member.
    ids = union_all(*(select(first.c.id) for first in firsts))
    rows = db.session.execute(
        select(Case.id, Case.reference, Case.state, Case.urgency, Case.state_changed_at,
               Case.deadline_on, Target.name)
        .join(Target, Target.id == Case.target_id)
        .where(Case.id.in_(ids)).order_by(Case.state_changed_at, Case.id)).all()
    teams = team_names([row[0] for row in rows])
    by_state: dict[CaseState, list[CardCase]] = {state: [] for state in states}
    for row in rows:
        by_state[row[2]].append(CardCase(*row, team_names=teams.get(row[0], [])))
    return by_state


def team_names(case_ids: list[int]) -> dict[int, list[str]]:
    """The names on each case's team, in one statement."""
    if not case_ids:
        return {}
    names: defaultdict[int, list[str]] = defaultdict(list)
    rows = db.session.execute(
        select(case_team.c.case_id, User.name).join(User, User.id == case_team.c.user_id)
        .where(case_team.c.case_id.in_(case_ids)).order_by(User.name))
    for case_id, name in rows:
        names[case_id].append(name)
    return names


def card_for(case: CardCase, user: User, today: date) -> BoardCard:
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
    # Empty columns need no query; an empty board none at all.
    filled = [state for state in OPEN_STATES if counts.get(state)]
    cases = longest_in_each_state(conditions, filled, CARDS_PER_COLUMN) if filled else {}
    return [BoardColumn(state=state, count=counts.get(state, 0),
                        cards=[card_for(case, user, today) for case in cases.get(state, [])])
            for state in OPEN_STATES]
