"""Adding people without telling a coordinator whether their email has an account elsewhere.

An email belongs to one account in the whole installation, and an account to one network. A
coordinator who typed an email and read "this email is taken" would learn that the person has
an account in some other network. So a coordinator never makes an account directly: they
record an invitation (name, email, role, and a first password they give the person
themselves), and the account is made when the person first logs in with that email and
password, within ``INVITATION_DAYS``.

If the email already has an account in another network, logging in opens that account as it
always did, and the invitation is never used: it waits until it expires or is withdrawn, as
the invitation of someone who never logs in does. The coordinator's pages look the same either
way; the person knows, and can tell the coordinator to invite another address of theirs.
Inside the coordinator's own network nothing is hidden: an email already used there is said.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from casework.errors import DuplicateEmail, PermissionDenied
from casework.extensions import db
from casework.models import Case, Invitation, Network, Person, Role, User
from casework.models.base import utcnow
from casework.security.passwords import check_password_policy, spend_a_password_check

INVITATION_DAYS = 14
TAKEN_HERE = _l("An account with this email already exists in your network.")
WAITING_HERE = _l("An invitation for this email is already waiting in your network.")


def invitation_cutoff(now: datetime | None = None) -> datetime:
    """Invitations made at or before this moment have expired."""
    return (now or utcnow()) - timedelta(days=INVITATION_DAYS)


def expires_on(invitation: Invitation) -> datetime:
    """When the invitation stops working."""
    return invitation.created_at + timedelta(days=INVITATION_DAYS)


def invite_user(network: Network, inviter: User, name: str, email: str, role: Role,
                password: str, *, case: Case | None = None,
                person: Person | None = None) -> Invitation:
    """Record an invitation; the account is made at the person's first login.

    Raises ``WeakPassword`` when the first password does not meet the policy, and
    ``DuplicateEmail`` only when the email is already used in this same network: whether it
    has an account in another network is never looked at here.
    """
    if inviter.role != Role.COORDINATOR or inviter.network_id != network.id:
        raise PermissionDenied(_("Only a coordinator of this network can do this."))
    email = email.strip().lower()
    check_password_policy(password, email=email, name=name)
    forget_expired_invitations()
    if db.session.scalars(select(User.id).where(
            User.network_id == network.id, func.lower(User.email) == email)).first():
        raise DuplicateEmail(TAKEN_HERE)
    if db.session.scalars(select(Invitation.id).where(
            Invitation.network_id == network.id, Invitation.email == email)).first():
        raise DuplicateEmail(WAITING_HERE)
    invitation = Invitation(network_id=network.id, name=name.strip(), email=email, role=role,
                            password_hash=generate_password_hash(password),
                            case_id=case.id if case is not None else None,
                            person_id=person.id if person is not None else None,
                            invited_by_id=inviter.id, created_at=utcnow())
    try:
        with db.session.begin_nested():  # two coordinators inviting the same email at once
            db.session.add(invitation)
            db.session.flush()
    except IntegrityError as error:
        raise DuplicateEmail(WAITING_HERE) from error
    return invitation


def waiting_invitations(network_id: int) -> list[Invitation]:
    """The network's invitations not yet used and not expired, oldest first."""
    return list(db.session.scalars(
        select(Invitation).where(Invitation.network_id == network_id,
                                 Invitation.created_at > invitation_cutoff())
        .order_by(Invitation.created_at, Invitation.id)))


def member_invitation_of(case: Case) -> Invitation | None:
    """A waiting portal login for the person of ``case`` (made from any of their fights, or
    as a caller)."""
    return person_invitation_of(case.person_id, case.network_id)


def person_invitation_of(person_id: int, network_id: int) -> Invitation | None:
    """A waiting portal login for the person, made from one of their fights or as a caller."""
    return db.session.scalars(
        select(Invitation).outerjoin(Case, Case.id == Invitation.case_id)
        .where(or_(Case.person_id == person_id, Invitation.person_id == person_id),
               Invitation.network_id == network_id, Invitation.created_at > invitation_cutoff())
        .order_by(Invitation.id)).first()


def withdraw_invitation(invitation: Invitation, coordinator: User) -> None:
    """Drop an invitation of the coordinator's network: its first password stops working."""
    if coordinator.role != Role.COORDINATOR or coordinator.network_id != invitation.network_id:
        raise PermissionDenied(_("Only a coordinator of this network can do this."))
    db.session.delete(invitation)
    db.session.flush()


def withdraw_invitations_by(user: User) -> int:
    """Drop every invitation ``user`` made: they know its first password. Returns how many."""
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.invited_by_id == user.id)).all()
    for invitation in invitations:
        db.session.delete(invitation)
    db.session.flush()
    return len(invitations)


def accept_invitation(email: str, password: str) -> User | None:
    """The account made from a waiting invitation for ``email`` whose first password this is,
    or None. Only called when no account has the email; costs a password check either way."""
    forget_expired_invitations()
    invitations = db.session.scalars(
        select(Invitation).where(Invitation.email == email.strip().lower())
        .order_by(Invitation.id)).all()
    if not invitations:
        spend_a_password_check(password)
        return None
    for invitation in invitations:
        if check_password_hash(invitation.password_hash, password):
            return account_from(invitation)
    return None


def account_from(invitation: Invitation) -> User | None:
    """Make the invited account and drop the invitation; None if that can no longer be."""
    case = db.session.get(Case, invitation.case_id) if invitation.case_id is not None else None
    person_id = case.person_id if case is not None else invitation.person_id
    if invitation.role == Role.MEMBER and (person_id is None or has_login(person_id)):
        return None
    user = User(network_id=invitation.network_id, name=invitation.name, email=invitation.email,
                role=invitation.role, password_hash=invitation.password_hash,
                person_id=person_id)
    try:
        with db.session.begin_nested():  # the same first login twice at once: one wins
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        return None
    db.session.delete(invitation)
    db.session.flush()
    return user


def has_member_login(case: Case) -> bool:
    """Does the person of ``case`` have a portal login already?"""
    return has_login(case.person_id)


def has_login(person_id: int) -> bool:
    """Does the person have a portal login already?"""
    return bool(db.session.scalar(select(exists().where(
        User.person_id == person_id, User.role == Role.MEMBER))))


def forget_expired_invitations() -> None:
    """Delete invitations past their time, with the name, email and password hash they hold."""
    expired = Invitation.created_at <= invitation_cutoff()
    if db.session.scalar(select(exists().where(expired))):  # no audit entry for nothing
        db.session.execute(delete(Invitation).where(expired))
