"""Accounts: creating and disabling users (used by the coordinator page and the CLI)."""

from __future__ import annotations

from sqlalchemy import func, select

from casework.errors import DuplicateEmail, PermissionDenied
from casework.extensions import db
from casework.models import Network, Role, User
from casework.security.passwords import check_password_policy
from casework.security.sessions import revoke_sessions


def create_user(network: Network, name: str, email: str, role: Role, password: str) -> User:
    """Add an account to a network; emails are unique across the installation.

    Raises ``WeakPassword`` when the password does not meet the policy.
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


def set_user_disabled(user: User, coordinator: User, is_disabled: bool) -> None:
    """Disable or re-enable an account of the coordinator's network (never their own)."""
    if coordinator.role != Role.COORDINATOR or coordinator.network_id != user.network_id:
        raise PermissionDenied("Only a coordinator of this network can do this.")
    if user.id == coordinator.id:
        raise PermissionDenied("You cannot disable your own account.")
    user.is_disabled = is_disabled
    if is_disabled:
        # Re-enabling the account later must not bring its old sessions back to life.
        revoke_sessions(user)
    db.session.flush()
