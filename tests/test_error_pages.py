"""Every error is a page of the app: its layout, a plain message, a way back, the right status
and headers, and nothing from the request's query string."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask, abort
from flask.testing import FlaskClient
from flask_babel import gettext
from werkzeug.test import TestResponse

from casework.error_pages import ERROR_TEXTS
from casework.models import Role
from tests.test_headers import EVERY_RESPONSE

SECRET = "Maria-Lopez-206-555-0101"  # what a query string might carry; never shown back
# Statuses no page reaches on demand here (a lost race, a purge, a lockout, maintenance, a
# crash): a route made for the test aborts or fails the way a real one would.
ABORTING = (400, 409, 410, 429, 503)


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"MAX_CONTENT_LENGTH": 1024}


@pytest.fixture
def client_as(app: Flask, login_as: Callable[[int], FlaskClient],
              make_user: Callable[..., int]) -> Callable[[Role], FlaskClient]:
    @app.route("/test-only/abort/<int:code>")
    def aborting(code: int) -> str:
        abort(code)

    @app.route("/test-only/crash")
    def crashing() -> str:
        raise RuntimeError("a bug")

    app.config["PROPAGATE_EXCEPTIONS"] = False  # answer a crash as production does
    return lambda role: login_as(make_user(role))


def provoke(code: int, client_as: Callable[[Role], FlaskClient]) -> TestResponse:
    """Cause ``code`` the way a user would where one can."""
    query = f"?name={SECRET}"
    if code == 403:
        return client_as(Role.INTAKE).get(f"/users/{query}")
    coordinator = client_as(Role.COORDINATOR)
    if code == 404:
        return coordinator.get(f"/no-such-page{query}")
    if code == 405:  # going back to a POST-only address
        return coordinator.get(f"/cases/search{query}")
    if code == 413:
        return coordinator.post(f"/people/new{query}", data={"notes": "x" * 4096})
    if code == 500:
        return coordinator.get(f"/test-only/crash{query}")
    return coordinator.get(f"/test-only/abort/{code}{query}")


@pytest.mark.parametrize("code", sorted(ERROR_TEXTS))
def test_every_error_is_a_styled_page_with_a_way_back(
        code: int, client_as: Callable[[Role], FlaskClient]) -> None:
    response = provoke(code, client_as)
    page = response.get_data(as_text=True)

    assert response.status_code == code
    assert response.mimetype == "text/html"
    assert '<nav aria-label="Main">' in page
    assert '<main id="main"' in page
    assert f"<h1>{ERROR_TEXTS[code].title}</h1>" in page
    assert str(ERROR_TEXTS[code].message) in page
    assert ">Back to the start</a>" in page
    assert "Log out" in page  # still the signed-in layout, not a bare server page
    assert SECRET not in page
    for header, value in EVERY_RESPONSE.items():
        assert response.headers[header] == value, header
    assert response.headers["Cache-Control"] == "no-store"


def test_a_post_only_address_says_to_press_its_button_and_keeps_allow(
        client_as: Callable[[Role], FlaskClient]) -> None:
    response = client_as(Role.ORGANIZER).get("/cases/search")

    assert response.status_code == 405
    assert "only works from its button" in response.get_data(as_text=True)
    assert "POST" in response.headers["Allow"]


def test_a_visitor_gets_the_page_too_with_a_way_to_log_in(app: Flask) -> None:
    response = app.test_client().get(f"/no-such-page?email={SECRET}")
    page = response.get_data(as_text=True)

    assert response.status_code == 404
    assert '<nav aria-label="Main">' in page
    assert 'href="/login">Back to the start</a>' in page
    assert SECRET not in page




@pytest.mark.parametrize("code", sorted(ERROR_TEXTS))
def test_every_error_page_speaks_spanish_to_a_spanish_reader(
        app: Flask, code: int, client_as: Callable[[Role], FlaskClient]) -> None:
    def spanish(role: Role) -> FlaskClient:
        client = client_as(role)
        client.set_cookie("lang", "es")  # the switch's choice: no language on the account
        return client

    page = provoke(code, spanish).get_data(as_text=True)
    with app.test_request_context(headers={"Accept-Language": "es"}):
        title, message = (str(text) for text in ERROR_TEXTS[code])
        back = gettext("Back to the start")
    assert '<html lang="es"' in page and f"<h1>{title}</h1>" in page and message in page
    assert f">{back}</a>" in page
    assert str(ERROR_TEXTS[code].title) not in page  # the English, outside any request
