"""Two app servers on one PostgreSQL behave as one (DESIGN.md §7: several app servers).

Two ``gunicorn -c gunicorn.conf.py`` instances (the deployment guide's file), two workers
each, serve the same PostgreSQL database with the same secret key, as behind a load balancer.
The races of tests/test_concurrency.py and the login limit of tests/test_passwords.py are run
with the requests spread over both: the outcome is the one a single server gives. PostgreSQL
is required: without its binaries these tests skip on a developer machine and fail in CI.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import Case, Event, EventKind, Role, User
from casework.security.ratelimit import PAIR_FAILURE_LIMIT
from casework.workflow.states import CaseState as S
from tests.conftest import PASSWORD
from tests.test_bad_input import VALID_INTAKE
from tests.test_log_hygiene import Browser
from tests.test_serving import csrf_token, serving

pytestmark = [pytest.mark.postgres_only, pytest.mark.timeout(180)]

ATTEMPTS = 12  # requests in each race, every other one to each server


@pytest.fixture(scope="module")
def two_servers(postgres_url: str, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[list[int]]:
    """Two gunicorn instances on the tests' PostgreSQL database (each test's ``app`` empties
    it first); yields their ports. Started once: booting a server is the slow part."""
    key = secrets.token_hex(32)
    logs = tmp_path_factory.mktemp("two-servers")
    with ExitStack() as servers:
        yield [servers.enter_context(serving(postgres_url, logs / name, key))
               for name in ("server-a", "server-b")]


def email_of(app: Flask, user_id: int) -> str:
    with app.app_context():
        return db.session.get_one(User, user_id).email


def logged_in_everywhere(app: Flask, ports: list[int], user_id: int, page: str,
                         count: int) -> tuple[list[Browser], str]:
    """``count`` browsers sharing one login made on the first server, every other one
    talking to the second server; and the CSRF token of ``page`` for them all."""
    first = Browser(ports[0])
    login_page = first.open("/login")
    answer = first.open("/login", {"email": email_of(app, user_id), "password": PASSWORD,
                                   "csrf_token": csrf_token(login_page.body)})
    assert answer.status == 302, f"login answered {answer.status}"
    token = csrf_token(first.open(page).body)
    browsers = []
    for index in range(count):
        browser = Browser(ports[index % 2])
        browser.cookies = dict(first.cookies)
        browsers.append(browser)
    return browsers, token


def test_a_login_on_one_server_is_a_login_on_the_other(
    app: Flask, make_user: Callable[..., int], two_servers: list[int],
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    browsers, _ = logged_in_everywhere(app, two_servers, coordinator, "/cases/", 2)
    assert [browser.open("/cases/").status for browser in browsers] == [200, 200]


def test_simultaneous_moves_on_both_servers_exactly_one_wins(
    app: Flask, make_fight: Callable[..., tuple[int, int]], two_servers: list[int],
) -> None:
    case_id, organizer = make_fight(S.INQUIRY)
    with app.app_context():
        seen = db.session.get_one(Case, case_id).version
    browsers, token = logged_in_everywhere(app, two_servers, organizer, f"/cases/{case_id}",
                                           ATTEMPTS)
    barrier = threading.Barrier(ATTEMPTS)

    def press(index: int) -> tuple[int, int, str]:
        trigger = "screen" if index % 2 else "pause"
        barrier.wait()
        page = browsers[index].open(f"/cases/{case_id}/moves/{trigger}", {
            "version": str(seen), "reason": "Member travelling", "csrf_token": token})
        return browsers[index].port, page.status, page.body

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        answers = list(pool.map(press, range(ATTEMPTS)))
    assert sorted(status for _, status, _ in answers) == [302] + [409] * (ATTEMPTS - 1)
    assert {port for port, _, _ in answers} == set(two_servers)
    refused = next(body for _, status, body in answers if status == 409)
    assert "This case was changed by" in refused and "reload" in refused
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        assert case.state in (S.SCREENING, S.PAUSED)
        assert case.version == seen + 1
        assert db.session.scalar(select(func.count()).select_from(Event).where(
            Event.case_id == case_id, Event.kind == EventKind.TRANSITION)) == 1


def test_cases_logged_at_once_on_both_servers_get_consecutive_references(
    app: Flask, make_user: Callable[..., int], two_servers: list[int],
) -> None:
    intake = make_user(Role.INTAKE)
    browsers, token = logged_in_everywhere(app, two_servers, intake, "/cases/new", ATTEMPTS)
    barrier = threading.Barrier(ATTEMPTS)

    def log_case(index: int) -> int:
        barrier.wait()
        return browsers[index].open("/cases/new", {
            **VALID_INTAKE, "person_name": f"Worker {index}",
            "person_phone": f"206-555-{index:04d}", "target_name": f"Boss {index}",
            "csrf_token": token}).status

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        statuses = list(pool.map(log_case, range(ATTEMPTS)))
    assert statuses == [302] * ATTEMPTS
    with app.app_context():
        references = db.session.scalars(select(Case.reference)).all()
    assert all(re.fullmatch(r"SEA-\d{4}-\d{4}", reference) for reference in references)
    numbers = sorted(int(reference.rsplit("-", 1)[1]) for reference in references)
    assert numbers == list(range(1, ATTEMPTS + 1))  # none taken twice, none skipped


def test_the_login_limit_counts_failures_on_both_servers(
    app: Flask, make_user: Callable[..., int], two_servers: list[int],
) -> None:
    email = email_of(app, make_user(Role.ORGANIZER))

    def try_password(port: int, password: str) -> int:
        browser = Browser(port)
        login_page = browser.open("/login")
        return browser.open("/login", {"email": email, "password": password,
                                       "csrf_token": csrf_token(login_page.body)}).status

    wrong = [try_password(two_servers[n % 2], "a-wrong-guess")
             for n in range(PAIR_FAILURE_LIMIT)]
    assert wrong == [200] * PAIR_FAILURE_LIMIT  # the form again, with its message
    assert [try_password(port, PASSWORD) for port in two_servers] == [429, 429]


def test_a_page_kept_by_one_server_shows_a_change_made_on_the_other(
    app: Flask, make_fight: Callable[..., tuple[int, int]], two_servers: list[int],
) -> None:
    """Each worker keeps the pages it made (casework/kept_pages.py); a task added through
    the first server shows at once on the second server's kept case page."""
    case_id, organizer = make_fight(S.NEGOTIATING)
    page = f"/cases/{case_id}"
    (on_a, on_b), token = logged_in_everywhere(app, two_servers, organizer, page, 2)
    for _ in range(6):  # every worker of the second server makes the page and keeps it
        seen = on_b.open(page)
        assert seen.status == 200 and "Chase the back pay" not in seen.body
    added = on_a.open(f"/cases/{case_id}/tasks", {"title": "Chase the back pay",
                                                   "csrf_token": token})
    assert added.status == 302
    assert all("Chase the back pay" in on_b.open(page).body for _ in range(6))
