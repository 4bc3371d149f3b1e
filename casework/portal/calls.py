"""A member's calls: the actions a member marked as a caller was given people to ring for.

Every lookup takes the member and filters on the entries given to their person, so a member
reaches no other call, action, case or person through these functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from casework.actions.calls import given_to, is_member_caller
from casework.extensions import db
from casework.models import Action, ActionStatus, CallAnswer, CallListEntry, Case, User

MAX_ACTIONS = 50


@dataclass(frozen=True)
class MemberCalls:
    """A planned action the member has people to call for, and how many are still to ring."""

    action: Action
    people: int
    still_to_call: int


def member_call_actions(member: User) -> list[MemberCalls]:
    """The planned actions of the member's network the member was given calls for."""
    if not is_member_caller(member):
        return []
    still_to_call = func.count(CallListEntry.id).filter(
        CallListEntry.answer == CallAnswer.NOT_CALLED)
    rows = db.session.execute(
        select(Action, func.count(CallListEntry.id), still_to_call)
        .join(CallListEntry, CallListEntry.action_id == Action.id)
        .join(Case, Case.id == Action.case_id)
        .where(given_to(member), Action.status == ActionStatus.PLANNED,
               Case.network_id == member.network_id)
        .group_by(Action.id).order_by(Action.starts_at, Action.id).limit(MAX_ACTIONS)).all()
    return [MemberCalls(action, people, left) for action, people, left in rows]


def member_action(member: User, action_id: int) -> Action | None:
    """A planned action the member has calls for; None for any other action."""
    if not is_member_caller(member):
        return None
    return db.session.scalars(
        select(Action).join(Case, Case.id == Action.case_id)
        .where(Action.id == action_id, Action.status == ActionStatus.PLANNED,
               Case.network_id == member.network_id,
               select(CallListEntry.id).where(CallListEntry.action_id == Action.id,
                                              given_to(member)).exists())).one_or_none()


def member_entry(member: User, action: Action, call_id: int) -> CallListEntry | None:
    """One of the member's own calls for the action; None for anyone else's."""
    return db.session.scalars(select(CallListEntry).where(
        CallListEntry.id == call_id, CallListEntry.action_id == action.id,
        given_to(member))).one_or_none()
