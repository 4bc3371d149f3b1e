"""Login throttling kept in the database, so it holds across every worker process.

Three limits, each over the last ``WINDOW``; past one, attempts are refused before any
password is checked:

- ``PAIR_FAILURE_LIMIT`` failures for one account from one client address refuse that
  address for that account. Someone guessing from one address cannot lock the owner out:
  the owner's own address has its own count.
- ``CLIENT_FAILURE_LIMIT`` failures from one address, whatever the accounts, refuse that
  address: one address cannot try a few passwords on many accounts.
- ``ACCOUNT_FAILURE_LIMIT`` failures for one account from all addresses together refuse the
  account everywhere: the ceiling on guessing from many addresses at once. It is ten times
  the pair limit, so locking an owner out takes ten addresses or more.

Failed second-factor codes and wrong current passwords count as failures too. Emails and
addresses are stored as keyed hashes (HMAC with the app's secret key), never as themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, request
from flask_babel import ngettext
from sqlalchemy import delete, select

from casework.extensions import db
from casework.models import LoginAttempt
from casework.models.base import utcnow

PAIR_FAILURE_LIMIT = 5
CLIENT_FAILURE_LIMIT = 20
ACCOUNT_FAILURE_LIMIT = 50
WINDOW = timedelta(minutes=15)


def login_wait(email: str, ip: str | None = None, now: datetime | None = None
               ) -> timedelta | None:
    """How long logins for ``email`` from ``ip`` (this request's address by default) must
    wait, or None if they may go ahead."""
    now = now or utcnow()
    email_hash, ip_hash = email_digest(email), ip_digest(ip or client_ip())
    waits = [
        _wait((LoginAttempt.email_hash == email_hash) & (LoginAttempt.ip_hash == ip_hash),
              PAIR_FAILURE_LIMIT, now),
        _wait(LoginAttempt.ip_hash == ip_hash, CLIENT_FAILURE_LIMIT, now),
        _wait(LoginAttempt.email_hash == email_hash, ACCOUNT_FAILURE_LIMIT, now),
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
    """Store one attempt; drops rows past the window.

    A success forgets the failures for this email from this address only: failures from
    other addresses (perhaps someone guessing) still count towards the account's ceiling.
    """
    now = utcnow()
    email_hash, ip_hash = email_digest(email), ip_digest(ip or client_ip())
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.created_at <= now - WINDOW))
    if succeeded:
        db.session.execute(delete(LoginAttempt).where(
            LoginAttempt.email_hash == email_hash, LoginAttempt.ip_hash == ip_hash,
            LoginAttempt.succeeded.is_(False)))
    db.session.add(LoginAttempt(email_hash=email_hash, ip_hash=ip_hash, created_at=now,
                                succeeded=succeeded))
    db.session.flush()


def too_many_attempts_message(wait: timedelta) -> str:
    """The message shown instead of checking the password."""
    minutes = max(1, math.ceil(wait.total_seconds() / 60))
    return ngettext("Too many failed attempts. Try again in %(num)d minute.",
                    "Too many failed attempts. Try again in %(num)d minutes.", minutes)


def client_ip() -> str:
    """The client's address (set CASEWORK_TRUSTED_PROXIES behind a reverse proxy)."""
    return request.remote_addr or "unknown"


def email_digest(email: str) -> str:
    """A keyed hash of the normalised email."""
    return _digest("email", email.strip().lower())


def ip_digest(ip: str) -> str:
    """A keyed hash of an IP address's block (see ``address_block``)."""
    return _digest("ip", address_block(ip))


def address_block(ip: str) -> str:
    """What counts as one client: an IPv4 address, or an IPv6 /64, which one household or
    one rented server gets whole."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        mapped = address.ipv4_mapped
        return str(mapped) if mapped else str(ipaddress.ip_network(f"{address}/64", strict=False))
    return ip


def _digest(kind: str, value: str) -> str:
    key = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(key, f"login-attempt:{kind}:{value}".encode(), hashlib.sha256).hexdigest()
