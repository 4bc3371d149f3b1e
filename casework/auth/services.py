"""Logging in and out: loading users for Flask-Login, passwords, the two-step login."""

from __future__ import annotations

from datetime import timedelta
from typing import TypeGuard
from urllib.parse import urlsplit

from flask import current_app, session, url_for
from flask_login import logout_user
from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import joinedload

from casework.cases.search_session import forget_searches
from casework.data_version import DATABASE_TOKEN, remember_token
from casework.extensions import db
from casework.ids import parse_id
from casework.models import Role, User
from casework.models.base import utcnow
from casework.security.mfa import (
    disable_second_factor,
    enable_second_factor,
    mark_second_factor_verified,
)
from casework.security.passwords import check_password_policy
from casework.security.ratelimit import record_login_attempt
from casework.security.sessions import (
    forget_session,
    read_stamp,
    revoke_other_sessions,
    revoke_sessions,
    session_is_current,
    start_session,
)
from casework.users.invitations import accept_invitation

# Between the password and the code of a two-step login, the session holds only these.
PENDING_USER = "pending_user_id"
PENDING_AT = "pending_at"
PENDING_NEXT = "pending_next"
PENDING_FOR = timedelta(minutes=5)


# The logged-in user, with the network joined: nearly every page reads it (its time zone, its
# settings), and a statement of its own cost each page ~0.3 ms. Built once: building it (as
# ``session.get`` with options does) cost every page 0.07 ms of its own.
# The user, their network and the database's token in one statement: a page kept by the
# worker (casework/kept_pages.py) then needs no statement of its own.
USER_WITH_NETWORK = select(User, DATABASE_TOKEN).options(joinedload(User.network)).where(
    User.id == bindparam("user_id"))


def load_user(user_id: str) -> User | None:
    """Flask-Login's loader: the active user of a session that has not ended, or None."""
    known_id = parse_id(user_id)  # "²".isdigit() is true, and then int() fails
    row = (db.session.execute(USER_WITH_NETWORK, {"user_id": known_id}).one_or_none()
           if known_id is not None else None)
    if row is None or not row[0].is_active:
        return None
    user, token = row
    remember_token(token)
    return user if session_is_current(user) else None


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None.

    An email without an account may have an invitation: its first password makes the
    account now (see casework.users.invitations).
    """
    user = db.session.scalars(
        select(User).where(func.lower(User.email) == email.strip().lower())
    ).one_or_none()
    if user is None:
        return accept_invitation(email, password)
    if not user.check_password(password) or not user.is_active:
        return None
    return user


def log_in(user: User, *, second_factor: bool = False) -> None:
    """Start a new session for ``user`` and forget their failed attempts."""
    record_login_attempt(user.email, succeeded=True)
    start_session(user)
    if second_factor:
        mark_second_factor_verified()


def log_out(user: User) -> None:
    """End this session and every other session of ``user``."""
    revoke_sessions(user)
    forget_searches(user)
    logout_user()
    forget_session()


def change_password(user: User, new_password: str) -> None:
    """Set a new password (policy checked) and log the user out on their other devices."""
    check_password_policy(new_password, email=user.email, name=user.name)
    user.set_password(new_password)
    revoke_other_sessions(user)


def set_ui_language(user: User, language: str) -> None:
    """The language of the user's pages (recorded in the audit log like any account change)."""
    user.ui_language = language
    db.session.flush()


def begin_second_step(user: User, next_url: str) -> None:
    """Password accepted; remember who is logging in until they type their code."""
    session.clear()
    session[PENDING_USER] = user.id
    session[PENDING_AT] = utcnow().isoformat()
    session[PENDING_NEXT] = next_url


def pending_login() -> tuple[User, str] | None:
    """The user halfway through a two-step login (and where to go next), or None."""
    user_id, started = session.get(PENDING_USER), read_stamp(PENDING_AT)
    if not isinstance(user_id, int) or started is None or utcnow() - started > PENDING_FOR:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not user.has_second_factor:
        return None
    if user.sessions_valid_after is not None and started < user.sessions_valid_after:
        return None  # begun before the user's sessions were revoked (say, while disabled)
    next_url = session.get(PENDING_NEXT)
    return user, next_url if isinstance(next_url, str) else home_url(user)


def home_url(user: User) -> str:
    """Where ``user`` lands after logging in: the member portal for members, else My work."""
    if user.role == Role.MEMBER and "portal.my_fight" in current_app.view_functions:
        return url_for("portal.my_fight")
    return url_for("dashboard.my_work")


def safe_next_url(target: str | None, default: str | None = None) -> str:
    """Only follow ``next`` to a path on this site, never to another host; anything else is
    ignored in favour of ``default`` (never an error page)."""
    return target if is_local_path(target) else default or url_for("dashboard.my_work")


def is_local_path(target: str | None) -> TypeGuard[str]:
    """True for a path on this site, such as ``/cases/?state=won``."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    # Printable ASCII only: browsers drop tabs and newlines ("/\t/evil.example" becomes
    # "//evil.example"), CR/LF would split the Location header, and paths here are ASCII.
    if "\\" in target or not all("!" <= character <= "~" for character in target):
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


def turn_on_two_factor(user: User, secret: str, step: int) -> None:
    """Turn two-factor on; other sessions, opened without it, are logged out."""
    enable_second_factor(user, secret, step)
    mark_second_factor_verified()
    revoke_other_sessions(user)


def turn_off_two_factor(user: User) -> None:
    """Turn two-factor off; other sessions are logged out."""
    disable_second_factor(user)
    revoke_other_sessions(user)
