"""Security settings: session limits, cookie hardening and trusted proxies.

Values come from the app config when given (tests, ``create_app(test_config)``), otherwise from
the ``CASEWORK_*`` environment, otherwise from the defaults below.
"""

from __future__ import annotations

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from casework.config import ConfigError

DEFAULTS = {
    # Minutes without a request after which a login session ends.
    "CASEWORK_IDLE_MINUTES": 30,
    # Hours after logging in at which a login session ends, however active.
    "CASEWORK_SESSION_HOURS": 12,
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto headers are trusted.
    # Behind nginx set 1: without it every visitor seems to come from the proxy's address,
    # and the per-address login limit would lock everyone out together.
    "CASEWORK_TRUSTED_PROXIES": 0,
}


def configure_security(app: Flask) -> None:
    """Fill in the security settings and harden cookies where the config allows it."""
    for name, default in DEFAULTS.items():
        if name not in app.config:
            app.config[name] = env_int(name, default)
    # The login form offers no "remember me"; should a remember cookie ever be set, it is short
    # lived and not readable from scripts or sent cross-site.
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    use_host_prefix_cookie(app)
    proxies = app.config["CASEWORK_TRUSTED_PROXIES"]
    if proxies:
        # Only the client address and scheme: a forwarded Host is not trusted.
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies
        )


def use_host_prefix_cookie(app: Flask) -> None:
    """Over HTTPS name the session cookie ``__Host-session``.

    Browsers accept a ``__Host-`` cookie only when it is Secure, for the whole site and without
    a Domain, so a sibling subdomain cannot plant or overwrite it.
    """
    config = app.config
    is_default_cookie = config.get("SESSION_COOKIE_NAME") == "session"
    for_whole_site = (config.get("SESSION_COOKIE_PATH") in (None, "/")
                      and config.get("APPLICATION_ROOT", "/") == "/"
                      and not config.get("SESSION_COOKIE_DOMAIN"))
    if config.get("SESSION_COOKIE_SECURE") and is_default_cookie and for_whole_site:
        config["SESSION_COOKIE_NAME"] = "__Host-session"


def env_int(name: str, default: int) -> int:
    """A non-negative whole number from the environment, or ``default`` when unset."""
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit():
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.")
    return int(raw)
