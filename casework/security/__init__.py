"""Security wiring shared by every page: response headers, session limits, proxy trust.

The mechanisms live in small modules: ``headers`` (CSP and friends), ``sessions`` (login
sessions that time out and can be revoked), ``ratelimit`` (login throttling in the database),
``passwords`` (the password policy) and ``mfa`` (TOTP second factor).
"""

from __future__ import annotations

from flask import Flask

from casework.security.headers import set_security_headers
from casework.security.settings import configure_security


def init_security(app: Flask) -> None:
    """Apply the security settings and install the response-header hook."""
    configure_security(app)
    app.after_request(set_security_headers)
