"""New inquiries nobody has taken up yet, for 'My work'."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casework.cases.queries import has_no_team, visibility_conditions
from casework.dashboard.lists import Shortlist, shortlist
from casework.formatting import network_zone
from casework.models import Case, User
from casework.workflow.states import CaseState

SHOWN = 8


@dataclass(frozen=True)
class WaitingInquiries:
    cases: list[tuple[Case, int]]  # with the days each has waited, longest first; <= SHOWN
    listed: Shortlist[Case]  # how many there are, and how many more the case list shows


def unassigned_inquiries(user: User, today: date) -> WaitingInquiries:
    """Inquiries with no organizer that the user may list (intake: their own and web-form ones)."""
    conditions = [*visibility_conditions(user), Case.state == CaseState.INQUIRY, has_no_team()]
    first = shortlist(select(Case).where(*conditions).options(joinedload(Case.target))
                      .order_by(Case.created_at, Case.id), SHOWN)
    zone = network_zone()
    return WaitingInquiries(
        [(case, (today - case.created_at.astimezone(zone).date()).days) for case in first.rows],
        first)
