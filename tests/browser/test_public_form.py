"""Someone with a Spanish phone finds the network's "get in touch" form, gets a field wrong,
sends it, and the intake volunteer finds the inquiry in their queue marked as from the web form."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from casework.demo import DEMO_PASSWORD, DEMO_USERS
from casework.models import Role
from tests.browser.conftest import LiveServer

PHONE = {"width": 360, "height": 740}
TARGET = "Lavandería Brillante"
WHAT_HAPPENED = "Trabajé seis semanas y solo me pagaron dos. El dueño dice que no hay dinero."


def spanish_phone(browser: Browser, live_server: LiveServer) -> Page:
    """A phone whose browser asks for Spanish pages (its Accept-Language is es-US)."""
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True,
                                  has_touch=True, locale="es-US")
    context.set_default_timeout(10_000)
    return context.new_page()


def expect_no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def test_a_spanish_speaker_sends_the_form_from_a_phone_and_intake_finds_it(
        browser: Browser, live_server: LiveServer) -> None:
    page = spanish_phone(browser, live_server)
    page.goto("/n/sea/get-in-touch")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Contacta con Seattle Solidarity Network (demo)")
    expect(page.get_by_role("link", name="English")).to_have_attribute(
        "href", "/language/en?next=/n/sea/get-in-touch")
    expect(page.get_by_role("heading", name="Tu privacidad")).to_be_visible()
    expect_no_sideways_scroll(page)

    page.get_by_label("Tu nombre").fill("Lucía")
    page.get_by_label("Teléfono").fill("206-555-0199")
    page.get_by_label("¿Cómo y cuándo es seguro contactarte?").fill("Solo mensajes, de tarde")
    page.get_by_label("¿Contra quién es?").fill(TARGET)
    page.get_by_label("Salario no pagado").check()
    page.get_by_label("¿De cuánto dinero se trata, más o menos? (opcional)").fill("mucho")
    page.get_by_role("group", name="¿Todavía trabajas o vives allí?").get_by_label(
        "No", exact=True).check()
    page.get_by_role("button", name="Enviar").click()

    # Left empty and mistyped: messages by those fields, in Spanish, and the answers kept.
    what = page.get_by_label("¿Qué pasó?", exact=True)
    expect(what).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#what_happened-error")).to_have_text("Esto es necesario.")
    expect(page.locator("#amount-error")).to_have_text(
        "Escribe una cantidad como 1250 o 1250,50.")
    expect(page.get_by_label("Tu nombre")).to_have_value("Lucía")
    expect(page.get_by_label("¿Contra quién es?")).to_have_value(TARGET)
    expect(page.get_by_label("Salario no pagado")).to_be_checked()
    expect_no_sideways_scroll(page)

    what.fill(WHAT_HAPPENED)
    page.get_by_label("¿De cuánto dinero se trata, más o menos? (opcional)").fill("2.400")
    page.get_by_role("button", name="Enviar").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gracias")
    expect(page.get_by_role("heading", name="Qué pasa ahora")).to_be_visible()
    assert page.url.endswith("/n/sea/get-in-touch/thanks")
    body = page.locator("body").inner_text()
    assert not [typed for typed in ("Lucía", "0199", TARGET, "seis semanas") if typed in body]
    expect_no_sideways_scroll(page)

    # The intake volunteer logs in (on the same phone) and finds it waiting, from the web form.
    email = next(email for _name, email, role in DEMO_USERS if role == Role.INTAKE)
    # The phone asks for Spanish: the volunteer picks English on the login page's switch.
    page.goto("/login")
    page.get_by_role("link", name="English").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    waiting = page.locator("section", has=page.get_by_role("heading", name=re.compile(
        "New inquiries with no organizer"))).get_by_role("listitem").filter(has_text=TARGET)
    expect(waiting).to_contain_text("Unpaid wages · Web form")
    waiting.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(TARGET)
    expect(page.get_by_text("from the web form")).to_be_visible()
    expect(page.get_by_text("206-555-0199")).to_be_visible()
    expect(page.get_by_text("$2,400.00")).to_be_visible()
