"""Login sessions that end: on a fresh cookie at login, after idling, after some hours, on revoke.

Flask keeps the session in a signed cookie, which the server cannot delete. So the session
records when it logged in (``login_at``) and when it was last used (``seen_at``), and the user
loader refuses it when it idled too long, is too old, or logged in before the user's
``sessions_valid_after``.

Revoking is per user, not per session: logging out, changing the password or being disabled
ends *every* session of that user, on every device. That needs no table of session ids and no
extra query (the loader reads the user row anyway), and for people who may use a shared or
seized computer, "log out" meaning "log out everywhere" is the safer reading.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app, flash, session
from flask_babel import gettext as _
from flask_login import login_user

from casework.models import User
from casework.models.base import utcnow

LOGIN_AT = "login_at"
SEEN_AT = "seen_at"


def start_session(user: User) -> None:
    """Log ``user`` in on a new session: nothing from before the login survives (no fixation)."""
    session.clear()
    login_user(user)
    now = utcnow().isoformat()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now


def forget_session() -> None:
    """Drop everything in the session, and any remember-me cookie with it."""
    session.clear()
    session["_remember"] = "clear"  # Flask-Login deletes a remember cookie on seeing this


def revoke_sessions(user: User) -> datetime:
    """End every session ``user`` has now, on every device; returns the moment of revoking."""
    now = utcnow()
    user.sessions_valid_after = now
    return now


def revoke_other_sessions(user: User) -> None:
    """End the user's sessions on other devices and keep this one (after a password change)."""
    now = revoke_sessions(user)
    session[LOGIN_AT] = now.isoformat()
    session[SEEN_AT] = now.isoformat()


def session_is_current(user: User) -> bool:
    """Check the session of ``user`` on each request: True to go on; else end it and say why."""
    now = utcnow()
    reason = end_reason(user, read_stamp(LOGIN_AT), read_stamp(SEEN_AT), now)
    if reason is None:
        session[SEEN_AT] = now.isoformat()
        return True
    forget_session()
    if reason:
        flash(reason, "info")
    return False


def end_reason(user: User, login_at: datetime | None, seen_at: datetime | None,
               now: datetime) -> str | None:
    """Why the session must end (empty when there is nothing to tell), or None if it may go on."""
    if login_at is None or seen_at is None:
        return ""  # not made by start_session: an old cookie or remember-me cookie
    if user.sessions_valid_after is not None and login_at < user.sessions_valid_after:
        return _("You were logged out because you logged out elsewhere, your password changed "
                 "or your account was changed. Log in again.")
    idle_minutes = int(current_app.config["CASEWORK_IDLE_MINUTES"])
    max_hours = int(current_app.config["CASEWORK_SESSION_HOURS"])
    if now - login_at > timedelta(hours=max_hours):
        return _("You were logged out %(hours)s hours after logging in. Log in again.",
                 hours=max_hours)
    if now - seen_at > timedelta(minutes=idle_minutes):
        return _("You were logged out after %(minutes)s minutes without activity.",
                 minutes=idle_minutes)
    return None


def read_stamp(key: str) -> datetime | None:
    """A timezone-aware moment stored in the session as ISO text, or None if absent or odd."""
    value = session.get(key)
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None
