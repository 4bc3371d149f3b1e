"""Production serving: gunicorn with the repository's own gunicorn.conf.py, and /healthz."""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text

from casework import create_app
from casework.extensions import db
from casework.models import Role
from tests.conftest import PASSWORD
from tests.postgres_server import free_port
from tests.test_log_hygiene import Browser, read

PROJECT = Path(__file__).resolve().parent.parent
CONFIG_FILE = PROJECT / "gunicorn.conf.py"  # the very file the README's guide runs


@contextmanager
def serving(database_url: str, directory: Path, secret_key: str, workers: int = 2,
            port: int | None = None, extra_env: dict[str, str] | None = None) -> Iterator[int]:
    """``gunicorn -c gunicorn.conf.py`` on a database, with its logs in ``directory``;
    yields its port. Servers given the same database and secret key act as one site."""
    port = port or free_port()
    directory.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, **(extra_env or {}), "CASEWORK_ENV": "production",
           "CASEWORK_SECRET_KEY": secret_key,
           "CASEWORK_DATABASE_URL": database_url,
           "CASEWORK_UPLOAD_DIR": str(directory / "uploads"),
           "CASEWORK_BIND": f"127.0.0.1:{port}", "CASEWORK_WORKERS": str(workers),
           "CASEWORK_ACCESS_LOG": str(directory / "access.log"),
           "CASEWORK_ERROR_LOG": str(directory / "error.log")}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(CONFIG_FILE)], cwd=PROJECT, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        wait_until_serving(port, process, directory / "error.log")
        yield port
    finally:
        stop(process)


@pytest.fixture
def gunicorn(app: Flask, tmp_path: Path) -> Iterator[int]:
    """The app's database served by gunicorn, 2 workers; yields its port."""
    with serving(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path,
                 secrets.token_hex(32)) as port:
        yield port


def stop(process: subprocess.Popen[bytes]) -> None:
    """Ask gunicorn to stop; a worker slow to exit (a heavy interpreter, a loaded machine)
    is then killed with the rest of the group this test started."""
    process.terminate()
    try:
        process.wait(timeout=3)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def wait_until_serving(port: int, process: subprocess.Popen[bytes], error_log: Path) -> None:
    deadline = time.monotonic() + 30
    while True:
        assert process.poll() is None, read(error_log)[-3000:]
        assert time.monotonic() < deadline, "gunicorn did not answer"
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", "/healthz")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
        finally:
            connection.close()


def csrf_token(body: str) -> str:
    found = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body) or re.search(
        r'name="csrf_token" value="([^"]+)"', body)
    assert found, "no CSRF token on the login page"
    return found.group(1)


@pytest.mark.sqlite_only
def test_gunicorn_conf_serves_the_app_and_logs_no_query_strings(
    app: Flask, make_user: Callable[..., int], gunicorn: int, tmp_path: Path,
) -> None:
    make_user(Role.INTAKE, email="ana@example.org")
    browser = Browser(gunicorn)
    assert browser.open("/healthz").body == "ok"
    login_page = browser.open("/login?next=/cases/%3Fsearch%3Dmaria")
    assert login_page.status == 200
    logged_in = browser.open("/login?next=/cases/", {
        "email": "ana@example.org", "password": PASSWORD,
        "csrf_token": csrf_token(login_page.body)})
    assert logged_in.status == 302 and logged_in.location.endswith("/cases/")
    assert browser.open("/cases/?search=maria").status == 200
    time.sleep(0.2)  # gunicorn writes the access line after the response
    access = read(tmp_path / "access.log")
    assert '"GET /healthz HTTP/1.1" 200' in access
    assert '"GET /login HTTP/1.1" 200' in access and '"POST /login HTTP/1.1" 302' in access
    assert '"GET /cases/ HTTP/1.1" 200' in access
    assert "?" not in access and "next=" not in access and "maria" not in access
    assert "ana@example.org" not in access and "127.0.0.1" not in access  # no client address
    assert "Booting worker" in read(tmp_path / "error.log")


@pytest.fixture
def unmigrated(app: Flask) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))


@pytest.fixture
def outdated(app: Flask) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = 'f477374f2e0a'"))


def test_healthz_says_ok_without_a_login(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.mimetype, response.text) == (200, "text/plain", "ok")
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("state", ["unmigrated", "outdated"])
def test_healthz_fails_on_a_database_not_at_the_newest_migration(
    client: FlaskClient, request: pytest.FixtureRequest, state: str,
) -> None:
    request.getfixturevalue(state)
    response = client.get("/healthz")
    assert (response.status_code, response.text) == (503, "database not migrated")


@pytest.mark.sqlite_only
def test_healthz_fails_when_the_database_is_unreachable() -> None:
    closed = f"postgresql://casework:hunter2-password@127.0.0.1:{free_port()}/casework"
    app = create_app({"SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": closed})
    response = app.test_client().get("/healthz")
    assert (response.status_code, response.text) == (503, "database unreachable")


@pytest.mark.sqlite_only
def test_the_deployment_guide_runs_gunicorn_with_the_tested_conf_file_only() -> None:
    """The README's commands pass no settings of their own: gunicorn.conf.py is the one copy."""
    readme = (PROJECT / "README.md").read_text()
    invocations = re.findall(r"/bin/gunicorn([^\n`]*)", readme)
    assert len(invocations) >= 2  # the command to try it, the systemd service
    assert set(invocations) == {f" -c {CONFIG_FILE.name}"}
