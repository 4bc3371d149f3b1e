"""The letters', reports' and victories' pages in Spanish: a reader whose language is Spanish
gets the pages, a CSV's header row, a chart's title and a form's errors in Spanish; English
stays the default."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.extensions import db
from casework.letters import services
from casework.letters.context import LetterKind
from casework.models import Case, Letter, Outcome, OutcomeKind, User
from casework.workflow.states import CaseState

Fight = Callable[..., tuple[int, int]]


def reader(app: Flask, login_as: Callable[[int], FlaskClient], user_id: int,
           language: str) -> FlaskClient:
    """The user's browser, logged in and asking for ``language``."""
    client = login_as(user_id)
    speak(app, client, user_id, language)
    return client


def speak(app: Flask, client: FlaskClient, user_id: int, language: str) -> None:
    """The browser asks for ``language`` (and the user chooses it, where accounts can)."""
    with app.app_context():
        user = db.session.get_one(User, user_id)
        if hasattr(user, "ui_language"):
            user.ui_language = language
            db.session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language


def letter_page(app: Flask, make_fight: Fight) -> tuple[int, str]:
    case_id, organizer = make_fight(CaseState.DRAFTING)
    with app.app_context():
        letter_id = db.session.scalars(select(Letter.id).where(Letter.case_id == case_id)
                                       .order_by(Letter.id)).first()
    return organizer, f"/letters/{letter_id}"


def bilingual_letter_page(app: Flask, make_fight: Fight) -> tuple[int, str]:
    """A new Spanish + English demand letter: its demands' Spanish wording is still to write."""
    case_id, organizer = make_fight(CaseState.DRAFTING)
    with app.app_context():
        letter = services.create_letter(db.session.get_one(Case, case_id),
                                        db.session.get_one(User, organizer), LetterKind.DEMAND,
                                        "es+en")
        db.session.commit()
        return organizer, f"/letters/{letter.id}"


def victory_page(app: Flask, make_fight: Fight) -> tuple[int, str]:
    case_id, organizer = make_fight(CaseState.WON)
    with app.app_context():
        db.session.add(Outcome(case_id=case_id, kind=OutcomeKind.FULL,
                               decided_on=date(2026, 11, 19), amount_recovered=Decimal(2160)))
        db.session.commit()
    return organizer, f"/cases/{case_id}/victory"


def reports_page(app: Flask, make_fight: Fight) -> tuple[int, str]:
    _case_id, organizer = make_fight(CaseState.SCREENING)  # an inquiry: the funnel has a bar
    return organizer, "/reports/"


PAGES = {"letter": letter_page, "bilingual letter": bilingual_letter_page,
         "victory": victory_page, "reports": reports_page}


@pytest.mark.parametrize(("page", "spanish", "english"), [
    ("letter", ["<h1>Carta de exigencias</h1>", "El texto de la carta",
                "Qué pasó (Inglés)", "<th scope=\"col\">Versión</th>"],
     ["<h1>Demand letter</h1>", "The letter’s text", "What happened (English)"]),
    ("bilingual letter", ["Español + inglés", "Falta escribir (Español): el texto de la "
                          "exigencia 1", "Qué pasó (Español)", "Qué pasó (Inglés)"],
     ["Still to write in", "the wording of demand 1", "Spanish + English"]),
    ("victory", ["<h1>Publicar la victoria</h1>", "El consentimiento de la persona afectada",
                 "Título y relato", ">El relato</label>", "Sin su nombre"],
     ["<h1>Publish the victory</h1>", "Title and story", "Without their name"]),
    ("reports", ["<h1>Informes</h1>", "En resumen", "De la consulta al resultado",
                 "<th scope=\"row\">Consultas</th>", "Desde… hasta…"],
     ["<h1>Reports</h1>", "From inquiry to outcome", "Inquiries"]),
])
def test_an_organizers_page_is_in_spanish_for_a_spanish_reader(
        app: Flask, make_fight: Fight, login_as: Callable[[int], FlaskClient], page: str,
        spanish: list[str], english: list[str]) -> None:
    user_id, url = PAGES[page](app, make_fight)
    response = reader(app, login_as, user_id, "es").get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for words in spanish:
        assert words in html, words
    for words in english:
        assert words not in html, words


@pytest.mark.parametrize(("language", "header", "first_step"), [
    ("es", ["Paso", "Luchas"], "Consultas"),
    ("en", ["Step", "Fights"], "Inquiries"),
])
def test_a_csvs_header_row_is_in_the_downloaders_language(
        app: Flask, make_fight: Fight, login_as: Callable[[int], FlaskClient], language: str,
        header: list[str], first_step: str) -> None:
    user_id, _url = reports_page(app, make_fight)
    response = reader(app, login_as, user_id, language).get("/reports/funnel.csv?period=year")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == header
    assert rows[1] == [first_step, "1"]


def test_a_charts_title_follows_each_readers_language(
        app: Flask, make_fight: Fight, login_as: Callable[[int], FlaskClient]) -> None:
    """The same figures drawn for readers of both languages, in turn: no chart drawn for one
    is served to the other."""
    user_id, url = reports_page(app, make_fight)
    client = reader(app, login_as, user_id, "es")
    for language, title in [("es", "Luchas en cada paso"), ("en", "Fights at each step"),
                            ("es", "Luchas en cada paso")]:
        speak(app, client, user_id, language)
        html = client.get(url).get_data(as_text=True)
        funnel = re.search(r'<svg\b[^>]*id="chart-funnel".*?</svg>', html, flags=re.S)
        assert funnel is not None
        assert re.search(rf'<title id="chart-funnel-title">{title}</title>', funnel.group(0)), \
            language


@pytest.mark.parametrize(("language", "message"), [
    ("es", "Elige cómo lo dio."),
    ("en", "Choose how they gave it."),
])
def test_a_consent_without_its_method_is_refused_next_to_the_field_in_the_readers_language(
        app: Flask, make_fight: Fight, login_as: Callable[[int], FlaskClient], language: str,
        message: str) -> None:
    user_id, url = victory_page(app, make_fight)
    response = reader(app, login_as, user_id, language).post(f"{url}/consent", data={
        "publication-may_name": "no", "publication-given_on": "2026-11-25",
        "publication-note": "Said yes on the phone"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<small id="publication-method-error" class="field-error">{message}</small>' in html
    assert "Said yes on the phone" in html  # what was typed is kept


@pytest.mark.parametrize(("language", "title"), [("es", "Victorias de "), ("en", "Victories of ")])
def test_the_public_victories_page_and_feed_follow_the_visitors_language(
        app: Flask, make_fight: Fight, language: str, title: str) -> None:
    make_fight(CaseState.WON)  # the network "SEA" exists
    visitor = app.test_client()
    visitor.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    page = visitor.get("/n/sea/victories").get_data(as_text=True)
    assert f"<h1>{title}" in page
    feed = visitor.get("/n/sea/victories.atom")
    assert f'xml:lang="{language}"' in feed.get_data(as_text=True)
    assert f"<title>{title}" in feed.get_data(as_text=True)
    assert "Accept-Language" in feed.headers["Vary"]
