"""Logging in: loading users for Flask-Login and checking passwords."""

from __future__ import annotations

from sqlalchemy import func, select

from casework.extensions import db
from casework.models import User

# Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
_DUMMY_USER = User(password_hash="scrypt:32768:8:1$aaaaaaaaaaaaaaaa$" + "0" * 128)


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the active user with this id, or None."""
    if not user_id.isdigit():
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.is_active else None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None."""
    user = db.session.scalars(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).one_or_none()
    if user is None:
        _DUMMY_USER.check_password(password)
        return None
    if not user.check_password(password) or not user.is_active:
        return None
    return user
