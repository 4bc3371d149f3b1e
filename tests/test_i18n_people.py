"""People, targets, actions, call lists and reminders in Spanish (the UI's second language)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from flask import Flask
from flask.testing import FlaskClient

from casework.clock import network_today
from casework.extensions import db
from casework.models import CallAnswer, Case, User
from casework.reminders.services import due_reminders
from casework.workflow.states import CaseState
from tests.ladder import entry, person, plan

SPANISH = {"Accept-Language": "es"}


@dataclass(frozen=True)
class World:
    case_id: int
    organizer: int
    member: int  # the fight's member (a Person)
    target: int
    action: int


@pytest.fixture
def world(app: Flask, make_fight: Callable[..., tuple[int, int]]) -> World:
    """A fight in escalation with next week's picket, and a Spanish speaker on its call list
    given to the organizer to call."""
    case_id, organizer = make_fight(CaseState.ESCALATING)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        case.person.languages = "es,en"
        db.session.commit()
        member, target = case.person_id, case.target_id
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=7)
        action = plan(case_id, organizer, title="Piquete en la oficina", starts_at=starts)
        rosa = person(case.network_id, "Rosa Calle", languages="es,other")
        entry(action, rosa, caller_id=organizer, answer=CallAnswer.MAYBE)
    return World(case_id, organizer, member, target, action)


PAGES: dict[str, tuple[Callable[[World], str], list[str], list[str]]] = {
    "person": (lambda w: f"/people/{w.member}",
               ["<h2 id=\"contact-heading\">Cómo contactarle</h2>", "<dt>Teléfono</dt>",
                "<dd>español, inglés</dd>", "Sus luchas", ">Editar</a>"],
               ["How to reach them", "Their fights", "Spanish"]),
    "call list": (lambda w: f"/cases/{w.case_id}/actions/{w.action}/calls",
                  ["Lista de llamadas", "A quién se llama", "Repartir entre quienes llaman",
                   "<label for=\"size\">Personas por cada quien llama</label>",
                   "Repartir la lista</button>", "Quién llama a quién"],
                  ["Who is called", "Split the list", "People per caller"]),
    "my calls": (lambda w: f"/cases/{w.case_id}/actions/{w.action}/calls/mine",
                 ["<h1>Mis llamadas</h1>", "Habla español, otro",
                  "Respuesta: <strong>"],
                 ["Speaks", "Ring each person"]),
    "target": (lambda w: f"/targets/{w.target}",
               ["<h2 id=\"research-heading\">Investigación</h2>", "<dt>Puntos de presión</dt>",
                "Luchas contra Acme Landlords", "<summary>Añadir un dato</summary>",
                "<label for=\"kind\">Tipo de dato</label>"],
               ["Research notes", "Add a fact", "Fights against"]),
    "action": (lambda w: f"/cases/{w.case_id}/actions/{w.action}",
               ["<dt>Cuándo</dt>", "meta 10",
                "<h2 id=\"email-heading\">Correo de movilización</h2>",
                "<summary>Registrar la acción como hecha</summary>",
                "<label for=\"subject_es\">Asunto en español</label>",
                "Cancelar la acción</button>"],
               ["Record the action as done", "Subject in Spanish", "Turnout (people who came)"]),
}


@pytest.mark.parametrize("page", PAGES)
def test_pages_are_in_spanish_for_a_spanish_browser(
        world: World, login_as: Callable[[int], FlaskClient], page: str) -> None:
    url, spanish, english = PAGES[page]
    response = login_as(world.organizer).get(url(world), headers=SPANISH)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert [text for text in spanish if text not in html] == []
    assert [text for text in english if text in html] == []


FORMS: dict[str, tuple[Callable[[World], str], dict[str, str], str, str]] = {
    "person form": (lambda _w: "/people/new",
                    {"name": "Lucía Pérez", "phone": "12", "languages": "es", "tier": "supporter"},
                    "phone",
                    "Un número de teléfono tiene al menos 7 dígitos, p. ej. 206-555-0100."),
    "action plan": (lambda w: f"/cases/{w.case_id}/actions/{w.action}/edit",
                    {"kind": "picket", "title": "Piquete", "starts_at": "2031-05-02T17:00",
                     "turnout_goal": "1000000", "calls": "kind", "pressure_point_id": "",
                     "leaflet_id": ""},
                    "turnout_goal", "Escribe un número del 0 al 100.000."),
}


@pytest.mark.parametrize("form", FORMS)
def test_a_refused_form_says_why_in_spanish_next_to_the_field(
        world: World, login_as: Callable[[int], FlaskClient], form: str) -> None:
    url, data, field, message = FORMS[form]
    response = login_as(world.organizer).post(url(world), data=data, headers=SPANISH)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<small id="{field}-error" class="field-error">{message}</small>' in html
    assert f'value="{data[field]}"' in html  # what was typed is kept


@pytest.mark.parametrize(("language", "subjects", "greeting", "when"), [
    ("es", ["Tarea para mañana en {ref}", "Fecha límite mañana en {ref}",
            "{kind} mañana a las 17:00 en {ref}"], "Hola, Omar:", "es"),
    (None, ["Task due tomorrow on {ref}", "Deadline tomorrow on {ref}",
            "{kind} tomorrow at 17:00 on {ref}"], "Hello Omar,", "en"),
])
def test_reminders_are_written_in_the_users_language(
        app: Flask, make_user: Callable[..., int], make_fight: Callable[..., tuple[int, int]],
        make_task: Callable[..., int], language: str | None, subjects: list[str],
        greeting: str, when: str) -> None:
    omar = make_user(name="Omar", email="omar@example.org")
    case_id, _ = make_fight(CaseState.DELIVERED, omar)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        tomorrow = network_today(case.network) + timedelta(days=1)
        case.deadline_on = tomorrow
        zone = ZoneInfo(case.network.timezone)
        plan(case_id, omar, starts_at=datetime.combine(tomorrow, time(17, 0), zone))
        reference = case.reference
    make_task(case_id, "Call the landlord", omar, tomorrow)
    with app.app_context():
        user: Any = db.session.get_one(User, omar)
        user.ui_language = language  # the account's choice (English when unset)
        mine = [r for r in due_reminders() if r.address == "omar@example.org"]
    # The action kind's own label is the enum's (translated with the other enum labels).
    kind = next(r.subject.split(" ")[0] for r in mine if r.key.startswith("action:"))
    assert sorted(r.subject for r in mine) == sorted(
        s.format(ref=reference, kind=kind) for s in subjects)
    assert all(r.body.startswith(greeting) for r in mine)
    day = format_date(tomorrow, "EEE d MMM y", locale=when) if when == "es" else \
        f"{tomorrow:%a} {tomorrow.day} {tomorrow:%b %Y}"
    assert all(day in r.body for r in mine)
