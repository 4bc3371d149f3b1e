"""Who is on a case's team, and how an organizer gets on it.

Being on the team shows the member's contact details and the fight's whole record, so an
organizer does not simply join: they ask, the request goes on the case's timeline, and a
coordinator or an organizer already on the team approves or refuses it. Coordinators, who see
every fight of their network anyway, set the team directly.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from casework.errors import CaseworkError, PermissionDenied
from casework.extensions import db
from casework.models import (
    CASE_TEAM_ROLES,
    Case,
    Event,
    EventKind,
    JoinRequestStatus,
    Role,
    TeamJoinRequest,
    User,
)
from casework.models.base import utcnow
from casework.system_text import N_, msgid_value, system_note


class RequestNotOpen(CaseworkError):
    """The join request cannot be answered as asked: it was answered first, or the asker
    may no longer join a team."""


def already_answered(request: TeamJoinRequest) -> RequestNotOpen:
    who = request.decided_by.name if request.decided_by else _("Someone")
    if request.status == JoinRequestStatus.APPROVED:
        return RequestNotOpen(_("%(who)s already answered %(name)s's request (approved).",
                                who=who, name=request.user.name))
    return RequestNotOpen(_("%(who)s already answered %(name)s's request (refused).",
                            who=who, name=request.user.name))


@dataclass(frozen=True)
class TeamSection:
    """What the case page's team section shows the user."""

    pending: list[TeamJoinRequest]  # for those who may answer them
    own_request: TeamJoinRequest | None  # the user's latest request to join
    may_ask: bool


def may_answer_join_requests(case: Case, user: User) -> bool:
    """A coordinator of the network, or an organizer already on the team."""
    if user.network_id != case.network_id:
        return False
    return user.role == Role.COORDINATOR or (user.role == Role.ORGANIZER and case.is_on_team(user))


def ask_to_join_case_team(case: Case, user: User) -> TeamJoinRequest | None:
    """An organizer off the team asks to join; returns the pending request (None: on the team)."""
    if user.role != Role.ORGANIZER or user.network_id != case.network_id:
        raise PermissionDenied("Only organizers of this network ask to join a case team.")
    if case.is_on_team(user):
        return None
    pending = pending_request_of(case, user)
    if pending is not None:
        return pending
    request = TeamJoinRequest(case=case, user=user)
    db.session.add(request)
    db.session.add(Event(case=case, actor=user, kind=EventKind.TEAM_CHANGED,
                         **system_note(N_("%(name)s asked to join the case team"),
                                       name=user.name)))
    db.session.flush()
    return request


def answer_join_request(request: TeamJoinRequest, answerer: User, approve: bool) -> None:
    """Approve (the organizer joins the team) or refuse a pending request to join."""
    case = request.case
    if not may_answer_join_requests(case, answerer):
        raise PermissionDenied("A coordinator or an organizer on the case team answers this.")
    # Two answers at once: the second waits for the first here, then sees it.
    db.session.refresh(request, with_for_update=True)
    if not request.is_pending:
        raise already_answered(request)
    requester = request.user
    if approve and (requester.is_disabled or requester.role not in CASE_TEAM_ROLES):
        raise RequestNotOpen(_("%(name)s can no longer join a case team: their account is "
                               "disabled or is no longer an organizer's. Refuse the request.",
                               name=requester.name))
    decide(request, answerer, approve)
    if approve and not case.is_on_team(requester):
        case.team.append(requester)
    note = system_note(N_("Approved %(name)s's request: %(name)s joined the case team")
                       if approve else N_("Refused %(name)s's request to join the case team"),
                       name=requester.name)
    db.session.add(Event(case=case, actor=answerer, kind=EventKind.TEAM_CHANGED, **note))
    db.session.flush()


def join_case_team(case: Case, coordinator: User) -> None:
    """A coordinator puts themselves on the case team."""
    if coordinator.role != Role.COORDINATOR or coordinator.network_id != case.network_id:
        raise PermissionDenied("Organizers ask to join a case team.")
    if not case.is_on_team(coordinator):
        case.team.append(coordinator)
        db.session.add(Event(case=case, actor=coordinator, kind=EventKind.TEAM_CHANGED,
                             **system_note(N_("%(name)s joined the case team"),
                                           name=coordinator.name)))
        db.session.flush()


def set_case_team(case: Case, coordinator: User, member_ids: list[int]) -> None:
    """A coordinator sets the whole team; ids outside the network's organizers are ignored.

    Pending requests of those now on the team are answered by it (approved)."""
    if coordinator.role != Role.COORDINATOR or coordinator.network_id != case.network_id:
        raise PermissionDenied("Only a coordinator can set the case team.")
    members = list(db.session.scalars(
        select(User).where(User.id.in_(member_ids), User.network_id == case.network_id,
                           User.role.in_(CASE_TEAM_ROLES))
        .order_by(User.name)
    ))
    if {m.id for m in members} != {m.id for m in case.team}:
        case.team = members
        names = ", ".join(m.name for m in members) or msgid_value(N_("nobody"))
        db.session.add(Event(case=case, actor=coordinator, kind=EventKind.TEAM_CHANGED,
                             **system_note(N_("Case team set to %(names)s"), names=names)))
    for request in pending_requests(case):
        if case.is_on_team(request.user):
            decide(request, coordinator, approve=True)
    db.session.flush()


def decide(request: TeamJoinRequest, answerer: User, approve: bool) -> None:
    request.status = JoinRequestStatus.APPROVED if approve else JoinRequestStatus.REFUSED
    request.decided_by = answerer
    request.decided_at = utcnow()


def pending_requests(case: Case) -> list[TeamJoinRequest]:
    """The case's unanswered requests to join, oldest first."""
    return list(db.session.scalars(
        select(TeamJoinRequest).where(TeamJoinRequest.case_id == case.id,
                                      TeamJoinRequest.status == JoinRequestStatus.PENDING)
        .order_by(TeamJoinRequest.id)))


def pending_request_of(case: Case, user: User) -> TeamJoinRequest | None:
    return next((r for r in pending_requests(case) if r.user_id == user.id), None)


def latest_request_of(case: Case, user: User) -> TeamJoinRequest | None:
    """The user's latest request to join this case's team, answered or not."""
    return db.session.scalars(
        select(TeamJoinRequest).where(TeamJoinRequest.case_id == case.id,
                                      TeamJoinRequest.user_id == user.id)
        .order_by(TeamJoinRequest.id.desc()).limit(1)).first()


def team_section(case: Case, user: User, *, has_requests: bool = True) -> TeamSection:
    """The case page's team section for this user (``has_requests``: False when the case is
    known to have no unanswered request, which then need not be read)."""
    may_answer = may_answer_join_requests(case, user)
    off_team = user.role == Role.ORGANIZER and not case.is_on_team(user)
    own = latest_request_of(case, user) if off_team else None
    return TeamSection(
        pending=pending_requests(case) if may_answer and has_requests else [],
        own_request=own,
        may_ask=off_team and not (own is not None and own.is_pending))
