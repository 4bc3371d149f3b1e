"""The enum labels a letter prints are in the letter's language, whatever the UI's language."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from casework.extensions import db
from casework.letters.rendering import render_pdf
from casework.models import IssueType, Letter
from casework.workflow.states import CaseState as S
from tests.languages import app_without_data, speak
from tests.letters import letter
from tests.test_letters_flow import latest_version, start_letter


@pytest.fixture
def light_app(tmp_path: Path) -> Flask:
    return app_without_data(tmp_path)


def squeezed_pdf_text(data: bytes) -> str:
    return "".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
                   .split())


@pytest.mark.parametrize("ui_language", ["en", "es"])
@pytest.mark.parametrize(("language", "printed", "not_printed"), [
    ("en", ["Re:Unpaidwages"], ["Asunto", "Salarios"]),
    ("es", ["Asunto:Salariosnopagados"], ["Re:", "Unpaidwages"]),
    ("es+en", ["Asunto:Salariosnopagados", "Re:Unpaidwages"], []),
], ids=["english", "spanish", "bilingual"])
def test_the_subject_line_names_the_issue_in_the_letters_language(
    app: Flask, make_fight: Callable[..., tuple[int, int]],
    login_as: Callable[[int], FlaskClient], ui_language: str, language: str,
    printed: list[str], not_printed: list[str],
) -> None:
    case_id, organizer = make_fight(S.DRAFTING, issue_type=IssueType.UNPAID_WAGES)
    with app.app_context():
        for old in db.session.scalars(select(Letter).where(Letter.case_id == case_id)):
            db.session.delete(old)
        db.session.commit()
    client = login_as(organizer)
    speak(app, client, organizer, ui_language)
    letter_id = start_letter(client, case_id, "demand", language)
    response = client.get(f"/letters/versions/{latest_version(app, letter_id)}/pdf")
    assert response.status_code == 200
    text = squeezed_pdf_text(response.data)
    for wanted in printed:
        assert wanted in text
    for unwanted in not_printed:
        assert unwanted not in text


def test_a_snapshot_without_words_per_language_names_the_issue_in_each() -> None:
    """Snapshots made before letters had texts per language hold only the English label."""
    text = squeezed_pdf_text(render_pdf(letter(language="es", issue_label="Stolen deposit")))
    assert "Asunto:Depósitorobado" in text
    assert "Re:Stolendeposit" in text


def test_enum_labels_are_english_outside_a_request(light_app: Flask) -> None:
    """`flask casework tick` and letters rendered by the CLI have no request to take a
    language from: labels are English, and do not crash."""
    assert str(IssueType.UNPAID_WAGES.label) == "Unpaid wages"
    with light_app.app_context():
        assert str(IssueType.UNPAID_WAGES.label) == "Unpaid wages"
        assert f"{S.WON.label}" == "Won"


def test_enum_labels_follow_the_ui_language(light_app: Flask) -> None:
    with light_app.test_request_context(headers={"Accept-Language": "es"}):
        assert str(IssueType.UNPAID_WAGES.label) == "Salarios no pagados"
        assert str(S.WON.label) == "Ganada"
    with light_app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(IssueType.UNPAID_WAGES.label) == "Unpaid wages"
