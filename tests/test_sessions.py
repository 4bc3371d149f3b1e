"""Login sessions: a new session at login, idle and absolute timeouts, revoking, cookies, 2FA."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login import login_user

from casework.extensions import db
from casework.models import Role, User
from casework.permissions import roles_required
from casework.security.mfa import require_second_factor
from tests.conftest import PASSWORD, login

WRONG_CODE = "That code is not right, or was used already."


def email_of(app: Flask, user_id: int) -> str:
    with app.app_context():
        return db.session.get_one(User, user_id).email


def move_back(client: FlaskClient, key: str, by: timedelta) -> None:
    """Pretend a moment stored in the session happened ``by`` earlier."""
    with client.session_transaction() as session:
        session[key] = (datetime.fromisoformat(session[key]) - by).isoformat()


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and response.location.startswith("/login")


def flashed(client: FlaskClient) -> str:
    return client.get("/login").get_data(as_text=True)


def test_logging_in_starts_a_new_session_so_a_planted_one_is_not_kept(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    user_id = make_user(Role.INTAKE)
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by someone who set this browser's cookie"
        session["csrf_token"] = "known-to-an-attacker"
    login(client, app, user_id)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != "known-to-an-attacker"
        assert session["_user_id"] == str(user_id)


@pytest.mark.parametrize(("app_config", "minutes"), [({}, 30), ({"CASEWORK_IDLE_MINUTES": 5}, 5)])
def test_an_idle_session_ends_with_a_message(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], minutes: int
) -> None:
    login(client, app, make_user(Role.ORGANIZER))
    move_back(client, "seen_at", timedelta(minutes=minutes - 1))
    assert client.get("/cases/").status_code == 200  # activity starts the idle clock again
    move_back(client, "seen_at", timedelta(minutes=minutes + 1))
    assert is_login_redirect(client.get("/cases/"))
    assert f"You were logged out after {minutes} minutes without activity." in flashed(client)
    assert is_login_redirect(client.get("/cases/"))


@pytest.mark.parametrize(("app_config", "hours"), [({}, 12), ({"CASEWORK_SESSION_HOURS": 2}, 2)])
def test_a_session_ends_some_hours_after_login_however_active(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], hours: int
) -> None:
    login(client, app, make_user(Role.ORGANIZER))
    move_back(client, "login_at", timedelta(hours=hours, minutes=-1))
    assert client.get("/cases/").status_code == 200
    move_back(client, "login_at", timedelta(minutes=2))
    assert is_login_redirect(client.get("/cases/"))
    assert f"You were logged out {hours} hours after logging in." in flashed(client)


def test_logging_out_revokes_the_session_even_where_its_cookie_was_copied(
    app: Flask, make_user: Callable[..., int]
) -> None:
    user_id = make_user(Role.COORDINATOR)
    browser, other_device = app.test_client(), app.test_client()
    login(browser, app, user_id)
    login(other_device, app, user_id)
    cookie = browser.get_cookie("session")
    assert cookie is not None
    copied = app.test_client()
    copied.set_cookie("session", cookie.value)
    assert copied.get("/cases/").status_code == 200
    assert browser.post("/logout").location == "/login"
    assert is_login_redirect(copied.get("/cases/"))
    assert is_login_redirect(other_device.get("/cases/"))  # logout ends every device's session
    assert "you logged out elsewhere" in flashed(other_device)
    login(other_device, app, user_id)
    assert other_device.get("/cases/").status_code == 200


def test_disabling_a_user_ends_their_sessions_for_good(
    app: Flask, make_user: Callable[..., int]
) -> None:
    organizer_id = make_user(Role.ORGANIZER)
    organizer, coordinator = app.test_client(), app.test_client()
    login(organizer, app, organizer_id)
    login(coordinator, app, make_user(Role.COORDINATOR))
    coordinator.post(f"/users/{organizer_id}/disable")
    assert is_login_redirect(organizer.get("/cases/"))
    coordinator.post(f"/users/{organizer_id}/enable")
    assert is_login_redirect(organizer.get("/cases/"))  # the old session stays dead
    login(organizer, app, organizer_id)
    assert organizer.get("/cases/").status_code == 200


def test_a_session_not_started_by_the_login_form_is_refused(
    app: Flask, make_user: Callable[..., int]
) -> None:
    """A remember-me cookie (say, from before remember-me was removed) bypasses no timeout."""
    user_id = make_user(Role.ORGANIZER)
    with app.test_request_context():
        login_user(db.session.get_one(User, user_id), remember=True)
        response = app.process_response(app.make_response("x"))
    remember = next(c for c in response.headers.getlist("Set-Cookie")
                    if c.startswith("remember_token="))
    client = app.test_client()
    client.set_cookie("remember_token", remember.split("=", 1)[1].split(";")[0])
    assert is_login_redirect(client.get("/cases/"))


def test_the_login_form_offers_no_remember_me(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    user_id = make_user(Role.INTAKE)
    assert 'name="remember"' not in client.get("/login").get_data(as_text=True)
    response = client.post("/login", data={"email": email_of(app, user_id), "password": PASSWORD,
                                           "remember": "y"})
    assert response.status_code == 302
    assert not any(c.startswith("remember_token=") for c in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize(("app_config", "base_url", "name", "secure"), [
    ({}, "http://localhost", "session", False),
    ({"SESSION_COOKIE_SECURE": True}, "https://localhost", "__Host-session", True),
])
def test_the_session_cookie_is_httponly_samesite_and_secure_over_https(
    app: Flask, make_user: Callable[..., int], base_url: str, name: str, secure: bool
) -> None:
    user_id = make_user(Role.INTAKE)
    response = app.test_client().post("/login", base_url=base_url, data={
        "email": email_of(app, user_id), "password": PASSWORD})
    assert response.status_code == 302
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith(name + "="))
    attributes = {part.strip().split("=")[0] for part in cookie.split(";")[1:]}
    assert {"HttpOnly", "SameSite", "Path"} <= attributes and "Domain" not in attributes
    assert "SameSite=Lax" in cookie
    assert ("Secure" in attributes) is secure


# --- Two-factor authentication -------------------------------------------------------------


def turn_on_totp(app: Flask, user_id: int) -> pyotp.TOTP:
    secret = pyotp.random_base32()
    with app.app_context():
        db.session.get_one(User, user_id).totp_secret = secret
        db.session.commit()
    return pyotp.TOTP(secret)


def next_code(totp: pyotp.TOTP) -> str:
    """The code of the next 30-second step: accepted (clock drift) and not used yet."""
    return totp.at(int(time.time()) + 30)


def wrong_code(totp: pyotp.TOTP) -> str:
    valid = {totp.at(int(time.time()) + offset) for offset in (-30, 0, 30, 60)}
    return next(c for c in ("000000", "111111", "222222", "333333", "444444") if c not in valid)


def test_setting_up_two_factor_shows_the_key_and_needs_a_code_and_the_password(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]
) -> None:
    user_id = make_user(Role.COORDINATOR)
    client = login_as(user_id)
    page = client.get("/account/two-factor").get_data(as_text=True)
    match = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    assert match and token
    totp = pyotp.TOTP(match.group(1).replace(" ", ""))
    assert "otpauth://totp/Casework:" in page and 'src="data:image/svg+xml' in page
    form = {"token": token.group(1), "code": wrong_code(totp), "password": PASSWORD}
    response = client.post("/account/two-factor", data=form)
    assert response.status_code == 200 and WRONG_CODE in response.get_data(as_text=True)
    assert match.group(1) in response.get_data(as_text=True)  # the same key, still valid
    response = client.post("/account/two-factor", data={**form, "code": totp.now(),
                                                          "password": "not-my-password"})
    assert "That is not your current password." in response.get_data(as_text=True)
    response = client.post("/account/two-factor", data={**form, "code": totp.now()})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get_one(User, user_id).totp_secret == totp.secret
    assert "Two-factor authentication is on" in client.get("/account/two-factor").get_data(
        as_text=True)


def test_a_forged_or_foreign_setup_key_is_refused(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]
) -> None:
    other = app.test_client()
    login(other, app, make_user(Role.COORDINATOR))
    page = other.get("/account/two-factor").get_data(as_text=True)
    foreign = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    secret = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page)
    assert foreign and secret
    user_id = make_user(Role.COORDINATOR)
    client = login_as(user_id)
    for token, totp in [("A" * 32, pyotp.TOTP("A" * 32)),
                        (foreign.group(1), pyotp.TOTP(secret.group(1).replace(" ", "")))]:
        response = client.post("/account/two-factor", data={
            "token": token, "code": totp.now(), "password": PASSWORD})
        assert "This setup expired" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(User, user_id).totp_secret is None


def test_logging_in_with_two_factor_needs_a_code_used_only_once(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    user_id = make_user(Role.COORDINATOR)
    totp = turn_on_totp(app, user_id)
    credentials = {"email": email_of(app, user_id), "password": PASSWORD}
    assert client.post("/login?next=/cases/", data=credentials).location == "/login/code"
    assert is_login_redirect(client.get("/cases/"))  # the password alone logs no one in
    response = client.post("/login/code", data={"code": wrong_code(totp)})
    assert response.status_code == 200 and WRONG_CODE in response.get_data(as_text=True)
    code = totp.now()
    assert client.post("/login/code", data={"code": code}).location == "/cases/"
    assert client.get("/cases/").status_code == 200
    with client.session_transaction() as session:
        assert datetime.fromisoformat(session["mfa_verified_at"]).tzinfo is not None
    client.post("/logout")
    client.post("/login", data=credentials)
    response = client.post("/login/code", data={"code": code})  # replayed
    assert WRONG_CODE in response.get_data(as_text=True)
    assert is_login_redirect(client.get("/cases/"))


def test_the_second_step_expires_and_cannot_be_reached_without_the_password(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    user_id = make_user(Role.COORDINATOR)
    totp = turn_on_totp(app, user_id)
    assert is_login_redirect(client.post("/login/code", data={"code": totp.now()}))
    credentials = {"email": email_of(app, user_id), "password": PASSWORD}
    client.post("/login", data=credentials)
    move_back(client, "pending_at", timedelta(minutes=6))
    assert is_login_redirect(client.post("/login/code", data={"code": totp.now()}))
    assert is_login_redirect(client.get("/cases/"))
    client.post("/login", data=credentials)
    with app.app_context():
        db.session.get_one(User, user_id).is_disabled = True  # disabled between the two steps
        db.session.commit()
    assert is_login_redirect(client.post("/login/code", data={"code": totp.now()}))
    assert is_login_redirect(client.get("/cases/"))


def disable_and_enable(app: Flask, coordinator: FlaskClient, user_id: int) -> None:
    """A coordinator disables the account, then enables it again, on the users page."""
    for change in ("disable", "enable"):
        assert coordinator.post(f"/users/{user_id}/{change}").status_code == 302


def test_a_second_step_begun_before_the_account_was_disabled_cannot_be_finished(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    user_id = make_user(Role.ORGANIZER)
    totp = turn_on_totp(app, user_id)
    coordinator = app.test_client()
    login(coordinator, app, make_user(Role.COORDINATOR))
    client.post("/login", data={"email": email_of(app, user_id), "password": PASSWORD})
    disable_and_enable(app, coordinator, user_id)
    assert is_login_redirect(client.post("/login/code", data={"code": totp.now()}))
    assert is_login_redirect(client.get("/cases/"))


def test_a_two_factor_setup_begun_before_the_account_was_disabled_cannot_be_finished(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]
) -> None:
    """Someone who opened the setup page (and kept its key) while the account was theirs
    cannot finish it once the account was disabled, even after it is enabled again."""
    user_id = make_user(Role.ORGANIZER)
    client = login_as(user_id)
    page = client.get("/account/two-factor").get_data(as_text=True)
    key = re.search(r'id="totp-key">([A-Z2-7 ]+)<', page)
    token = re.search(r'name="token" type="hidden" value="([^"]+)"', page)
    assert key and token
    coordinator = app.test_client()
    login(coordinator, app, make_user(Role.COORDINATOR))
    disable_and_enable(app, coordinator, user_id)
    login(client, app, user_id)
    response = client.post("/account/two-factor", data={
        "token": token.group(1), "code": pyotp.TOTP(key.group(1).replace(" ", "")).now(),
        "password": PASSWORD})
    assert "This setup expired" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(User, user_id).totp_secret is None


def test_wrong_codes_count_towards_the_login_limit(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    user_id = make_user(Role.COORDINATOR)
    totp = turn_on_totp(app, user_id)
    client.post("/login", data={"email": email_of(app, user_id), "password": PASSWORD})
    for _ in range(5):
        client.post("/login/code", data={"code": wrong_code(totp)})
    response = client.post("/login/code", data={"code": totp.now()})
    assert response.status_code == 429
    assert "Too many failed attempts." in response.get_data(as_text=True)


def test_turning_two_factor_off_needs_a_current_code(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    user_id = make_user(Role.ORGANIZER)
    totp = turn_on_totp(app, user_id)
    client.post("/login", data={"email": email_of(app, user_id), "password": PASSWORD})
    client.post("/login/code", data={"code": totp.now()})
    response = client.post("/account/two-factor/disable", data={"code": wrong_code(totp)})
    assert response.status_code == 200 and WRONG_CODE in response.get_data(as_text=True)
    response = client.post("/account/two-factor/disable", data={"code": next_code(totp)})
    assert response.location == "/account/two-factor"
    with app.app_context():
        assert db.session.get_one(User, user_id).totp_secret is None


def test_pages_that_need_a_fresh_second_factor_ask_for_a_code(
    app: Flask, make_user: Callable[..., int]
) -> None:
    @roles_required(Role.COORDINATOR)
    @require_second_factor
    def export() -> str:
        return "all the personal data"

    app.add_url_rule("/test-export", "test_export", export)
    with_totp, without = make_user(Role.COORDINATOR), make_user(Role.COORDINATOR)
    totp = turn_on_totp(app, with_totp)

    client = app.test_client()
    login(client, app, without)
    response = client.get("/test-export")
    assert response.location == "/account/two-factor/verify?next=/test-export"
    assert client.get(response.location).location == "/account/two-factor?next=/test-export"

    client = app.test_client()
    client.post("/login", data={"email": email_of(app, with_totp), "password": PASSWORD})
    client.post("/login/code", data={"code": totp.now()})
    assert client.get("/test-export").get_data(as_text=True) == "all the personal data"
    move_back(client, "mfa_verified_at", timedelta(hours=12, minutes=1))
    response = client.get("/test-export")
    assert response.location == "/account/two-factor/verify?next=/test-export"
    page = client.get(response.location).get_data(as_text=True)
    assert "This page needs a code from your authenticator app" in page
    response = client.post(response.location, data={"code": next_code(totp)})
    assert response.location == "/test-export"
    assert client.get("/test-export").status_code == 200


@pytest.mark.parametrize(("language", "heading", "wrong"), [
    ("en", "Code from your app", WRONG_CODE),
    ("es", "Código de tu aplicación", "Ese código no es correcto, o ya se usó."),
])
def test_the_code_step_of_a_login_speaks_the_users_language(
    app: Flask, client: FlaskClient, make_user: Callable[..., int], language: str,
    heading: str, wrong: str,
) -> None:
    user_id = make_user(Role.COORDINATOR)
    totp = turn_on_totp(app, user_id)
    with app.app_context():
        db.session.get_one(User, user_id).ui_language = language
        db.session.commit()
    other = {"Accept-Language": "es-MX,es" if language == "en" else "en-US,en"}
    client.post("/login", data={"email": email_of(app, user_id), "password": PASSWORD},
                headers=other)
    page = client.get("/login/code", headers=other).get_data(as_text=True)
    assert f'<html lang="{language}"' in page and f"<h1>{heading}</h1>" in page
    refused = client.post("/login/code", data={"code": wrong_code(totp)}, headers=other)
    assert wrong in refused.get_data(as_text=True)
