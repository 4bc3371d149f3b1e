"""TOTP second factor (RFC 6238, as authenticator apps use it) and "is it still you?" checks.

A code is accepted once: the time step of the last accepted code is stored on the user and
claimed with a conditional UPDATE, so a code seen over someone's shoulder, or sent twice at
the same moment, works only the first time.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

import pyotp
import segno
from flask import current_app, flash, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy import CursorResult, or_, update

from casework.extensions import db, login_manager
from casework.models import User
from casework.models.base import utcnow
from casework.security.sessions import read_stamp

ISSUER = "Casework"
MFA_VERIFIED_AT = "mfa_verified_at"
FRESH_FOR = timedelta(hours=12)
ENROLMENT_SECONDS = 15 * 60
# Accept the code of the previous and next 30-second step too: phones' clocks drift.
CLOCK_DRIFT_STEPS = 1

View = TypeVar("View", bound=Callable[..., Any])


def new_secret() -> str:
    """A new random base32 secret (160 bits)."""
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads (from the QR code or pasted)."""
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_data_uri(uri: str) -> str:
    """The URI as a QR code, an SVG in a ``data:`` URI (drawn here; no outside request)."""
    return str(segno.make(uri, error="m").svg_data_uri(scale=5, border=2))


def grouped(secret: str) -> str:
    """The secret in groups of four letters, easier to type into an app."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def matching_step(secret: str, code: str, now: datetime | None = None) -> int | None:
    """The time step whose code is ``code`` (within the allowed clock drift), or None."""
    code = "".join(code.split())
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = totp.timecode(now or utcnow())
    for step in range(current - CLOCK_DRIFT_STEPS, current + CLOCK_DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def verify_code(user: User, code: str) -> bool:
    """True, once, for a current code of the user's authenticator."""
    if not user.totp_secret:
        return False
    step = matching_step(user.totp_secret, code)
    return step is not None and claim_step(user, step)


def claim_step(user: User, step: int) -> bool:
    """Record ``step`` as used unless it, or a later one, was used already."""
    result = cast(CursorResult[Any], db.session.execute(
        update(User)
        .where(User.id == user.id,
               or_(User.totp_last_counter.is_(None), User.totp_last_counter < step))
        .values(totp_last_counter=step)
        .execution_options(synchronize_session="fetch")
    ))
    return result.rowcount == 1


def enable_second_factor(user: User, secret: str, step: int) -> None:
    """Turn two-factor on with ``secret``, whose code for ``step`` was just typed."""
    user.totp_secret = secret
    user.totp_last_counter = step


def disable_second_factor(user: User) -> None:
    """Turn two-factor off."""
    user.totp_secret = None
    user.totp_last_counter = None
    session.pop(MFA_VERIFIED_AT, None)


def enrolment_token(user: User, secret: str) -> str:
    """The new secret, signed for this user, carried by the enrolment form until confirmed.

    It names the user's last revocation of sessions, so a setup begun before the user was
    logged out everywhere (or disabled) cannot be finished afterwards.
    """
    return _serializer().dumps({"user": user.id, "secret": secret,
                                "sessions": _revoked_stamp(user)})


def secret_from_token(user: User, token: str) -> str | None:
    """The secret in an enrolment token made for ``user`` in the last 15 minutes, since their
    sessions were last revoked, or None."""
    try:
        data = _serializer().loads(token, max_age=ENROLMENT_SECONDS)
    except BadSignature:  # also raised for an expired token
        return None
    if not isinstance(data, dict) or data.get("user") != user.id:
        return None
    if data.get("sessions") != _revoked_stamp(user):
        return None
    secret = data.get("secret")
    return secret if isinstance(secret, str) else None


def _revoked_stamp(user: User) -> str:
    moment = user.sessions_valid_after
    return moment.isoformat() if moment is not None else ""


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="casework-totp-enrol")


def mark_second_factor_verified() -> None:
    """Note in the session that the user just typed a valid code."""
    session[MFA_VERIFIED_AT] = utcnow().isoformat()


def fresh_second_factor() -> bool:
    """True when the current user has two-factor on and typed a code in the last 12 hours."""
    if not current_user.is_authenticated or not current_user.has_second_factor:
        return False
    verified_at = read_stamp(MFA_VERIFIED_AT)
    return verified_at is not None and timedelta(0) <= utcnow() - verified_at <= FRESH_FOR


def require_second_factor(view: View) -> View:
    """Decorator for a view of very sensitive data: ask for a fresh second-factor code first.

    Use it below ``roles_required``. Without a code in the last 12 hours the user is sent to
    ``auth.verify_second_factor`` (or to set two-factor up), then back to this page if it was
    a GET.
    """

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if not fresh_second_factor():
            flash(_("This page needs a code from your authenticator app: confirm it is you."),
                  "info")
            next_url = request.full_path.rstrip("?") if request.method == "GET" else None
            return redirect(url_for("auth.verify_second_factor", next=next_url))
        return view(*args, **kwargs)

    return cast(View, guarded)
