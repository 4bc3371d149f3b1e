"""The checks behind ``/healthz`` and ``flask casework doctor``: each says what is wrong and
what to do about it, never a secret or a member's data."""

from __future__ import annotations

import re
import smtplib
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from casework.extensions import db

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
SMTP_TIMEOUT_SECONDS = 5
SHORTEST_SECRET_KEY = 32
FONT_IN_CSS = re.compile(r"url\((fonts/[^)\s]+)\)")


class Status(StrEnum):
    OK = "OK"
    WARNING = "WARNING"  # works, but worse than it should
    PROBLEM = "PROBLEM"  # fix before going live


@dataclass(frozen=True)
class Check:
    """One line of the doctor's report: what was checked, how it went, what to do."""

    name: str
    status: Status
    detail: str

    def line(self) -> str:
        return f"{self.status.value:<7}  {self.name}: {self.detail}"


@cache
def migration_head() -> str:
    """The revision the code expects the database to be at (the newest migration)."""
    head = ScriptDirectory(str(MIGRATIONS_DIR)).get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations found in {MIGRATIONS_DIR}")
    return head


def database_revisions() -> set[str]:
    """The revisions the database is stamped with (none when never migrated); a trivial
    ``SELECT 1`` first, so an unreachable database raises ``SQLAlchemyError``."""
    with db.engine.connect() as connection:
        connection.execute(text("SELECT 1"))
        return set(MigrationContext.configure(connection).get_current_heads())


def database_problem() -> str | None:
    """Why the database cannot serve this code (unreachable, not migrated), or None.

    The reason is short and holds no host, password or statement: /healthz shows it.
    """
    try:
        revisions = database_revisions()
    except SQLAlchemyError:
        return "database unreachable"
    if revisions != {migration_head()}:
        return "database not migrated"
    return None


def check_secret_key(config: dict[str, Any], instance_path: str) -> Check:
    """The key that signs sessions: set, long, and not the development key."""
    name = "secret key"
    key = config.get("SECRET_KEY") or ""
    fix = ("set CASEWORK_SECRET_KEY to the output of: "
           "python -c 'import secrets; print(secrets.token_hex(32))'")
    dev_key_file = Path(instance_path) / "dev-secret-key"
    if not key:
        return Check(name, Status.PROBLEM, f"not set; {fix}")
    if dev_key_file.exists() and key == dev_key_file.read_text().strip():
        return Check(name, Status.PROBLEM, f"the development key from {dev_key_file}; {fix}")
    if len(key) < SHORTEST_SECRET_KEY:
        return Check(name, Status.PROBLEM,
                     f"shorter than {SHORTEST_SECRET_KEY} characters, easy to guess; {fix}")
    return Check(name, Status.OK, "set")


def check_database() -> Check:
    """The database answers and is at the newest migration."""
    name = "database"
    try:
        revisions = database_revisions()
    except SQLAlchemyError as error:
        return Check(name, Status.PROBLEM,
                     f"cannot connect ({type(error).__name__}); check CASEWORK_DATABASE_URL "
                     "and that the database server is running")
    head = migration_head()
    where = db.engine.dialect.name
    if not revisions:
        return Check(name, Status.PROBLEM, f"{where} reachable but not migrated; run: "
                     "flask --app casework db upgrade")
    if revisions != {head}:
        return Check(name, Status.PROBLEM,
                     f"{where} at revision {', '.join(sorted(revisions))}, this code needs "
                     f"{head}; run: flask --app casework db upgrade")
    return Check(name, Status.OK, f"{where} reachable, migrated to {head}")


def check_smtp(config: dict[str, Any]) -> Check:
    """The mail server for reminders answers EHLO (and offers STARTTLS when it must)."""
    name = "SMTP"
    host, port = config.get("CASEWORK_SMTP_HOST") or "", int(config["CASEWORK_SMTP_PORT"])
    if not host:
        return Check(name, Status.WARNING, "not configured: reminders won't be sent "
                     "(set CASEWORK_SMTP_HOST and CASEWORK_SMTP_PORT)")
    try:
        with smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_SECONDS) as server:
            code, _banner = server.ehlo()
            offers_starttls = server.has_extn("starttls")
    except (OSError, smtplib.SMTPException) as error:
        return Check(name, Status.PROBLEM,
                     f"cannot reach {host}:{port} ({type(error).__name__}); check "
                     "CASEWORK_SMTP_HOST, CASEWORK_SMTP_PORT and the firewall")
    if code != 250:
        return Check(name, Status.PROBLEM, f"{host}:{port} refused EHLO (code {code})")
    if config.get("CASEWORK_SMTP_STARTTLS") and not offers_starttls:
        return Check(name, Status.PROBLEM, f"{host}:{port} does not offer STARTTLS; use its "
                     "submission port, or CASEWORK_SMTP_STARTTLS=0 for a local relay")
    return Check(name, Status.OK, f"{host}:{port} answers")


def check_https(config: dict[str, Any]) -> Check:
    """Links in reminders use https, and cookies are marked Secure."""
    name = "HTTPS"
    base_url = str(config.get("CASEWORK_BASE_URL") or "")
    if not base_url.startswith("https://"):
        return Check(name, Status.WARNING, f"CASEWORK_BASE_URL is {base_url or 'not set'}: "
                     "links in reminders are not encrypted; serve over TLS and set it to "
                     "https://your-host")
    if not config.get("SESSION_COOKIE_SECURE"):
        return Check(name, Status.WARNING, "cookies are not marked Secure; set CASEWORK_HTTPS=1")
    return Check(name, Status.OK, f"links use {base_url}, cookies are Secure")


def check_harfbuzz_subset() -> Check:
    """WeasyPrint's fast font subsetting (libharfbuzz-subset) is installed."""
    from casework.letters import rendering

    name = "harfbuzz-subset"
    if not rendering.harfbuzz_subset_available():
        return Check(name, Status.WARNING, "libharfbuzz-subset not found: letters render about "
                     "3x slower; install it (apt-get install libharfbuzz-subset0)")
    return Check(name, Status.OK, "installed")


def check_fonts() -> Check:
    """Every font the letter stylesheet names is bundled."""
    from casework.letters.fetcher import ASSETS_DIR

    name = "letter fonts"
    stylesheet = ASSETS_DIR / "letter.css"
    named = FONT_IN_CSS.findall(stylesheet.read_text()) if stylesheet.exists() else []
    missing = [font for font in named if not (ASSETS_DIR / font).is_file()]
    if not named or missing:
        return Check(name, Status.PROBLEM, f"missing from {ASSETS_DIR}: "
                     f"{', '.join(missing) or 'letter.css'}; reinstall Casework")
    return Check(name, Status.OK, f"{len(named)} bundled fonts present")


def run_checks(config: dict[str, Any], instance_path: str) -> list[Check]:
    """Every check, in the order the doctor prints them."""
    return [check_secret_key(config, instance_path), check_database(), check_smtp(config),
            check_https(config), check_harfbuzz_subset(), check_fonts()]

