"""New inquiries nobody has taken up yet, for 'My work'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Row, select

from casework.cases.queries import has_no_team, visibility_for
from casework.dashboard.lists import (
    CASE_COLUMNS,
    NETWORK_ID,
    USER_ID,
    ListStatements,
    Shortlist,
    list_statements,
    shortlist,
    values_for,
)
from casework.formatting import network_zone
from casework.models import Case, Role, User
from casework.workflow.states import CaseState

SHOWN = 8


@dataclass(frozen=True)
class WaitingInquiries:
    cases: list[tuple[Row[Any], int]]  # with the days each has waited, longest first; <= SHOWN
    listed: Shortlist[Row[Any]]  # how many there are, and how many more the case list shows


@cache
def inquiries_statements(role: Role) -> ListStatements:
    """The list's statements for a role, built once (the user's ids are parameters)."""
    conditions = [*visibility_for(role, USER_ID, NETWORK_ID), Case.state == CaseState.INQUIRY,
                  has_no_team()]
    return list_statements(select(*CASE_COLUMNS).where(*conditions)
                           .order_by(Case.created_at, Case.id), SHOWN)


def unassigned_inquiries(user: User, today: date) -> WaitingInquiries:
    """Inquiries with no organizer that the user may list (intake: their own and web-form ones)."""
    first = shortlist(inquiries_statements(user.role), values_for(user))
    zone = network_zone()
    return WaitingInquiries(
        [(case, (today - case.created_at.astimezone(zone).date()).days) for case in first.rows],
        first)
