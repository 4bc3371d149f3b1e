"""A Spanish-speaking organizer moves a fight from inquiry to delivered, in Spanish."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest
from babel.dates import format_date
from playwright.sync_api import Browser, Page, expect

from casework.demo import DEMO_PASSWORD
from tests.browser.conftest import LiveServer
from tests.browser.test_fight_flow import (
    NETWORK_ZONE,
    expect_state,
    logged_long_ago,
    open_form,
    region,
)

ORGANIZA = "lucia@demo.casework.org"  # the demo's organizer whose pages are in Spanish
TARGET = "Panadería Los Pinos"
PHONE_WIDTH = 360


@pytest.fixture
def spanish_page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A browser whose language is Spanish: it sends ``Accept-Language: es-ES``."""
    context = browser.new_context(base_url=live_server.url, locale="es-ES",
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def spanish_organizer_with_an_inquiry(live_server: LiveServer) -> str:
    """Setup: Lucía, the demo's organizer whose UI is Spanish (her own choice), has logged an
    inquiry (so she is on its team); returns its reference."""
    from sqlalchemy import select

    from casework.cases.services import CaseFacts, create_case
    from casework.extensions import db
    from casework.models import IssueType, User

    with live_server.app.app_context():
        lucia = db.session.scalars(select(User).where(User.email == ORGANIZA)).one()
        assert lucia.ui_language == "es"
        case = create_case(lucia, CaseFacts(
            person_name="Rafael Mendes", person_phone="206-555-0162", target_name=TARGET,
            issue_type=IssueType.UNPAID_WAGES, summary="Seis semanas de salario sin pagar",
            language="es"))
        db.session.commit()
        reference = case.reference
    logged_long_ago(live_server, reference)
    return reference


def demand_letter_approved_and_reviewed(live_server: LiveServer, reference: str) -> None:
    """Setup: the member approved the demand letter and a reviewer passed it (the letter's
    pages are another part of the app)."""
    from sqlalchemy import select

    from casework.extensions import db
    from casework.models import Case
    from tests.fights import approved_demand_letter

    with live_server.app.app_context():
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        approved_demand_letter(case)
        db.session.commit()


def log_in(page: Page, email: str) -> None:
    """Log in by the fields' names: the login page's words are not this test's subject."""
    page.goto("/login")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("input[name=password]").press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)


def move(page: Page, label: str, new_state: str) -> None:
    """A move that needs no form: a POST button under «Pasos», then the flash in Spanish."""
    region(page, "Pasos").get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_role("status")).to_have_text(
        f"{label}: la lucha ahora está en “{new_state}”.")
    expect_state(page, new_state)


def blocked_reasons(page: Page, label: str) -> list[str]:
    """The reasons listed beside a blocked (disabled) move."""
    button = page.get_by_role("button", name=label, exact=True)
    item = region(page, "Pasos").get_by_role("listitem").filter(has=button)
    expect(item.get_by_role("button")).to_be_disabled()
    return item.get_by_role("listitem").all_inner_texts()


def screen_and_propose(page: Page) -> None:
    expect(page.get_by_role("heading", level=2, name="Pasos")).to_be_visible()
    move(page, "Empezar la evaluación", "Evaluación")
    assert blocked_reasons(page, "Proponer a la asamblea") == [
        "Escribe la evaluación de la posibilidad de ganar en las notas de evaluación."]
    open_form(page, "Editar las notas de evaluación")
    page.get_by_label("Notas de evaluación").fill("Vimos los recibos de pago.")
    page.get_by_label("Evaluación de la posibilidad de ganar").fill(
        "Se puede ganar: la panadería depende de sus clientes del barrio.")
    page.get_by_role("button", name="Guardar notas de evaluación").click()
    expect(page.get_by_role("status")).to_have_text("Notas de evaluación guardadas.")
    move(page, "Proponer a la asamblea", "Propuesta")


def decide_and_accept(page: Page) -> None:
    open_form(page, "Registrar una decisión de la asamblea")
    page.get_by_label("Decisión sobre").select_option(value="take_fight")
    page.get_by_label("Propuesta").fill("Tomar la lucha de Rafael")
    page.get_by_label("Votos a favor").fill("12")
    page.get_by_label("Votos en contra").fill("1")
    page.get_by_label("Abstenciones").fill("2")
    page.get_by_role("button", name="Registrar decisión").click()
    expect(page.get_by_role("status")).to_have_text("Decisión registrada.")
    expect(region(page, "Decisiones de la asamblea")).to_contain_text(
        "aprobada (12 a favor, 1 en contra, 2 abstenciones)")
    # The vote alone does not accept the fight: the guard names the member's consent.
    assert blocked_reasons(page, "Aceptar la lucha") == [
        "Registra el consentimiento de Rafael a las exigencias."]
    open_form(page, "Registrar el consentimiento de la persona afectada")
    page.locator("input[name='consent-method'][value='phone']").check()
    page.get_by_role("button", name="Registrar consentimiento").click()
    expect(page.get_by_role("status")).to_have_text("Consentimiento registrado.")
    move(page, "Aceptar la lucha", "Redactando la carta")


def demands_and_deadline(page: Page) -> None:
    open_form(page, "Agregar una exigencia")
    page.get_by_label("Dinero").check()
    page.get_by_label("Qué exigimos").fill("Pagar los salarios adeudados")
    page.get_by_label("Cantidad ($)", exact=True).fill("2450.00")
    page.get_by_role("button", name="Agregar exigencia").click()
    expect(page.get_by_role("status")).to_have_text("Exigencia agregada.")
    open_form(page, "Regla de la fecha límite y entrega prevista")
    page.get_by_label("Fecha límite", exact=True).select_option(
        label="14 días después de la entrega")
    page.get_by_role("button", name="Guardar regla de la fecha límite").click()
    expect(page.get_by_role("status")).to_have_text("Regla de la fecha límite guardada.")
    expect(region(page, "Exigencias")).to_contain_text(
        "Fecha límite: 14 días después de la entrega")


def deliver(page: Page) -> None:
    """Deliver the letter yesterday: its 14-day deadline is 13 days away."""
    region(page, "Pasos").get_by_role("button", name="Registrar la entrega…", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Registrar la entrega")
    expect(page.locator("main")).to_contain_text(
        "La lucha está en Lista para entregar. Esto la pasa a Carta entregada.")
    delivered_at = datetime.now(NETWORK_ZONE).replace(hour=14, minute=0) - timedelta(days=1)
    page.get_by_label("Entregada el").fill(f"{delivered_at:%Y-%m-%dT%H:%M}")
    page.get_by_label("Lugar").fill("En el mostrador de la panadería")
    page.get_by_label("Entregada por").fill("Rafael, con 15 compañeras")
    page.get_by_label("Asistencia (personas presentes)").fill("16")
    page.get_by_role("button", name="Registrar la entrega").click()
    expect(page.get_by_role("status")).to_have_text(
        "Registrar la entrega: la lucha ahora está en “Carta entregada”.")
    expect_state(page, "Carta entregada")
    expect(region(page, "Entrega y fecha límite")).to_contain_text("(quedan 13 días)")
    # Dates read the Spanish way: day, Spanish month, year ("2 dic 2026").
    delivery_day = format_date(delivered_at.date(), "d MMM yyyy", locale="es_US")
    assert delivery_day != format_date(delivered_at.date(), "d MMM yyyy", locale="en_US") or \
        delivered_at.month in (2, 4, 5, 6)  # months spelt alike in both languages
    expect(region(page, "Entrega y fecha límite")).to_contain_text(delivery_day)


def escalating_too_early_is_refused(page: Page) -> None:
    """The deadline has not passed and no reason is given: the guard says so, in Spanish."""
    region(page, "Pasos").get_by_role("button", name="Escalar…", exact=True).click()
    page.get_by_role("button", name="Escalar", exact=True).click()
    expect(page.locator("main")).to_contain_text(
        "La fecha límite todavía no ha pasado: da el motivo para escalar ya "
        "(p. ej. represalias).")
    expect(page.get_by_label("Motivo (necesario si la fecha límite no ha pasado)")).to_be_empty()
    page.get_by_role("button", name="Cancelar").click()
    expect_state(page, "Carta entregada")


def fits_a_phone(page: Page) -> None:
    """At 360 px nothing makes the page scroll sideways, though Spanish words run longer."""
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE_WIDTH, f"{page.url} is {width}px wide on a {PHONE_WIDTH}px screen"


def test_spanish_organizer_moves_a_fight_to_delivered(
    spanish_page: Page, live_server: LiveServer
) -> None:
    page = spanish_page
    reference = spanish_organizer_with_an_inquiry(live_server)
    log_in(page, ORGANIZA)
    page.goto("/cases/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Casos")
    page.get_by_role("link", name=reference, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{reference} · {TARGET}")
    expect_state(page, "Consulta")

    screen_and_propose(page)
    decide_and_accept(page)
    demands_and_deadline(page)
    demand_letter_approved_and_reviewed(live_server, reference)
    page.reload()
    move(page, "Aprobar la carta", "Lista para entregar")
    deliver(page)
    escalating_too_early_is_refused(page)

    timeline = region(page, "Historial").locator("ol.timeline > li").all_inner_texts()
    moved = "pasó de lista para entregar a carta entregada"
    assert any(moved in entry for entry in timeline), timeline

    fits_a_phone(page)
    region(page, "Pasos").get_by_role("button", name="Escalar…", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Escalar")
    fits_a_phone(page)
