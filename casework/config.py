"""Configuration: safe defaults, secrets and URLs from ``CASEWORK_*`` environment variables."""

from __future__ import annotations

import os
import secrets
from contextlib import suppress
from pathlib import Path
from typing import Any

from casework.private_files import create_private_file, make_private_dir

DEV_ENVIRONMENTS = {"development", "test"}


class ConfigError(RuntimeError):
    """Raised when the app cannot start because its configuration is incomplete."""


def load_config(instance_path: str, environment: str | None = None) -> dict[str, Any]:
    """Build the Flask config from defaults and the ``CASEWORK_*`` environment."""
    environment = environment or os.environ.get("CASEWORK_ENV", "production")
    database_url = os.environ.get("CASEWORK_DATABASE_URL") or sqlite_url(
        Path(instance_path) / "casework.sqlite3"
    )
    is_https = os.environ.get("CASEWORK_HTTPS", "0" if environment in DEV_ENVIRONMENTS else "1")
    max_upload_mb = upload_limit_mb()
    return {
        "CASEWORK_ENV": environment,
        "SECRET_KEY": secret_key(environment, instance_path),
        "SQLALCHEMY_DATABASE_URI": normalise_database_url(database_url),
        # Statement parameters hold personal data: keep them out of logs and tracebacks.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True},
        "CASES_PER_PAGE": 50,
        # Send a page again from the worker's memory while nothing it shows changed
        # (casework/kept_pages.py); 0 makes every page anew (the load benchmark's --anew).
        "CASEWORK_KEEP_PAGES": os.environ.get("CASEWORK_KEEP_PAGES", "1") != "0",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": is_https == "1",
        "REMEMBER_COOKIE_SECURE": is_https == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        # A request may carry one upload plus its form fields; larger ones get the 413 page.
        "MAX_CONTENT_LENGTH": max(16, max_upload_mb + 1) * 1024 * 1024,
        "CASEWORK_UPLOAD_DIR": os.environ.get("CASEWORK_UPLOAD_DIR")
        or str(Path(instance_path) / "uploads"),
        "CASEWORK_MAX_UPLOAD_MB": max_upload_mb,
        "WTF_CSRF_ENABLED": not csrf_disabled_for_tests(environment),
        "WTF_CSRF_TIME_LIMIT": None,
        # How many people other than a letter's author must pass its review.
        "CASEWORK_LETTER_REVIEWERS": letter_reviewers(),
        # Sendings of the public "get in touch" form accepted from one address in an hour.
        "CASEWORK_PUBLIC_FORM_PER_HOUR": public_form_per_hour(),
        # Links to other installations over plain http (development and tests only).
        "CASEWORK_FEDERATION_ALLOW_HTTP": os.environ.get(
            "CASEWORK_FEDERATION_ALLOW_HTTP",
            "1" if environment in DEV_ENVIRONMENTS else "0") == "1",
        **mail_settings(),
    }


def letter_reviewers() -> int:
    """``CASEWORK_LETTER_REVIEWERS``: reviewers other than the author a letter needs (1+)."""
    value = os.environ.get("CASEWORK_LETTER_REVIEWERS", "1")
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"CASEWORK_LETTER_REVIEWERS must be 1 or more, not {value!r}.")
    return int(value)


def public_form_per_hour() -> int:
    """``CASEWORK_PUBLIC_FORM_PER_HOUR``: public form sendings per client address an hour (1+)."""
    value = os.environ.get("CASEWORK_PUBLIC_FORM_PER_HOUR", "5")
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"CASEWORK_PUBLIC_FORM_PER_HOUR must be 1 or more, not {value!r}.")
    return int(value)


def mail_settings() -> dict[str, Any]:
    """SMTP for the reminders that ``flask casework tick`` sends; no host, no mail."""
    port = os.environ.get("CASEWORK_SMTP_PORT", "587")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ConfigError(f"CASEWORK_SMTP_PORT must be a port number, not {port!r}.")
    return {
        "CASEWORK_SMTP_HOST": os.environ.get("CASEWORK_SMTP_HOST", ""),
        "CASEWORK_SMTP_PORT": int(port),
        "CASEWORK_SMTP_USERNAME": os.environ.get("CASEWORK_SMTP_USERNAME", ""),
        "CASEWORK_SMTP_PASSWORD": os.environ.get("CASEWORK_SMTP_PASSWORD", ""),
        "CASEWORK_SMTP_STARTTLS": os.environ.get("CASEWORK_SMTP_STARTTLS", "1") == "1",
        "CASEWORK_MAIL_FROM": os.environ.get("CASEWORK_MAIL_FROM", "casework@localhost"),
        # Links in reminders point here (there is no request to take the host from).
        "CASEWORK_BASE_URL": os.environ.get("CASEWORK_BASE_URL", "http://127.0.0.1:5000"),
    }


def upload_limit_mb() -> int:
    """The largest document upload in MB (``CASEWORK_MAX_UPLOAD_MB``, default 10)."""
    value = os.environ.get("CASEWORK_MAX_UPLOAD_MB", "10")
    if not value.isdigit() or int(value) < 1:
        raise ConfigError(f"CASEWORK_MAX_UPLOAD_MB must be a whole number of MB, not {value!r}.")
    return int(value)


def csrf_disabled_for_tests(environment: str) -> bool:
    """``CASEWORK_TEST_DISABLE_CSRF=1`` lets out-of-process tests post forms; not in production."""
    return environment in DEV_ENVIRONMENTS and os.environ.get("CASEWORK_TEST_DISABLE_CSRF") == "1"


def sqlite_url(path: Path) -> str:
    """Return the SQLAlchemy URL of an SQLite file."""
    return f"sqlite:///{path}"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL URLs given in the common ``postgres://`` forms."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def secret_key(environment: str, instance_path: str) -> str:
    """Return the secret key: required in production, kept in ``instance/`` in development."""
    key = os.environ.get("CASEWORK_SECRET_KEY")
    if key:
        return key
    if environment not in DEV_ENVIRONMENTS:
        raise ConfigError(
            "CASEWORK_SECRET_KEY is not set. Set it to a long random string, for example "
            "the output of: python -c 'import secrets; print(secrets.token_hex(32))'"
        )
    key_file = Path(instance_path) / "dev-secret-key"
    if not key_file.exists():
        make_private_dir(key_file.parent)
        with suppress(FileExistsError), create_private_file(key_file) as handle:
            handle.write(secrets.token_hex(32).encode())  # else another process just did
    return key_file.read_text().strip()
