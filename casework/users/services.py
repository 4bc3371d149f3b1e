"""Accounts: creating, disabling, and ending every credential a user holds.

Coordinators add people through invitations (``casework.users.invitations``); ``create_user``
is for the command line and the demo, run by whoever operates the installation.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from casework.calendars.services import revoke_feeds_of
from casework.errors import DuplicateEmail, PermissionDenied
from casework.extensions import db
from casework.models import CalendarFeed, Invitation, Network, Role, User
from casework.security.passwords import check_password_policy
from casework.security.sessions import revoke_sessions
from casework.users.invitations import withdraw_invitations_by


def create_user(network: Network, name: str, email: str, role: Role, password: str) -> User:
    """Add an account to a network; emails are unique across the installation.

    Raises ``WeakPassword`` when the password does not meet the policy, and ``DuplicateEmail``
    when any network has the email (only an operator may learn that: coordinators invite).
    """
    email = email.strip().lower()
    check_password_policy(password, email=email, name=name)
    taken = db.session.scalars(
        select(User.id).where(func.lower(User.email) == email)
    ).first()
    if taken is not None:
        raise DuplicateEmail("An account with this email already exists.")
    user = User(network_id=network.id, name=name.strip(), email=email, role=role)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


@dataclass(frozen=True)
class Revoked:
    """What ``revoke_credentials`` ended, for the coordinator to read."""

    feeds: int
    network_feed: bool
    invitations: int


def revoke_credentials(user: User) -> Revoked:
    """End everything that lets ``user`` in or lets them read the network from outside.

    Their sessions on every device (and a two-step login or two-factor setup begun in one),
    their calendar feed, the network feed's address if they made it, and the invitations they
    recorded (they know those first passwords). Their password and second factor stay theirs.
    Called when an account is disabled; a change of role must call it too.
    """
    revoke_sessions(user)
    feeds = revoke_feeds_of(user)
    return Revoked(feeds=len(feeds), network_feed=any(feed.user_id is None for feed in feeds),
                   invitations=withdraw_invitations_by(user))


def credentials_of(user: User) -> Revoked:
    """What disabling ``user`` would end, read without changing anything (for the
    coordinator's confirmation page): the same counts ``revoke_credentials`` returns."""
    feeds = db.session.scalars(
        select(CalendarFeed)
        .where((CalendarFeed.user_id == user.id) | (CalendarFeed.created_by_id == user.id),
               CalendarFeed.revoked_at.is_(None))).all()
    invitations = db.session.scalar(
        select(func.count()).select_from(Invitation).where(Invitation.invited_by_id == user.id))
    return Revoked(feeds=len(feeds), network_feed=any(feed.user_id is None for feed in feeds),
                   invitations=invitations or 0)


def set_user_disabled(user: User, coordinator: User, is_disabled: bool) -> Revoked | None:
    """Disable or re-enable an account of the coordinator's network (never their own).

    Disabling ends every credential the user holds (see ``revoke_credentials``): enabling the
    account later does not bring any of them back.
    """
    if coordinator.role != Role.COORDINATOR or coordinator.network_id != user.network_id:
        raise PermissionDenied("Only a coordinator of this network can do this.")
    if user.id == coordinator.id:
        raise PermissionDenied("You cannot disable your own account.")
    user.is_disabled = is_disabled
    revoked = revoke_credentials(user) if is_disabled else None
    db.session.flush()
    return revoked
