"""Tasks on a case and the 'My work' dashboard."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.extensions import db
from casework.models import Event, EventKind, Role, Task
from tests.languages import speak

TODAY = date.today()


def test_add_assign_and_complete_a_task(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    omar = make_user(Role.ORGANIZER, name="Omar")
    case_id = make_case(team=[omar])
    client = login_as(omar)
    due = TODAY + timedelta(days=3)
    response = client.post(f"/cases/{case_id}/tasks", follow_redirects=True, data={
        "title": "Collect pay stubs", "assignee_id": str(omar), "due_on": due.isoformat()})
    page = response.get_data(as_text=True)
    assert "Task added." in page and "Collect pay stubs" in page
    with app.app_context():
        task = db.session.scalars(select(Task)).one()
        assert (task.assignee_id, task.due_on, task.is_done) == (omar, due, False)
    page = client.post(f"/tasks/{task.id}/done", follow_redirects=True).get_data(as_text=True)
    assert "Task done." in page and "completed task “Collect pay stubs”" in page
    with app.app_context():
        assert db.session.get_one(Task, task.id).is_done
        kinds = db.session.scalars(select(Event.kind).order_by(Event.id)).all()
        assert kinds == [EventKind.CREATED, EventKind.TASK_ADDED, EventKind.TASK_DONE]


def test_tasks_can_only_be_assigned_to_the_case_team(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    outsider = make_user(Role.ORGANIZER)
    case_id = make_case()
    client = login_as(make_user(Role.COORDINATOR))
    response = client.post(f"/cases/{case_id}/tasks", data={"title": "x",
                                                             "assignee_id": str(outsider)})
    assert response.status_code == 400


def test_my_work_lists_my_overdue_and_open_tasks_and_my_cases(
    make_case: Callable[..., int], make_user: Callable[..., int],
    make_task: Callable[..., int], login_as: Callable[[int], FlaskClient],
) -> None:
    omar = make_user(Role.ORGANIZER)
    mine = make_case(team=[omar], target_name="Blue Fern Bistro")
    make_case(team=[make_user(Role.ORGANIZER)], target_name="Not Mine LLC")  # taken up
    make_task(mine, "Overdue call", omar, TODAY - timedelta(days=2))
    make_task(mine, "Next week's leaflet", omar, TODAY + timedelta(days=7))
    make_task(mine, "Finished thing", omar, TODAY - timedelta(days=9), is_done=True)
    make_task(mine, "Someone else's job", None, TODAY - timedelta(days=1))
    page = login_as(omar).get("/").get_data(as_text=True)
    overdue, rest = page.split("Open tasks", 1)
    assert "Overdue tasks (1)" in page and "Overdue call" in overdue
    assert "Next week&#39;s leaflet" in rest and "Overdue call" not in rest
    assert "Finished thing" not in page and "Someone else" not in page
    assert "Blue Fern Bistro" in page and "Not Mine LLC" not in page


def test_my_work_empty_state(make_user: Callable[..., int],
                             login_as: Callable[[int], FlaskClient]) -> None:
    page = login_as(make_user(Role.ORGANIZER)).get("/").get_data(as_text=True)
    assert "Nothing overdue." in page and "You are not on any open case." in page


@pytest.mark.parametrize(("language", "words"), [
    ("en", {"my_work": ["<h1>My work</h1>", "Overdue tasks (1)", "due Mon 1 Sep 2025",
                        "Open tasks (1)", "no due date"],
            "case": ["due Mon 1 Sep 2025 (overdue)", "unassigned", ">Done</button>",
                     "Add a task"],
            "added": ["Task added."]}),
    ("es", {"my_work": ["<h1>Mi trabajo</h1>", "Tareas atrasadas (1)", "vence el lun 1 sep 2025",
                        "Tareas pendientes (1)", "sin fecha límite"],
            "case": ["vencía el lun 1 sep 2025 (atrasada)", "sin asignar", ">Hecha</button>",
                     "Agregar una tarea"],
            "added": ["Tarea agregada."]}),
])
def test_my_work_and_a_cases_tasks_speak_the_users_language(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    make_task: Callable[..., int], login_as: Callable[[int], FlaskClient],
    language: str, words: dict[str, list[str]],
) -> None:
    omar = make_user(Role.ORGANIZER)
    case_id = make_case(team=[omar], target_name="Blue Fern Bistro")
    make_task(case_id, "Call the landlord", omar, date(2025, 9, 1))
    make_task(case_id, "Someday", omar)
    make_task(case_id, "Nobody's", None, date(2025, 9, 1))
    client = login_as(omar)
    speak(app, client, omar, language)
    pages = {"my_work": client.get("/"), "case": client.get(f"/cases/{case_id}"),
             "added": client.post(f"/cases/{case_id}/tasks", follow_redirects=True,
                                  data={"title": "Print leaflets", "assignee_id": ""})}
    for name, response in pages.items():
        page = response.get_data(as_text=True)
        missing = [word for word in words[name] if word not in page]
        assert not missing, f"{name} page lacks {missing}"
