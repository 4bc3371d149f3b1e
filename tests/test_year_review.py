"""The year in review PDF: read back with pypdf, its figures checked against the hand count of
tests/reports_world.py, in English and in Spanish."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader

from casework.models import Role
from tests.conftest import login
from tests.reports_world import World, build_world

NBSP = "\u00a0"


@pytest.fixture
def world(app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
          monkeypatch: pytest.MonkeyPatch) -> World:
    return build_world(app, make_user, make_case, monkeypatch)


def fonts_of(resources: Any) -> set[str]:
    """The fonts a page (or a drawing on it, such as a chart) uses."""
    if resources is None:
        return set()
    resources = resources.get_object()
    found = {str(font.get_object()["/BaseFont"]).split("+")[-1]
             for font in (resources.get("/Font") or {}).values()}
    for drawing in (resources.get("/XObject") or {}).values():
        found |= fonts_of(drawing.get_object().get("/Resources"))
    return found


def pdf_text(client: FlaskClient, query: str) -> tuple[str, int]:
    response = client.get(f"/reports/year-in-review.pdf?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.data))
    fonts = set().union(*(fonts_of(page.get("/Resources")) for page in reader.pages))
    assert fonts == {"IBM-Plex-Sans", "IBM-Plex-Sans-Bold"}  # the letters' bundled fonts only
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.replace(NBSP, " ").split()), len(reader.pages)


# Ended in 2026 (local days): A won in full, D won more than owed (23:30 on 31 December),
# B partial, C lost, H withdrawn; E declined (F was declined in 2025, local time).
# Decided fights (won, partial or lost): A, B, C, D. Win rate: 2 won of 4 = 50%.
# Demanded: A 1,200 + B 3,000 + C 800 (its claim) + D 2,160 = 7,160.
# Recovered: A 1,200 + B 1,500 + D 2,500 = 5,200.
# Deposit (A, C): demanded 2,000, recovered 1,200. Unpaid wages (B, D): 5,160 and 4,000.
EXPECTED = {
    "en": ["Year in review 2026", "Won 2", "Partial win 1", "Lost 1", "Declined 1",
           "50%", "Demanded $7,160.00", "Recovered $5,200.00",
           "Stolen deposit 2 $2,000.00 $1,200.00", "Unpaid wages 2 $5,160.00 $4,000.00",
           "All fights 4 $7,160.00 $5,200.00", "Not winnable with our capacity 1",
           "Page 1 of"],
    "es": ["Resumen del año 2026", "Ganadas 2", "Ganadas en parte 1", "Perdidas 1",
           "Rechazadas 1", "50 %", "Exigido 7.160,00 $", "Recuperado 5.200,00 $",
           "Depósito robado 2 2.000,00 $ 1.200,00 $",
           "Salarios no pagados 2 5.160,00 $ 4.000,00 $",
           "Todas las luchas 4 7.160,00 $ 5.200,00 $",
           "No se podía ganar con nuestras fuerzas 1", "Página 1 de"],
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_year_in_review_pdf_holds_the_years_figures(
        app: Flask, client: FlaskClient, world: World, language: str) -> None:
    login(client, app, world.coordinator_id)
    text, pages = pdf_text(client, f"year=2026&language={language}")
    missing = [figure for figure in EXPECTED[language] if figure not in text]
    assert missing == [], text
    other = "es" if language == "en" else "en"
    assert EXPECTED[other][0] not in text  # one language only
    assert 2 <= pages <= 6
    for person in ("Paula", "Quinn", "Rosa Coordinator", "Omar Organizer"):
        assert person not in text  # the assembly's copy names no one


@pytest.mark.sqlite_only
def test_a_year_with_nothing_says_so(app: Flask, client: FlaskClient, world: World) -> None:
    login(client, app, world.coordinator_id)
    text, _pages = pdf_text(client, "year=2020&language=en")
    assert "Nothing was recorded for 2020" in text and "Won 0" in text and "50%" not in text


@pytest.mark.sqlite_only
@pytest.mark.parametrize("query", ["year=1999&language=en", "year=2026&language=fr",
                                   "year=%C2%B2&language=en", "year=&language="])
def test_a_bad_choice_is_refused_next_to_the_field(
        app: Flask, client: FlaskClient, make_user: Callable[..., int], query: str) -> None:
    login(client, app, make_user(Role.COORDINATOR))
    response = client.get(f"/reports/year-in-review.pdf?{query}")
    assert response.status_code == 400
    assert 'class="field-error"' in response.get_data(as_text=True)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("role", "status"), [(Role.COORDINATOR, 200), (Role.ORGANIZER, 403),
                                              (Role.INTAKE, 403), (Role.MEMBER, 403)])
def test_only_coordinators_get_the_year_in_review(
        app: Flask, client: FlaskClient, make_user: Callable[..., int], role: Role,
        status: int) -> None:
    login(client, app, make_user(role))
    assert client.get("/reports/year-in-review").status_code == status
