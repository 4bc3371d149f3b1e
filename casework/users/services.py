"""Accounts: creating, disabling, and ending every credential a user holds.

Coordinators add people through invitations (``casework.users.invitations``); ``create_user``
is for the command line and the demo, run by whoever operates the installation.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from casework.audit.recorder import add_entry
from casework.calendars.services import revoke_feeds_of
from casework.errors import DuplicateEmail, PermissionDenied
from casework.extensions import db
from casework.models import STAFF_ROLES, CalendarFeed, Invitation, Network, Role, User
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
        raise DuplicateEmail(_("An account with this email already exists."))
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
    require_coordinator_of(user, coordinator)
    if user.id == coordinator.id:
        raise PermissionDenied(_("You cannot disable your own account."))
    user.is_disabled = is_disabled
    revoked = revoke_credentials(user) if is_disabled else None
    db.session.flush()
    return revoked


# What each staff role may do, for the confirmation page of a role change (DESIGN §2).
ROLE_POWERS = {
    Role.INTAKE: _l("logs inquiries and sees only the inquiries they logged themselves"),
    Role.ORGANIZER: _l("runs the fights they are on (full record, letters, actions, moves) and "
                       "sees summaries of the rest"),
    Role.COORDINATOR: _l("does everything in the network: users, reopening fights, reports and "
                         "exports with members' personal data"),
}
# Letters and digits that cannot be mistaken for each other when read aloud or copied.
UNAMBIGUOUS_CHARACTERS = "abcdefghjkmnpqrstuvwxyz23456789"


def require_coordinator_of(user: User, coordinator: User) -> None:
    if coordinator.role != Role.COORDINATOR or coordinator.network_id != user.network_id:
        raise PermissionDenied(_("Only a coordinator of this network can do this."))


def enabled_coordinators(network_id: int) -> int:
    """How many enabled coordinator accounts the network has."""
    return db.session.scalar(select(func.count()).select_from(User).where(
        User.network_id == network_id, User.role == Role.COORDINATOR,
        User.is_disabled.is_(False))) or 0


def change_role(user: User, coordinator: User, role: Role) -> Revoked:
    """Give a staff account another staff role; its sessions end, so the new role applies at
    once. Never one's own role, and never the network's last coordinator."""
    require_coordinator_of(user, coordinator)
    if user.id == coordinator.id:
        raise PermissionDenied(_("You cannot change your own role: ask another coordinator."))
    if user.role not in STAFF_ROLES or role not in STAFF_ROLES:
        raise PermissionDenied(_("Member logins belong to their fight: their role stays."))
    if (user.role == Role.COORDINATOR and role != Role.COORDINATOR
            and enabled_coordinators(user.network_id) <= 1):
        raise PermissionDenied(f"{user.name} is the network's only coordinator: make someone "
                               f"else a coordinator first.")
    old = user.role
    user.role = role
    revoked = revoke_credentials(user)
    add_entry("user.change_role", network_id=user.network_id, object_type="user",
              object_id=str(user.id), detail=f"{old.value}>{role.value}")
    db.session.flush()
    return revoked


def new_temporary_password() -> str:
    """Four groups of four, easy to read out: e.g. ``k7mq-x3vt-9pwa-h2re``."""
    groups = ("".join(secrets.choice(UNAMBIGUOUS_CHARACTERS) for _ in range(4))
              for _ in range(4))
    return "-".join(groups)


def reset_password(user: User, coordinator: User) -> str:
    """Replace the user's password with a temporary one, returned to be shown once; their
    sessions and other credentials end. Never one's own (the Password page is for that)."""
    require_coordinator_of(user, coordinator)
    if user.id == coordinator.id:
        raise PermissionDenied(_("Change your own password on your Password page."))
    password = new_temporary_password()
    user.set_password(password)
    revoke_credentials(user)
    add_entry("user.reset_password", network_id=user.network_id, object_type="user",
              object_id=str(user.id), detail="a temporary password shown once")
    db.session.flush()
    return password
