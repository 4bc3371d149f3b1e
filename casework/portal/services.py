"""The member portal's rules: member logins, a member's own fights, the member's approval.

A member sees the cases whose person is theirs, in their own network, and nothing else. Every
lookup here takes the member and filters on that ownership, so a view cannot forget it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework.errors import CaseworkError, PermissionDenied
from casework.extensions import db
from casework.letters.context import LetterKind, to_snapshot
from casework.letters.services import (
    LetterRefused,
    approval_snapshot,
    context_of,
    demand_letter,
    touch,
)
from casework.models import (
    Case,
    Event,
    EventKind,
    Invitation,
    Letter,
    LetterVersion,
    Network,
    Person,
    Role,
    User,
)
from casework.models.base import utcnow
from casework.system_text import MEMBER_APPROVAL_NOTE, N_, msgid_value, system_note
from casework.users.invitations import invite_user, member_invitation_of, person_invitation_of


class MemberLoginRefused(CaseworkError):
    """The member login cannot be created as asked; the message says why."""


@dataclass(frozen=True)
class MemberFight:
    """One of the member's fights as the portal shows it."""

    case: Case
    letter_version: LetterVersion | None
    # What the member reads when approving: set only for a draft they may approve.
    fingerprint: str | None

    @property
    def can_approve(self) -> bool:
        return self.fingerprint is not None


def owns_case(member: User, case: Case) -> bool:
    """Is ``case`` the member's own fight (their person, their network)?"""
    return (member.role == Role.MEMBER and member.person_id is not None
            and case.person_id == member.person_id and case.network_id == member.network_id)


def member_login_of(case: Case) -> User | None:
    """The portal login of the case's person, if they have one."""
    return db.session.scalars(
        select(User).where(User.person_id == case.person_id, User.role == Role.MEMBER)
    ).first()


def invite_member(case: Case, coordinator: User, email: str, password: str) -> Invitation:
    """Invite the person of ``case`` to the portal (their name, the case's network): the
    login is made at their first login (see casework.users.invitations)."""
    if coordinator.role != Role.COORDINATOR or coordinator.network_id != case.network_id:
        raise PermissionDenied(_("Only a coordinator of this network can give a member a login."))
    if member_login_of(case) is not None:
        raise MemberLoginRefused(_("This member already has a login."))
    if member_invitation_of(case) is not None:
        raise MemberLoginRefused(_("This member already has a login waiting for their first "
                                 "login."))
    invitation = invite_user(case.network, coordinator, case.person.name, email, Role.MEMBER,
                             password, case=case)
    # The timeline says that it happened, never the email or password.
    db.session.add(Event(case=case, actor=coordinator, kind=EventKind.NOTE,
                         **system_note(N_("Portal login offered to the member."))))
    db.session.flush()
    return invitation


def login_of(person: Person) -> User | None:
    """The portal login of the person, if they have one."""
    return db.session.scalars(
        select(User).where(User.person_id == person.id, User.role == Role.MEMBER)).first()


def invite_caller(person: Person, coordinator: User, email: str, password: str) -> Invitation:
    """Invite a person marked as a caller to the portal, where they see only their calls (the
    login is made at their first login, as for a member of a fight)."""
    if coordinator.role != Role.COORDINATOR or coordinator.network_id != person.network_id:
        raise PermissionDenied(_("Only a coordinator of this network can give a caller a login."))
    if not person.is_caller:
        raise MemberLoginRefused(_("Mark them as calling people for actions first."))
    if login_of(person) is not None:
        raise MemberLoginRefused(_("They already have a login."))
    if person_invitation_of(person.id, person.network_id) is not None:
        raise MemberLoginRefused(_("A login is already waiting for their first login."))
    network = db.session.get_one(Network, person.network_id)
    return invite_user(network, coordinator, person.name, email, Role.MEMBER, password,
                       person=person)


def member_fights(member: User) -> list[MemberFight]:
    """The member's own fights, newest first, each with its demand letter's latest version."""
    if member.role != Role.MEMBER or member.person_id is None:
        return []
    cases = db.session.scalars(
        select(Case)
        .where(Case.person_id == member.person_id, Case.network_id == member.network_id)
        .options(selectinload(Case.target), selectinload(Case.outcomes),
                 selectinload(Case.deliveries))
        .order_by(Case.id.desc())
    ).all()
    fights = []
    for case in cases:
        letter = demand_letter(case)
        version = letter.latest if letter is not None else None
        fingerprint = None
        if version is not None and not version.is_approved and not version.is_purged:
            fingerprint = letter_fingerprint(version)
        fights.append(MemberFight(case, version, fingerprint))
    return fights


def member_version(member: User, version_id: int) -> LetterVersion | None:
    """A version of the demand letter of one of the member's fights; None for anything else."""
    if member.role != Role.MEMBER or member.person_id is None:
        return None
    return db.session.scalars(
        select(LetterVersion)
        .join(Letter, LetterVersion.letter_id == Letter.id)
        .join(Case, Letter.case_id == Case.id)
        .where(LetterVersion.id == version_id, Letter.kind == LetterKind.DEMAND,
               Case.person_id == member.person_id, Case.network_id == member.network_id)
    ).one_or_none()


def letter_fingerprint(version: LetterVersion) -> str:
    """A hash of exactly what the version shows now, so an approval names what was read."""
    data = json.dumps(to_snapshot(context_of(version)), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def approve_as_member(version: LetterVersion, member: User,
                      seen_fingerprint: str | None = None) -> None:
    """The member's own approval of the latest draft of their demand letter.

    Mirrors :func:`casework.letters.services.approve_version`, whose team check a member cannot
    pass: the same snapshot, timestamps and timeline note, with the member as approver. With
    ``seen_fingerprint``, the approval is refused if the letter changed since the member read it.
    """
    letter = version.letter
    case = letter.case
    if not owns_case(member, case) or letter.kind != LetterKind.DEMAND:
        raise PermissionDenied(_("Only the member can approve their own demand letter here."))
    if version is not letter.latest or version.is_approved or version.is_purged:
        raise LetterRefused(_("Only the latest draft can be approved."))
    if seen_fingerprint is not None and seen_fingerprint != letter_fingerprint(version):
        raise LetterRefused(_("The letter changed since you opened this page. Read it again, "
                            "then approve it if you agree."))
    version.snapshot = approval_snapshot(version)
    version.approved_at = utcnow()
    version.approved_by_id = member.id
    version.member_approval_note = MEMBER_APPROVAL_NOTE
    touch(case, member, system_note(N_("Letter version %(number)s approved. %(note)s"),
                                    number=str(version.number),
                                    note=msgid_value(MEMBER_APPROVAL_NOTE)))
