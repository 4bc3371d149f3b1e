"""Login throttling kept in the database, so it holds across every worker process.

After ``EMAIL_FAILURE_LIMIT`` failures for one email, or ``IP_FAILURE_LIMIT`` from one address,
within ``WINDOW``, further attempts are refused before any password is checked. Failed
second-factor codes and wrong current passwords count as failures too. Emails and addresses are
stored as keyed hashes (HMAC with the app's secret key), never as themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, request
from sqlalchemy import delete, select

from casework.extensions import db
from casework.models import LoginAttempt
from casework.models.base import utcnow

EMAIL_FAILURE_LIMIT = 5
IP_FAILURE_LIMIT = 20
WINDOW = timedelta(minutes=15)


def login_wait(email: str, ip: str | None = None, now: datetime | None = None
               ) -> timedelta | None:
    """How long logins for ``email`` (or from ``ip``) must wait, or None if they may go ahead."""
    now = now or utcnow()
    waits = [
        _wait(LoginAttempt.email_hash == email_digest(email), EMAIL_FAILURE_LIMIT, now),
        _wait(LoginAttempt.ip_hash == ip_digest(ip or client_ip()), IP_FAILURE_LIMIT, now),
    ]
    known = [wait for wait in waits if wait is not None]
    return max(known) if known else None


def _wait(matches: Any, limit: int, now: datetime) -> timedelta | None:
    # The limit-th most recent failure in the window: once it is older than the window, fewer
    # than `limit` failures remain and attempts may go ahead again.
    oldest_counted = db.session.scalars(
        select(LoginAttempt.created_at)
        .where(matches, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at > now - WINDOW)
        .order_by(LoginAttempt.created_at.desc())
        .offset(limit - 1)
        .limit(1)
    ).first()
    return None if oldest_counted is None else oldest_counted + WINDOW - now


def record_login_attempt(email: str, succeeded: bool, ip: str | None = None) -> None:
    """Store one attempt; a success forgets the email's failures. Drops rows past the window."""
    now = utcnow()
    digest = email_digest(email)
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at <= now - WINDOW))
    if succeeded:
        db.session.execute(delete(LoginAttempt).where(LoginAttempt.email_hash == digest,
                                                      LoginAttempt.succeeded.is_(False)))
    db.session.add(LoginAttempt(email_hash=digest, ip_hash=ip_digest(ip or client_ip()),
                                created_at=now, succeeded=succeeded))
    db.session.flush()


def too_many_attempts_message(wait: timedelta) -> str:
    """The message shown instead of checking the password."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return f"Too many failed attempts. Try again in {minutes} minute{'' if minutes == 1 else 's'}."


def client_ip() -> str:
    """The client's address (set CASEWORK_TRUSTED_PROXIES behind a reverse proxy)."""
    return request.remote_addr or "unknown"


def email_digest(email: str) -> str:
    """A keyed hash of the normalised email."""
    return _digest("email", email.strip().lower())


def ip_digest(ip: str) -> str:
    """A keyed hash of an IP address."""
    return _digest("ip", ip)


def _digest(kind: str, value: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"login-attempt:{kind}:{value}".encode(), hashlib.sha256).hexdigest()
