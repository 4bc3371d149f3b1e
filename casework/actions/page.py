"""What the case page needs to show the escalation ladder and the user's calls to make."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from casework.actions.services import can_run_actions, ladder_of
from casework.extensions import db
from casework.models import Action, ActionStatus, CallListEntry, Case, User


def action_sections(case: Case, user: User) -> dict[str, Any]:
    """Template values: the ladder for the case team and coordinators only, and the planned
    actions the user has people to call for (a caller need not be on the team)."""
    calls_to_make = list(db.session.scalars(
        select(Action).where(Action.case_id == case.id, Action.status == ActionStatus.PLANNED,
                             Action.id.in_(select(CallListEntry.action_id).where(
                                 CallListEntry.caller_id == user.id)))
        .order_by(Action.position, Action.id)))
    return {"ladder": ladder_of(case) if can_run_actions(case, user) else None,
            "calls_to_make": calls_to_make}
