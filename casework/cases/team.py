"""Who is on a case's team."""

from __future__ import annotations

from sqlalchemy import select

from casework.errors import PermissionDenied
from casework.extensions import db
from casework.models import CASE_TEAM_ROLES, Case, Event, EventKind, Role, User


def join_case_team(case: Case, user: User) -> None:
    """An organizer or coordinator puts themselves on the case team."""
    if user.role not in CASE_TEAM_ROLES or user.network_id != case.network_id:
        raise PermissionDenied("Only organizers of this network can join a case team.")
    if not case.is_on_team(user):
        case.team.append(user)
        db.session.add(Event(case=case, actor=user, kind=EventKind.TEAM_CHANGED,
                             note=f"{user.name} joined the case team"))
        db.session.flush()


def set_case_team(case: Case, coordinator: User, member_ids: list[int]) -> None:
    """A coordinator sets the whole team; ids outside the network's organizers are ignored."""
    if coordinator.role != Role.COORDINATOR or coordinator.network_id != case.network_id:
        raise PermissionDenied("Only a coordinator can set the case team.")
    members = list(db.session.scalars(
        select(User).where(User.id.in_(member_ids), User.network_id == case.network_id,
                           User.role.in_(CASE_TEAM_ROLES))
        .order_by(User.name)
    ))
    if {m.id for m in members} != {m.id for m in case.team}:
        case.team = members
        names = ", ".join(m.name for m in members) or "nobody"
        db.session.add(Event(case=case, actor=coordinator, kind=EventKind.TEAM_CHANGED,
                             note=f"Case team set to {names}"))
        db.session.flush()
