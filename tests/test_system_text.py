"""What the app writes on its own (standard tasks' titles, timeline notes) is shown in the
reader's language, whoever wrote it and in whatever language; what a user typed is shown as
typed."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.extensions import db
from casework.models import Event, EventKind, Role, Task, User
from casework.system_text import english, event_note
from casework.workflow.states import CaseState as S
from tests.conftest import login

# (language, the escalation task tick creates, tick's timeline note, a closed task's note)
READERS = [
    ("en", "Deadline passed: plan the first escalation", "The deadline (Sun 1 Nov 2026) passed",
     "Task no longer needed: “Deadline passed: plan the first escalation”"),
    ("es", "Venció el plazo: planear la primera escalada", "Venció el plazo (dom 1 nov 2026)",
     "Tarea que ya no hace falta: “Venció el plazo: planear la primera escalada”"),
]
TYPED_TASK = "Call Maria at the bakery"
TYPED_NOTE = "Owner called back at 5pm"


def set_language(app: Flask, user_id: int, language: str) -> None:
    with app.app_context():
        db.session.get_one(User, user_id).ui_language = language
        db.session.commit()


def visible(client: FlaskClient, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.mark.parametrize(("language", "task", "deadline_note", "closed_note"), READERS)
def test_tick_and_a_spanish_organizers_clicks_read_in_each_readers_language(
    app: Flask, make_fight: Callable[..., tuple[int, int]],
    runner: Any, language: str, task: str, deadline_note: str, closed_note: str,
) -> None:
    case_id, organizer = make_fight(S.DELIVERED)
    # Tick writes outside any request; a Spanish organizer then closes the task, adds one
    # and a note of their own: all of it is read by a reader of each language.
    assert runner.invoke(args=["casework", "tick"]).exit_code == 0
    set_language(app, organizer, "es")
    spanish = app.test_client()
    login(spanish, app, organizer)
    with app.app_context():
        escalation = db.session.scalars(select(Task).where(
            Task.case_id == case_id, Task.rule_key == "plan_escalation")).one()
        assert escalation.title == "Deadline passed: plan the first escalation"  # stored
    escalation_id = escalation.id
    spanish.post(f"/tasks/{escalation_id}/no-longer-needed")
    spanish.post(f"/cases/{case_id}/tasks", data={"title": TYPED_TASK})
    spanish.post(f"/cases/{case_id}/notes", data={"note": TYPED_NOTE})
    with app.app_context():
        stored = db.session.scalars(select(Event.note).where(
            Event.case_id == case_id, Event.kind == EventKind.TASK_NO_LONGER_NEEDED)).all()
        assert stored == ["Task no longer needed: “Deadline passed: plan the first "
                          "escalation”"]  # stored in English, whoever wrote it
    set_language(app, organizer, language)  # the reader: the same organizer, in each language
    page = visible(spanish, f"/cases/{case_id}")
    assert f"{task} " in page and deadline_note in page and closed_note in page
    assert TYPED_TASK in page and TYPED_NOTE in page
    assert all(other[1] not in page for other in READERS if other[0] != language)


@pytest.mark.parametrize(("language", "sentences"), [
    ("en", ["made a calendar feed link (own feed)", "made a calendar feed link (network feed)"]),
    ("es", ["(calendario propio)", "(calendario de la red)"]),
])
def test_the_audit_logs_details_read_in_the_readers_language(
    app: Flask, make_user: Callable[..., int], language: str, sentences: list[str],
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    client = app.test_client()
    login(client, app, coordinator)
    for which in ("mine", "network"):
        assert client.post(f"/calendar/{which}").status_code == 200
    set_language(app, coordinator, language)
    page = visible(client, "/audit/")
    assert all(sentence in page for sentence in sentences)


def converted(kind: str, note: str) -> tuple[str, dict[str, Any]] | None:
    """What the migration makes of a note stored before notes kept their msgid."""
    path = Path(__file__).resolve().parent.parent / "migrations" / "versions" / \
        "7e2a9c4b1d30_system_notes_in_the_readers_language.py"
    spec = importlib.util.spec_from_file_location("system_notes_migration", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.msgid_and_values(kind, note)  # type: ignore[no-any-return]


@pytest.mark.parametrize(("kind", "note", "spanish"), [
    ("note", "The deadline (2026-11-01) passed", "Venció el plazo (dom 1 nov 2026)"),
    ("note", "Inquiry logged", "Consulta registrada"),
    ("task_no_longer_needed", "Task no longer needed: “Confirm the payment cleared”",
     "Tarea que ya no hace falta: “Confirmar que el pago se hizo efectivo”"),
    ("task_done", "Confirm the payment cleared", "Confirmar que el pago se hizo efectivo"),
    ("task_no_longer_needed", "Task no longer needed: “Call Ana”",
     "Tarea que ya no hace falta: “Call Ana”"),  # a typed title stays as typed
    ("note", "Called the owner: Inquiry logged", None),  # typed: left as it is
])
def test_notes_stored_before_are_shown_in_the_readers_language_after_the_migration(
        app: Flask, kind: str, note: str, spanish: str | None) -> None:
    found = converted(kind, note)
    assert (found is None) is (spanish is None)
    if found is not None:
        with app.test_request_context(headers={"Accept-Language": "es"}):
            assert event_note(SimpleNamespace(note=note, note_msgid=found[0],
                                              note_values=found[1])) == spanish
        assert english(*found) == note.replace("2026-11-01", "Sun 1 Nov 2026")
