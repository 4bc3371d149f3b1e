"""Disabling an account asks first: the Disable button opens a page saying what disabling
ends, and only that page's Confirm button disables (with a valid CSRF token)."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.extensions import db
from casework.models import Role, User
from tests.conftest import PASSWORD
from tests.test_invitations import FIRST_PASSWORD
from tests.test_passwords import csrf_token


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"WTF_CSRF_ENABLED": True}


@pytest.fixture
def organizer_id(make_user: Callable[..., int]) -> int:
    return make_user(Role.ORGANIZER, name="Omar Target")


@pytest.fixture
def coordinator(app: Flask, make_user: Callable[..., int]) -> FlaskClient:
    client = app.test_client()
    login(client, app, make_user(Role.COORDINATOR, name="Rosa Coordinator"))
    return client


def login(client: FlaskClient, app: Flask, user_id: int) -> None:
    """Log in through the login form, CSRF token and all."""
    with app.app_context():
        email = db.session.get_one(User, user_id).email
    response = client.post("/login", data={"email": email, "password": PASSWORD,
                                           "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 302, "login failed"


def is_disabled(app: Flask, user_id: int) -> bool:
    with app.app_context():
        return db.session.get_one(User, user_id).is_disabled


def logged_in_as(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    login(client, app, user_id)
    return client


def test_disable_on_the_users_page_opens_the_confirmation_and_changes_nothing(
        app: Flask, coordinator: FlaskClient, organizer_id: int) -> None:
    organizer = logged_in_as(app, organizer_id)
    users_page = coordinator.get("/users/").get_data(as_text=True)
    assert f'<a href="/users/{organizer_id}/disable"' in users_page  # a link, not a POST form
    assert f'action="/users/{organizer_id}/disable"' not in users_page

    response = coordinator.get(f"/users/{organizer_id}/disable")
    page = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "<h1>Disable Omar Target?</h1>" in page
    assert "logged out at once on every device" in page
    assert "Any calendar address they hold stops working" in page
    assert "Confirm: disable Omar Target" in page
    assert re.search(r'<a href="/users/"[^>]*>Cancel</a>', page)
    assert not is_disabled(app, organizer_id)
    assert organizer.get("/cases/").status_code == 200  # their session goes on


def test_the_confirmation_says_their_invitations_end(
        app: Flask, coordinator: FlaskClient, make_user: Callable[..., int]) -> None:
    inviter_id = make_user(Role.COORDINATOR, name="Ines Inviter")
    inviter = logged_in_as(app, inviter_id)
    inviter.post("/users/", data={"name": "Sam Rivera", "email": "sam@example.org",
                                  "role": "organizer", "password": FIRST_PASSWORD,
                                  "csrf_token": csrf_token(inviter, "/users/")})

    page = coordinator.get(f"/users/{inviter_id}/disable").get_data(as_text=True)

    assert "The invitation they recorded is withdrawn" in page
    assert "Sam Rivera" in coordinator.get("/users/").get_data(as_text=True)  # still waiting


def test_confirming_disables_and_ends_their_sessions(
        app: Flask, coordinator: FlaskClient, organizer_id: int) -> None:
    organizer = logged_in_as(app, organizer_id)
    token = csrf_token(coordinator, f"/users/{organizer_id}/disable")

    page = coordinator.post(f"/users/{organizer_id}/disable", data={"csrf_token": token},
                            follow_redirects=True).get_data(as_text=True)

    assert "Omar Target is disabled" in page
    assert is_disabled(app, organizer_id)
    assert organizer.get("/cases/").status_code == 302  # to the login page
    again = coordinator.post(f"/users/{organizer_id}/disable", data={"csrf_token": token})
    assert again.status_code == 302 and is_disabled(app, organizer_id)  # a second press: still


@pytest.mark.parametrize("token", ["", "forged"])
def test_confirming_needs_the_csrf_token(
        app: Flask, coordinator: FlaskClient, organizer_id: int, token: str) -> None:
    response = coordinator.post(f"/users/{organizer_id}/disable", data={"csrf_token": token})

    assert response.status_code == 400
    assert "Form expired" in response.get_data(as_text=True)
    assert not is_disabled(app, organizer_id)


def test_enable_brings_the_account_back_without_asking(
        app: Flask, coordinator: FlaskClient, organizer_id: int) -> None:
    coordinator.post(f"/users/{organizer_id}/disable",
                     data={"csrf_token": csrf_token(coordinator, "/users/")})
    users_page = coordinator.get("/users/").get_data(as_text=True)
    assert f'action="/users/{organizer_id}/enable"' in users_page

    coordinator.post(f"/users/{organizer_id}/enable",
                     data={"csrf_token": csrf_token(coordinator, "/users/")})

    assert not is_disabled(app, organizer_id)


def test_a_coordinator_is_not_offered_to_disable_themselves(
        app: Flask, coordinator: FlaskClient) -> None:
    with app.app_context():
        own_id = db.session.scalars(db.select(User.id).where(
            User.name == "Rosa Coordinator")).one()

    page = coordinator.get(f"/users/{own_id}/disable").get_data(as_text=True)

    assert "You cannot disable your own account" in page
    assert "Confirm: disable" not in page
