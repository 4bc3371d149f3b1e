"""The UI's language: each user's choice on their account page, the switch of the pages without
a login (a cookie), the browser's Accept-Language; Spanish where members and visitors meet the
app, WTForms' own messages included; the demo's Spanish-speaking organizer and member."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import gettext

from casework.demo import DEMO_PASSWORD, SPANISH_MEMBER, SPANISH_ORGANIZER_EMAIL
from casework.extensions import db
from casework.i18n import select_language
from casework.models import AuditEntry, Case, Network, Role, User
from casework.workflow.states import CaseState
from tests.conftest import login

ENGLISH_BROWSER = {"Accept-Language": "en-US,en;q=0.9"}
SPANISH_BROWSER = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
# Pages without a login: (address, its heading in English, in Spanish).
PAGES_WITHOUT_LOGIN = [
    ("/login", "Log in", "Entrar"),
    ("/n/sea/get-in-touch", "Get in touch with Test Network", "Contacta con Test Network"),
]


@pytest.fixture
def open_form(app: Flask, network_id: int) -> int:
    with app.app_context():
        db.session.get_one(Network, network_id).public_form_open = True
        db.session.commit()
    return network_id


def text(response: object) -> str:
    return str(response.get_data(as_text=True))  # type: ignore[attr-defined]


@pytest.mark.parametrize(("path", "english", "spanish"), PAGES_WITHOUT_LOGIN)
def test_a_page_without_login_follows_the_browser_and_the_switch_overrides_it(
        app: Flask, open_form: int, path: str, english: str, spanish: str) -> None:
    visitor = app.test_client()
    page = text(visitor.get(f"{path}?from=maria@example.org", headers=SPANISH_BROWSER))
    assert f"<h1>{spanish}</h1>" in page and '<html lang="es"' in page
    # The visible switch names each language in its own words, the page's own marked; its
    # links lead back to this page's path, never with the rest of its address.
    switch = re.search(r'<nav aria-label="Idioma" class="language-switch">(.*?)</nav>', page,
                       re.S)
    assert switch is not None
    assert re.search(rf'<a href="/language/en\?next={path}" lang="en" hreflang="en">English</a>'
                     rf' · <a href="/language/es\?next={path}" lang="es" hreflang="es" '
                     r'aria-current="true"><strong>Español</strong></a>', switch.group(1))
    assert "maria" not in switch.group(1)

    chosen = visitor.get(f"/language/en?next={path}", headers=SPANISH_BROWSER)
    assert (chosen.status_code, chosen.location) == (302, path)
    page = text(visitor.get(path, headers=SPANISH_BROWSER))
    assert f"<h1>{english}</h1>" in page and '<html lang="en"' in page
    visitor.get(f"/language/es?next={path}")
    assert f"<h1>{spanish}</h1>" in text(visitor.get(path, headers=ENGLISH_BROWSER))


@pytest.mark.parametrize(("headers", "heading"), [
    (ENGLISH_BROWSER, "Log in"), (SPANISH_BROWSER, "Entrar"),
    ({"Accept-Language": "fr-FR,fr;q=0.9"}, "Log in"), ({}, "Log in")])
def test_without_a_choice_the_browser_decides(app: Flask, headers: dict[str, str],
                                              heading: str) -> None:
    assert f"<h1>{heading}</h1>" in text(app.test_client().get("/login", headers=headers))


@pytest.mark.parametrize("role", [Role.INTAKE, Role.MEMBER])
def test_the_choice_on_the_account_page_is_stored_audited_and_shows_on_the_next_page(
        app: Flask, client: FlaskClient, make_user: Callable[..., int], role: Role,
        db_backend: str) -> None:
    user_id = make_user(role)
    login(client, app, user_id)
    page = text(client.get("/account/language", headers=ENGLISH_BROWSER))
    assert "<h1>Language</h1>" in page
    assert re.search(r'checked[^>]*value="en"|value="en"[^>]*checked', page)  # as it is now

    refused = client.post("/account/language", data={"ui_language": "fr"},
                          headers=ENGLISH_BROWSER)
    assert 'id="ui_language-error"' in text(refused)
    response = client.post("/account/language", data={"ui_language": "es"},
                           headers=ENGLISH_BROWSER)
    assert (response.status_code, response.location) == (302, "/account/language")
    page = text(client.get("/account/language", headers=ENGLISH_BROWSER))
    assert '<html lang="es"' in page and "<h1>Idioma</h1>" in page
    assert "Tus páginas ahora están en español." in page
    with app.app_context():
        assert db.session.get_one(User, user_id).ui_language == "es"
        changes = db.session.scalars(sa.select(AuditEntry.detail).where(
            AuditEntry.action == "user.update", AuditEntry.object_id == str(user_id))).all()
        assert [detail for detail in changes if "ui_language" in detail]

    # Stored with the account, not the session: the next login is in Spanish too.
    client.post("/logout")
    login(client, app, user_id)
    home = "/my-fight" if role == Role.MEMBER else "/account/password"
    assert '<html lang="es"' in text(client.get(home, headers=ENGLISH_BROWSER))


@pytest.mark.parametrize(("chosen", "browser", "cookie", "expected"), [
    ("es", ENGLISH_BROWSER, "en", "es"),
    ("en", SPANISH_BROWSER, "es", "en"),
    (None, SPANISH_BROWSER, "", "es"),
    (None, SPANISH_BROWSER, "en", "en"),
])
def test_a_logged_in_users_choice_beats_the_browser_and_the_switch(
        app: Flask, client: FlaskClient, make_user: Callable[..., int], chosen: str | None,
        browser: dict[str, str], cookie: str, expected: str) -> None:
    user_id = make_user(Role.ORGANIZER)
    with app.app_context():
        db.session.get_one(User, user_id).ui_language = chosen
        db.session.commit()
    login(client, app, user_id)
    if cookie:
        client.set_cookie("lang", cookie)
    page = text(client.get("/account/password", headers=browser))
    assert f'<html lang="{expected}"' in page
    assert ("<h1>Cambia tu contraseña</h1>" if expected == "es"
            else "<h1>Change your password</h1>") in page


def test_wtforms_own_messages_and_ours_are_in_spanish_next_to_their_field(
        app: Flask, client: FlaskClient, make_user: Callable[..., int]) -> None:
    empty = client.post("/login", data={"email": "", "password": ""}, headers=SPANISH_BROWSER)
    page = text(empty)
    assert empty.status_code == 200
    assert '<small id="email-error" class="field-error">Este campo es obligatorio.</small>' in page
    assert "Algunos campos necesitan atención" in page
    login(client, app, make_user(Role.ORGANIZER))
    client.set_cookie("lang", "en")  # the user chose nothing: the browser, then the switch
    mismatch = client.post("/account/password", headers=SPANISH_BROWSER, data={
        "current_password": "x", "new_password": "a", "confirm": "b"})
    assert ('<small id="confirm-error" class="field-error">The two new passwords differ.</small>'
            in text(mismatch))
    client.set_cookie("lang", "es")
    mismatch = client.post("/account/password", headers=ENGLISH_BROWSER, data={
        "current_password": "x", "new_password": "a", "confirm": "b"})
    assert ('<small id="confirm-error" class="field-error">Las dos contraseñas nuevas no son '
            'iguales.</small>' in text(mismatch))


def test_the_portal_shows_a_spanish_members_fight_in_spanish(
        app: Flask, client: FlaskClient, make_fight: Callable[..., tuple[int, int]],
        make_user: Callable[..., int], db_backend: str) -> None:
    case_id, _organizer = make_fight(CaseState.READY, language="es")
    member_id = make_user(Role.MEMBER, name="Rosa Quintero")
    with app.app_context():
        member = db.session.get_one(User, member_id)
        member.person_id = db.session.get_one(Case, case_id).person_id
        member.ui_language = "es"
        db.session.commit()
        reference = db.session.get_one(Case, case_id).reference
    login(client, app, member_id)
    page = text(client.get("/my-fight", headers=ENGLISH_BROWSER))
    assert '<html lang="es"' in page and "<h1>Mi lucha</h1>" in page
    assert f"Contra Acme Landlords <small>· {reference}</small></h2>" in page
    assert "<dt>Referencia</dt>" in page and "<dt>Resumen</dt>" in page
    assert "La carta de exigencias está lista para entregarse." in page
    assert "La carta de exigencias</h3>" in page and "Versión 1: aprobada el" in page
    assert ">Mi lucha</a>" in page and "Salir (Rosa Quintero)" in page  # the header too


def test_outside_a_request_the_language_is_english(app: Flask) -> None:
    with app.app_context():  # a CLI command, `flask casework tick`
        assert select_language() == "en"
        assert gettext("Log in") == "Log in"


@pytest.mark.sqlite_only
def test_the_demo_has_an_organizer_and_a_member_who_use_the_app_in_spanish(
        app: Flask, runner: object, client: FlaskClient) -> None:
    loaded = runner.invoke(args=["casework", "demo"])  # type: ignore[attr-defined]
    assert SPANISH_ORGANIZER_EMAIL in loaded.output and SPANISH_MEMBER[1] in loaded.output
    with app.app_context():
        lucia = db.session.scalars(sa.select(User).where(
            User.email == SPANISH_ORGANIZER_EMAIL)).one()
        assert (lucia.role, lucia.languages, lucia.ui_language) == (Role.ORGANIZER, "es,en", "es")
        teams = db.session.scalars(sa.select(Case).where(Case.team.any(User.id == lucia.id))
                                   ).all()
        assert teams and all(case.person.preferred_language == "es" for case in teams)
        assert CaseState.SCREENING in {case.state for case in teams}  # a fight to move along
    client.post("/login", data={"email": SPANISH_ORGANIZER_EMAIL, "password": DEMO_PASSWORD})
    page = text(client.get("/account/password", headers=ENGLISH_BROWSER))
    assert '<html lang="es"' in page and ">Mi trabajo</a>" in page
    client.post("/logout")
    client.post("/login", data={"email": SPANISH_MEMBER[1], "password": DEMO_PASSWORD})
    page = text(client.get("/my-fight", headers=ENGLISH_BROWSER))
    assert "<h1>Mi lucha</h1>" in page and "Contra Sunrise Cleaning Co." in page
