"""A page viewed again while nothing it shows changed is sent from the worker's memory; a
change, made by anyone in any process, shows at once (casework/kept_pages.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from casework import kept_pages
from casework.extensions import db
from casework.i18n import LANGUAGE_COOKIE
from casework.models import Case, Role, Task
from casework.workflow.states import CaseState as S
from tests.conftest import login
from tests.statements import counting_statements
from tests.test_search import search_on_page

# A repeat view reads the logged-in user with the database's token, in one statement (and
# SQLite's BEGIN); nothing else.
MOST_STATEMENTS_KEPT = 2

PAGES = ["/", "/cases/", "/cases/?state=negotiating", "/cases/{case}", "/cases/{case}/letters",
         "/board", "/people/", "/people/{person}", "/targets/", "/targets/{target}",
         "/letters/due", "/calendar", "/reports/"]


@pytest.fixture
def fight(app: Flask, make_fight: Callable[..., tuple[int, int]],
          make_user: Callable[..., int]) -> dict[str, Any]:
    """A fight in negotiation, its organizer, a coordinator, and the ids its pages need."""
    organizer = make_user(Role.ORGANIZER, name="Omar Organizer")
    case_id, _ = make_fight(S.NEGOTIATING, organizer)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        ids = {"case": case_id, "person": case.person_id, "target": case.target_id}
    coordinator = make_user(Role.COORDINATOR, name="Cora Coordinator")
    return {**ids, "organizer": organizer, "coordinator": coordinator}


def client_of(app: Flask, user_id: int, language: str = "en") -> FlaskClient:
    """A browser of its own, logged in as ``user_id``, asking for ``language``."""
    client = app.test_client()
    client.set_cookie(LANGUAGE_COOKIE, language)
    login(client, app, user_id)
    assert "Welcome" in page(client, "/")  # the login's greeting, shown once
    return client


def page(client: FlaskClient, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def view_twice(app: Flask, client: FlaskClient, path: str) -> tuple[str, str, list[str]]:
    """The page made, then viewed again: both HTMLs and the second view's statements.

    A page that shows a member's contact details records the day's first view of them (a
    write, so that view is not kept): the page is viewed once before."""
    page(client, path)
    made = page(client, path)
    with counting_statements(app, keep_pages=True) as statements:
        again = page(client, path)
    return made, again, statements


@pytest.mark.parametrize("path", PAGES)
def test_a_repeat_view_sends_the_same_page_from_memory(
    app: Flask, fight: dict[str, Any], path: str,
) -> None:
    client = client_of(app, fight["coordinator"])
    made, again, statements = view_twice(app, client, path.format(**fight))
    assert again == made
    assert len(statements) <= MOST_STATEMENTS_KEPT, "\n".join(statements)


def add_task_elsewhere(app: Flask, fight: dict[str, Any], title: str) -> None:
    """A change made by another worker or app server: its own connection and transaction."""
    engine = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with engine.begin() as connection:
            connection.execute(sa.insert(Task).values(
                case_id=fight["case"], title=title, assignee_id=fight["organizer"],
                is_done=False))
    finally:
        engine.dispose()


def add_task_here(app: Flask, fight: dict[str, Any], title: str) -> None:
    """A change made through the app, by someone else in their own session."""
    other = client_of(app, fight["organizer"])
    answer = other.post(f"/cases/{fight['case']}/tasks",
                        data={"title": title, "assignee_id": str(fight["organizer"])})
    assert answer.status_code == 302


@pytest.mark.parametrize("change", [add_task_here, add_task_elsewhere],
                         ids=["through-the-app", "by-another-process"])
@pytest.mark.parametrize("path", ["/cases/{case}", "/"])
def test_a_change_shows_at_once_on_a_kept_page(
    app: Flask, fight: dict[str, Any], path: str, change: Callable[..., None],
) -> None:
    client = client_of(app, fight["organizer"])
    path = path.format(**fight)
    made, again, _ = view_twice(app, client, path)
    assert again == made and "Chase the back pay" not in made
    change(app, fight, "Chase the back pay")
    assert "Chase the back pay" in page(client, path)


def test_each_person_and_language_gets_their_own_page(
    app: Flask, fight: dict[str, Any],
) -> None:
    path = f"/cases/{fight['case']}"
    coordinator = client_of(app, fight["coordinator"])
    english, again, _ = view_twice(app, coordinator, path)
    assert again == english
    coordinator.set_cookie(LANGUAGE_COOKIE, "es")
    spanish = page(coordinator, path)
    assert '<html lang="es"' in spanish and '<html lang="en"' in english
    organizer = page(client_of(app, fight["organizer"]), path)
    assert "Log out Cora Coordinator" in english and "Cora Coordinator" not in organizer
    assert "Log out Omar Organizer" in organizer


def test_another_session_of_the_same_person_gets_its_own_page(
    app: Flask, fight: dict[str, Any],
) -> None:
    """A search's token means something to the session that searched only."""
    laptop, phone = (client_of(app, fight["coordinator"]) for _ in range(2))
    url, found = search_on_page(laptop, "Maria")
    assert page(laptop, url) == found and "This search is no longer kept" not in found
    assert "This search is no longer kept" in page(phone, url)


def test_a_flashed_message_shows_once_and_a_logout_ends_the_kept_page(
    app: Flask, fight: dict[str, Any],
) -> None:
    client = client_of(app, fight["organizer"])
    path = f"/cases/{fight['case']}"
    page(client, path)
    answer = client.post(f"/cases/{fight['case']}/tasks", data={"title": "Print leaflets"},
                         follow_redirects=True)
    assert "Task added." in answer.get_data(as_text=True)
    assert "Task added." not in page(client, path)
    assert "Print leaflets" in page(client, path)
    client.post("/logout")
    assert client.get(path).status_code == 302


def test_a_kept_page_is_made_anew_after_a_minute(
    app: Flask, fight: dict[str, Any], monkeypatch: pytest.MonkeyPatch,
) -> None:
    client = client_of(app, fight["coordinator"])
    path = f"/cases/{fight['case']}"
    _, _, kept = view_twice(app, client, path)
    now = kept_pages.time.monotonic()
    monkeypatch.setattr(kept_pages.time, "monotonic", lambda: now + kept_pages.KEEP_SECONDS + 1)
    with counting_statements(app, keep_pages=True) as statements:
        page(client, path)
    assert len(statements) > len(kept)
