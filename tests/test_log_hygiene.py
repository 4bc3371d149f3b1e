"""Members' personal data never reaches the logs, the URLs the app makes, or an error page.

A real HTTP server (werkzeug, as in development) serves the app in a thread while every
logger is captured: the app at DEBUG, SQLAlchemy's engine at INFO (what ``echo=True`` prints:
every statement and, unless hidden, its parameters) and werkzeug's access log. A user then
works through the demo data: logs in, reads every case, edits one, sends invalid forms, and
meets a 403, 404, 409 and an unexpected 500.
"""

from __future__ import annotations

import http.client
import logging
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from http.cookies import SimpleCookie
from io import StringIO
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urlencode

import pytest
from flask import Flask
from sqlalchemy import select, text
from werkzeug.routing import AnyConverter, IntegerConverter
from werkzeug.serving import make_server

from casework.calendars import views as calendar_views
from casework.calendars.services import rotate_feed
from casework.cases import views as case_views
from casework.cases.services import CaseFacts, facts_of
from casework.demo import DEMO_CASES, DEMO_PASSWORD, load_demo
from casework.extensions import db
from casework.logging_hygiene import SECRET_ARGUMENTS, CapabilityUrls
from casework.models import Case, Role, User

NEW_PHONE = "206-555-0142"  # typed during the test: personal data too
PERSONAL_DATA = sorted({
    value for _state, facts in DEMO_CASES
    for value in (facts.person_name, facts.person_phone, facts.person_email,
                  facts.safe_contact_notes) if value
} | {NEW_PHONE})
PROJECT = Path(__file__).resolve().parent.parent
NO_PROPAGATION = {"PROPAGATE_EXCEPTIONS": False}  # the 500 page, as in production
SHOWN_PARAMETERS = {**NO_PROPAGATION, "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": False}}


def leaks(text_seen: str) -> list[str]:
    """The personal data found in ``text_seen``, also when percent-encoded (URLs)."""
    haystacks = (text_seen.casefold(), unquote_plus(text_seen).casefold())
    return [value for value in PERSONAL_DATA
            if any(value.casefold() in haystack for haystack in haystacks)]


@pytest.fixture
def captured_logs() -> Iterator[StringIO]:
    """Everything logged, as text with tracebacks, while the test runs."""
    buffer = StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
    levels = {"": logging.DEBUG, "casework": logging.DEBUG, "werkzeug": logging.DEBUG,
              "sqlalchemy.engine": logging.INFO}
    saved = {name: logging.getLogger(name).level for name in levels}
    root = logging.getLogger()
    root.addHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    yield buffer
    root.removeHandler(handler)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


@dataclass
class Page:
    status: int
    location: str
    body: str

    def urls(self) -> list[str]:
        """Every link, form action and source the page asks the browser to use."""
        return [self.location, *re.findall(r'(?:href|action|src)="([^"]*)"', self.body)]


class Browser:
    """A minimal browser over real HTTP: keeps cookies, does not follow redirects."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.urls_seen: list[str] = []

    def open(self, path: str, form: dict[str, Any] | None = None,
             headers: dict[str, str] | None = None) -> Page:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
                   **(headers or {})}
        body = None
        if form is not None:
            body = urlencode({k: "" if v is None else v for k, v in form.items()})
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            connection.request("POST" if form is not None else "GET", path, body, headers)
            response = connection.getresponse()
            page = Page(response.status, response.getheader("Location") or "",
                        response.read().decode())
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
        finally:
            connection.close()
        self.urls_seen.extend([path, *page.urls()])
        return page

    def log_in(self, email: str) -> None:
        page = self.open("/login", {"email": email, "password": DEMO_PASSWORD})
        assert page.status == 302, "login failed"


@pytest.fixture
def demo(app: Flask, captured_logs: StringIO) -> dict[str, int]:
    """The demo network, loaded while logging is captured; returns case ids by person name."""
    with app.app_context():
        load_demo()
        db.session.commit()
        rows = db.session.execute(select(Case.person_id, Case.id).order_by(Case.id)).all()
        return {db.session.get_one(Case, case_id).person.name: case_id for _p, case_id in rows}


@pytest.fixture
def server(app: Flask) -> Iterator[int]:
    """The app behind werkzeug's development server; yields its port."""
    http_server = make_server("127.0.0.1", 0, app, threaded=False)
    thread = threading.Thread(target=http_server.serve_forever, daemon=True)
    thread.start()
    yield http_server.server_port
    http_server.shutdown()
    thread.join(timeout=10)


def edit_form(app: Flask, case_id: int, **changes: Any) -> dict[str, Any]:
    """What the edit form posts for the case, with ``changes``."""
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        facts, version = facts_of(case), case.version
    form: dict[str, Any] = {name: getattr(value, "value", value)
                            for name, value in vars(facts).items()}
    form["still_employed_or_housed"] = {True: "yes", False: "no", None: "unknown"}[
        facts.still_employed_or_housed]
    return {**form, "version": version, **changes}


def fail_with_personal_data_in_the_statement(case: Case, _editor: User, facts: CaseFacts,
                                             _version: int) -> list[str]:
    """A bug deep in a service: a statement that fails while carrying personal data."""
    db.session.execute(text("INSERT INTO no_such_table (name, phone) VALUES (:name, :phone)"),
                       {"name": facts.person_name, "phone": facts.person_phone})
    return []


def work_through_the_demo(app: Flask, browser: Browser, demo: dict[str, int],
                          monkeypatch: pytest.MonkeyPatch) -> Page:
    """Everything a coordinator does in a morning, plus the errors; returns the 500 page."""
    browser.log_in("coordinator@demo.casework.org")
    case_list = browser.open("/cases/")
    assert case_list.status == 200
    for case_id in demo.values():
        page = browser.open(f"/cases/{case_id}")
        assert page.status == 200
    assert "206-555-0101" in browser.open(f"/cases/{demo['Maria Lopez']}").body  # shown, yes
    maria = demo["Maria Lopez"]
    assert browser.open(f"/cases/{maria}/edit").status == 200
    saved = browser.open(f"/cases/{maria}/edit", edit_form(app, maria, person_phone=NEW_PHONE,
                                                             amount_claimed=Decimal("2200.00")))
    assert saved.status == 302
    invalid = browser.open(f"/cases/{maria}/edit",
                           edit_form(app, maria, person_email="maria at example", summary=""))
    assert invalid.status == 200 and "This is not an email address." in invalid.body
    intake = browser.open("/cases/new", {"person_name": "Dmitri Volkov", "summary": "",
                                         "person_phone": "206-555-0177"})
    assert intake.status == 200 and "This is needed." in intake.body
    stale = browser.open(f"/cases/{maria}/edit", edit_form(app, maria, version=1))
    assert stale.status == 409
    assert browser.open("/cases/999999").status == 404
    intake_volunteer = Browser(browser.port)
    intake_volunteer.log_in("intake@demo.casework.org")
    assert intake_volunteer.open(f"/cases/{demo['Grace Kim']}").status == 403
    browser.urls_seen += intake_volunteer.urls_seen
    monkeypatch.setattr(case_views, "update_case", fail_with_personal_data_in_the_statement)
    crash = browser.open(f"/cases/{demo['Aisha Bello']}/edit",
                         edit_form(app, demo["Aisha Bello"]))
    assert crash.status == 500
    return crash


@pytest.mark.parametrize("app_config", [NO_PROPAGATION])
def test_personal_data_stays_out_of_logs_urls_and_the_error_page(
    app: Flask, demo: dict[str, int], server: int, captured_logs: StringIO,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    browser = Browser(server)
    crash = work_through_the_demo(app, browser, demo, monkeypatch)
    logged = captured_logs.getvalue()
    # The capture really saw statements, requests and the crash (so silence is not a pass).
    assert "INSERT INTO person" in logged and "SQL parameters hidden" in logged
    assert '"GET /cases/' in logged and '"POST /cases/' in logged
    assert "Exception on /cases/" in logged and "no_such_table" in logged
    assert leaks(logged) == []
    assert leaks(crash.body) == [] and "Something went wrong" in crash.body
    assert len(browser.urls_seen) > 100
    assert leaks(" ".join(browser.urls_seen)) == []


@pytest.mark.sqlite_only
@pytest.mark.parametrize("app_config", [SHOWN_PARAMETERS])
def test_hide_parameters_is_what_keeps_statement_values_out(
    app: Flask, demo: dict[str, int], server: int, captured_logs: StringIO,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same morning with ``hide_parameters`` off: personal data floods the log."""
    crash = work_through_the_demo(app, Browser(server), demo, monkeypatch)
    logged = captured_logs.getvalue()
    assert set(leaks(logged)) == set(PERSONAL_DATA)
    assert "[parameters: ('Aisha Bello'" in logged  # in the crash's traceback too
    assert leaks(crash.body) == []


@pytest.mark.sqlite_only
def test_searching_for_a_member_keeps_their_name_out_of_urls_and_logs(
    app: Flask, demo: dict[str, int], server: int, captured_logs: StringIO
) -> None:
    browser = Browser(server)
    browser.log_in("coordinator@demo.casework.org")
    assert "Maria Lopez" not in browser.open("/cases/").body
    searched = browser.open("/cases/search", {"q": "Maria Lopez", "state": "", "organizer": ""})
    assert searched.status == 302 and "search=" in searched.location
    results = browser.open(searched.location)
    assert results.status == 200
    assert 'value="Maria Lopez"' in results.body  # the box still shows what was searched
    maria = f'href="/cases/{demo["Maria Lopez"]}"'
    assert maria in results.body and results.body.count('href="/cases/') < len(demo) + 2
    logged = captured_logs.getvalue()
    assert "POST /cases/search HTTP" in logged and '"GET /cases/?search=' in logged
    assert leaks(logged + " ".join(browser.urls_seen)) == []


# --- Capability URLs: the secret in a calendar feed's address stays out of every log ----------


def new_feed(app: Flask, make_user: Callable[..., int]) -> str:
    """A coordinator's calendar feed; returns the secret of its address."""
    coordinator = make_user(Role.COORDINATOR)
    with app.app_context():
        token = rotate_feed(db.session.get_one(User, coordinator), network_wide=False)
        db.session.commit()
    return token


def fetch_feed_and_near_misses(port: int, token: str) -> None:
    """A calendar app's fetch (with a query and a Referer), a mistyped address, another page."""
    browser = Browser(port)
    referer = {"Referer": f"https://casework.example.org/calendar/{token}.ics"}
    assert browser.open(f"/calendar/{token}.ics?from=phone", headers=referer).status == 200
    assert browser.open(f"/calendar/{token}.ical").status == 404
    assert browser.open("/login?next=/cases/").status == 200


def crash(*_args: Any) -> bytes:
    raise RuntimeError("the feed could not be built")


@pytest.mark.parametrize("app_config", [NO_PROPAGATION])
def test_a_feeds_secret_stays_out_of_the_development_servers_log(
    app: Flask, make_user: Callable[..., int], server: int, captured_logs: StringIO,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    token = new_feed(app, make_user)
    fetch_feed_and_near_misses(server, token)
    monkeypatch.setattr(calendar_views, "calendar_bytes", crash)
    monkeypatch.setattr(calendar_views, "kept_or_made", lambda _key, make: make())  # rebuild
    assert Browser(server).open(f"/calendar/{token}.ics").status == 500
    logged = captured_logs.getvalue()
    assert token not in logged and token[:12] not in logged and "from=phone" not in logged
    assert '"GET /calendar/<token>.ics HTTP/1.1" 200' in logged
    assert "GET /calendar/<hidden> HTTP/1.1" in logged  # the mistyped one (404)
    assert "Exception on /calendar/<token>.ics [GET]" in logged  # Flask's line for the 500
    assert '"GET /login?next=/cases/ HTTP/1.1" 200' in logged  # other pages: as they were


def start_gunicorn(tmp_path: Path, database_url: str) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn with the app's access logger, on a free loopback port; returns it and its port."""
    env = {**os.environ, "CASEWORK_ENV": "production", "CASEWORK_SECRET_KEY": "test-secret-key",
           "CASEWORK_DATABASE_URL": database_url, "CASEWORK_UPLOAD_DIR": str(tmp_path / "up")}
    access_format = ('%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" '
                     'path=%(U)s query=%(q)s raw=%({raw_uri}e)s')
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0", "--workers", "1",
         "--no-control-socket", "--logger-class", "casework.logging_hygiene.AccessLogger",
         "--access-logfile", str(tmp_path / "access.log"), "--access-logformat", access_format,
         "--error-logfile", str(tmp_path / "error.log"), "casework:create_app()"],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True)
    deadline = time.monotonic() + 40
    while not (listening := re.search(r"Listening at: http://127\.0\.0\.1:(\d+)",
                                      read(tmp_path / "error.log"))):
        assert process.poll() is None, read(tmp_path / "error.log")[-3000:]
        assert time.monotonic() < deadline, "gunicorn did not start"
        time.sleep(0.1)
    return process, int(listening.group(1))


def read(path: Path) -> str:
    return path.read_text() if path.exists() else ""


@pytest.mark.sqlite_only
def test_a_feeds_secret_stays_out_of_gunicorns_access_and_error_logs(
    app: Flask, make_user: Callable[..., int], tmp_path: Path,
) -> None:
    token = new_feed(app, make_user)
    process, port = start_gunicorn(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        fetch_feed_and_near_misses(port, token)
    finally:
        process.terminate()
        process.wait(timeout=20)
    access, errors = read(tmp_path / "access.log"), read(tmp_path / "error.log")
    assert token not in access + errors and "from=phone" not in access
    feed_line = next(line for line in access.splitlines() if "/calendar/<token>.ics" in line)
    assert '"GET /calendar/<token>.ics HTTP/1.1" 200' in feed_line
    assert '"https://casework.example.org/calendar/<token>.ics"' in feed_line  # the Referer
    assert "path=/calendar/<token>.ics query= raw=/calendar/<token>.ics" in feed_line
    assert '"GET /calendar/<hidden> HTTP/1.1" 404' in access
    assert '"GET /login?next=/cases/ HTTP/1.1" 200' in access


# Text in public paths that is no secret: a network's code, printed on its posters.
PUBLIC_ARGUMENTS = {"code"}


def test_every_public_route_with_a_text_argument_names_its_secret(app: Flask) -> None:
    """A new public route taking text in its path (an RSVP or unsubscribe link) is a
    capability URL: naming the argument ``token`` is what masks it in the logs."""
    for rule in app.url_map.iter_rules():
        text_arguments = {name for name, converter in rule._converters.items()
                          if not isinstance(converter, IntegerConverter | AnyConverter)
                          and name not in PUBLIC_ARGUMENTS}
        is_public = getattr(app.view_functions[rule.endpoint], "allowed_roles", None) is None
        if text_arguments and is_public and rule.endpoint != "static":
            assert text_arguments - PUBLIC_ARGUMENTS <= SECRET_ARGUMENTS, rule.rule
    assert "calendars.feed" in CapabilityUrls.from_url_map(app.url_map).endpoints
