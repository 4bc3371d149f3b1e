"""``flask casework doctor``: a ready configuration passes; a broken one is named with its fix."""

from __future__ import annotations

import ctypes.util
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import text

from casework import create_app
from casework.extensions import db
from casework.health.checks import migration_head
from tests.mail_server import MailServer
from tests.postgres_server import free_port

CHECKS = ("secret key", "database", "SMTP", "HTTPS", "harfbuzz-subset", "letter fonts")


@pytest.fixture
def app_config(mail_server: MailServer) -> dict[str, Any]:
    """A configuration ready to go live: every check passes."""
    return {"SECRET_KEY": secrets.token_hex(32), "CASEWORK_SMTP_HOST": "127.0.0.1",
            "CASEWORK_SMTP_PORT": mail_server.port, "CASEWORK_SMTP_STARTTLS": False,
            "CASEWORK_BASE_URL": "https://casework.example.org", "SESSION_COOKIE_SECURE": True}


def doctor(app: Flask) -> tuple[int, dict[str, str]]:
    """The exit code, and each check's line by the check's name."""
    result = app.test_cli_runner().invoke(args=["casework", "doctor"])
    lines = {}
    for line in result.output.splitlines():
        status, _, rest = line.partition("  ")
        name, _, detail = rest.strip().partition(": ")
        if status.strip() in {"OK", "WARNING", "PROBLEM"}:
            lines[name] = f"{status.strip()} {detail}"
    return result.exit_code, lines


def test_a_ready_configuration_passes_every_check(app: Flask) -> None:
    code, lines = doctor(app)
    assert code == 0, lines
    assert list(lines) == list(CHECKS)
    assert all(line.startswith("OK ") for line in lines.values()), lines
    assert lines["database"].endswith(f"migrated to {migration_head()}")
    assert lines["letter fonts"] == "OK 4 bundled fonts present"


def dev_key(app: Flask) -> str:
    return (Path(app.instance_path) / "dev-secret-key").read_text().strip()


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("setting", "value", "code", "expected"), [
    ("SECRET_KEY", "", 1, "PROBLEM not set; set CASEWORK_SECRET_KEY to the output of"),
    ("SECRET_KEY", "test-secret-key", 1, "PROBLEM shorter than 32 characters"),
    ("SECRET_KEY", dev_key, 1, "PROBLEM the development key from"),
    ("CASEWORK_SMTP_PORT", "closed", 1, "PROBLEM cannot reach 127.0.0.1:"),
    ("CASEWORK_SMTP_STARTTLS", True, 1, "PROBLEM 127.0.0.1:{port} does not offer STARTTLS"),
    ("CASEWORK_SMTP_HOST", "", 0, "WARNING not configured: reminders won't be sent"),
    ("CASEWORK_BASE_URL", "http://casework.example.org", 0,
     "WARNING CASEWORK_BASE_URL is http://casework.example.org: links in reminders are not "
     "encrypted"),
    ("SESSION_COOKIE_SECURE", False, 0, "WARNING cookies are not marked Secure"),
], ids=["no secret", "short secret", "dev secret", "smtp closed", "no starttls", "no smtp",
        "http base url", "insecure cookies"])
def test_a_broken_setting_is_named_with_what_to_fix(
    app: Flask, mail_server: MailServer, setting: str, value: Any, code: int, expected: str,
) -> None:
    if callable(value):
        value = value(app)
    elif value == "closed":
        value = free_port()
    app.config[setting] = value
    exit_code, lines = doctor(app)
    assert exit_code == code
    broken = {name: line for name, line in lines.items() if not line.startswith("OK ")}
    assert len(broken) == 1, lines
    assert next(iter(broken.values())).startswith(expected.format(port=mail_server.port))
    assert list(lines) == list(CHECKS)


@pytest.mark.parametrize(("statement", "expected"), [
    ("DROP TABLE alembic_version", "PROBLEM {dialect} reachable but not migrated; "
     "run: flask --app casework db upgrade"),
    ("UPDATE alembic_version SET version_num = 'f477374f2e0a'",
     "PROBLEM {dialect} at revision f477374f2e0a, this code needs {head}; "
     "run: flask --app casework db upgrade"),
], ids=["never migrated", "behind"])
def test_a_database_not_at_the_newest_migration_is_a_problem(
    app: Flask, statement: str, expected: str,
) -> None:
    with app.app_context():
        dialect = db.engine.dialect.name
        with db.engine.begin() as connection:
            connection.execute(text(statement))
    code, lines = doctor(app)
    assert code == 1
    assert lines["database"] == expected.format(dialect=dialect, head=migration_head())
    assert lines["secret key"] == "OK set"


@pytest.mark.sqlite_only
def test_an_unreachable_database_is_a_problem_without_its_password(
    app_config: dict[str, Any],
) -> None:
    closed = f"postgresql://casework:hunter2-password@127.0.0.1:{free_port()}/casework"
    app = create_app({**app_config, "SQLALCHEMY_DATABASE_URI": closed})
    result = app.test_cli_runner().invoke(args=["casework", "doctor"])
    assert result.exit_code == 1
    assert "PROBLEM  database: cannot connect (OperationalError); check CASEWORK_DATABASE_URL" \
        in result.output
    assert "hunter2" not in result.output
    assert result.output.rstrip().endswith("1 problem(s) to fix before going live, 0 warning(s).")


@pytest.mark.sqlite_only
def test_without_a_secret_key_production_stops_before_the_checks_and_says_how_to_set_it(
    tmp_path: Path,
) -> None:
    env = {key: value for key, value in os.environ.items() if key != "CASEWORK_SECRET_KEY"}
    env.update(CASEWORK_ENV="production", CASEWORK_DATABASE_URL=f"sqlite:///{tmp_path / 'x'}")
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "casework", "casework", "doctor"],
        cwd=Path(__file__).resolve().parent.parent, env=env, capture_output=True, text=True,
        timeout=60, check=False)
    assert result.returncode != 0
    assert "CASEWORK_SECRET_KEY is not set. Set it to a long random string" in result.stderr


def without_harfbuzz_subset(monkeypatch: pytest.MonkeyPatch, _tmp_path: Path) -> None:
    """The machine has no libharfbuzz-subset: no soname loads and the linker finds none."""
    from casework.letters import rendering

    monkeypatch.setattr(rendering, "_HARFBUZZ_SUBSET_NAMES", ("libharfbuzz-subset-gone.so.0",))
    monkeypatch.setattr(ctypes.util, "find_library", lambda _name: None)
    # The real detection, unremembered (the process caches its answer for the renderer).
    monkeypatch.setattr(rendering, "harfbuzz_subset_available",
                        rendering.harfbuzz_subset_available.__wrapped__)


def without_a_font(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """An install that lost one of the fonts the letter stylesheet names."""
    from casework.letters import fetcher

    assets = tmp_path / "assets"
    shutil.copytree(fetcher.ASSETS_DIR, assets)
    (assets / "fonts" / "IBMPlexSans-Italic.woff2").unlink()
    monkeypatch.setattr(fetcher, "ASSETS_DIR", assets)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("breakage", "name", "code", "expected"), [
    (without_harfbuzz_subset, "harfbuzz-subset", 0,
     "WARNING libharfbuzz-subset not found: letters render about 3x slower; install it "
     "(apt-get install libharfbuzz-subset0)"),
    (without_a_font, "letter fonts", 1,
     "PROBLEM missing from {tmp}/assets: fonts/IBMPlexSans-Italic.woff2; reinstall Casework"),
], ids=["no harfbuzz-subset", "a font missing"])
def test_what_letters_need_is_checked_on_the_machine(
    app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
    breakage: Callable[[pytest.MonkeyPatch, Path], None], name: str, code: int, expected: str,
) -> None:
    breakage(monkeypatch, tmp_path)
    exit_code, lines = doctor(app)
    assert exit_code == code
    assert lines[name] == expected.format(tmp=tmp_path)
    assert [n for n, line in lines.items() if not line.startswith("OK ")] == [name]
