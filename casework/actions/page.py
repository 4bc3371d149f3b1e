"""What the case page and 'My work' need: the escalation ladder, the user's calls to make and
their coming actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import String, func, select, type_coerce
from sqlalchemy.orm import contains_eager

from casework.actions.services import can_run_actions, ladder_of
from casework.extensions import db
from casework.models import (
    Action,
    ActionStatus,
    CallAnswer,
    CallListEntry,
    Case,
    User,
    case_team,
)


def action_sections(case: Case, user: User) -> dict[str, Any]:
    """Template values: the ladder for the case team and coordinators only, and the planned
    actions the user has people to call for (a caller need not be on the team)."""
    return {"ladder": ladder_of(case) if can_run_actions(case, user) else None,
            "calls_to_make": calls_to_make_on(case, user)}


def calls_to_make_on(case: Case, user: User) -> list[Action]:
    """The case's planned actions (its loaded ``actions``, in their order) on whose call lists
    the user has people to call; no statement for a case with none planned."""
    planned = [action for action in case.actions if action.status == ActionStatus.PLANNED]
    if not planned:
        return []
    calling = set(db.session.scalars(select(CallListEntry.action_id).where(
        CallListEntry.caller_id == user.id,
        CallListEntry.action_id.in_([action.id for action in planned]))))
    return [action for action in planned if action.id in calling]


@dataclass(frozen=True)
class CallsToMake:
    """A planned action the user has people to call for, and how many are still to ring."""

    action: Action
    still_to_call: int


def calls_to_make_of(user: User) -> list[CallsToMake]:
    """For 'My work': every planned action of the network the user was given calls for."""
    still_to_call = func.count(CallListEntry.id).filter(
        CallListEntry.answer == CallAnswer.NOT_CALLED)
    rows = db.session.execute(
        select(Action, still_to_call).join(CallListEntry, CallListEntry.action_id == Action.id)
        .join(Case, Case.id == Action.case_id)
        .options(contains_eager(Action.case))
        .where(CallListEntry.caller_id == user.id, Action.status == ActionStatus.PLANNED,
               Case.network_id == user.network_id)
        .group_by(Action.id, Case.id).order_by(Action.starts_at, Action.id).limit(50)).all()
    return [CallsToMake(action, count) for action, count in rows]


def upcoming_actions_of(user: User, today: date, days: int = 14) -> list[Action]:
    """For 'My work': the planned actions of the user's fights in the coming ``days``."""
    start = datetime.combine(today, time.min, tzinfo=UTC) - timedelta(days=1)
    # Led by the user's team rows, then each fight's actions (as My work's open fights:
    # casework/dashboard/lists.py), not by every planned action of the network's weeks:
    # "+ 0" and '+ ""' keep the databases from the network's and the actions' indexes.
    return list(db.session.scalars(
        select(Action).join(Case, Case.id == Action.case_id)
        .join(case_team, case_team.c.case_id == Case.id)
        .options(contains_eager(Action.case))
        .where(case_team.c.user_id == user.id, Case.network_id + 0 == user.network_id,
               type_coerce(Action.status, String) + "" == ActionStatus.PLANNED.value,
               Action.starts_at >= start,
               Action.starts_at < start + timedelta(days=days + 2))
        .order_by(Action.starts_at, Action.id).limit(50)))
