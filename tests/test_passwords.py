"""Passwords: the policy, changing one's own, and login throttling that holds across workers."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework import create_app
from casework.extensions import db
from casework.models import LoginAttempt, Network, Role, User
from casework.security.passwords import (
    COMMON_MESSAGE,
    LENGTH_MESSAGE,
    PERSONAL_MESSAGE,
    WeakPassword,
    common_passwords,
    password_problem,
)
from casework.security.ratelimit import record_login_attempt
from casework.users.services import create_user
from tests.conftest import PASSWORD, login

TOO_MANY = "Too many failed attempts. Try again in 15 minutes."


def email_of(app: Flask, user_id: int) -> str:
    with app.app_context():
        return db.session.get_one(User, user_id).email


def csrf_token(client: FlaskClient, url: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"',
                      client.get(url).get_data(as_text=True))
    assert match is not None
    return match.group(1)


def age_attempts(app: Flask, by: timedelta) -> None:
    """Pretend every stored login attempt happened ``by`` earlier."""
    with app.app_context():
        for attempt in db.session.scalars(select(LoginAttempt)):
            attempt.created_at -= by
        db.session.commit()


def attempts(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(LoginAttempt)) or 0


@pytest.mark.parametrize(("password", "problem"), [
    ("eleven-char", LENGTH_MESSAGE),
    ("x" * 201, LENGTH_MESSAGE),
    ("qwertyuiop123", COMMON_MESSAGE),
    ("Password2024!", COMMON_MESSAGE),
    ("1q2w3e4r5t6y", COMMON_MESSAGE),
    ("!!iloveyou!!", COMMON_MESSAGE),
    ("maria.lopez.rocks", PERSONAL_MESSAGE),
    ("organize-with-ROSA", PERSONAL_MESSAGE),
    ("my casework login", PERSONAL_MESSAGE),
    ("correct-horse-battery", None),
    ("façade piñata québec", None),
    ("x" * 12 + "z" * 188, None),
])
def test_the_password_policy(password: str, problem: str | None) -> None:
    assert password_problem(password, email="Maria.Lopez@example.org",
                            name="Rosa Coordinator") == problem


def test_the_bundled_list_of_common_passwords() -> None:
    common = common_passwords()
    assert len(common) > 10_000
    assert {"password", "iloveyou", "qwerty123456", "1q2w3e4r5t6y"} <= common
    assert all(entry == entry.lower() for entry in common)


def test_the_user_service_refuses_a_weak_password(app: Flask, network_id: int) -> None:
    with app.app_context():
        network = db.session.get_one(Network, network_id)
        with pytest.raises(WeakPassword, match="most common"):
            create_user(network, "Ana", "ana@example.org", Role.INTAKE, "password12345")
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_the_add_user_form_says_what_is_wrong_next_to_the_field(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    response = client.post("/users/", data={"name": "Dana Weeks", "email": "dana@example.org",
                                            "role": "intake", "password": "dana-weeks-2024"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f'<small id="password-error" class="field-error">{PERSONAL_MESSAGE}' in page
    assert 'value="Dana Weeks"' in page and 'value="dana@example.org"' in page
    response = client.post("/users/", data={"name": "Dana Weeks", "email": "dana@example.org",
                                            "role": "intake", "password": "Qwerty123456!"})
    assert "most common passwords" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1


def test_the_create_user_command_refuses_a_weak_password(app: Flask, runner: Any) -> None:
    result = runner.invoke(args=[
        "casework", "create-user", "--network", "pdx", "--network-name", "Portland SolNet",
        "--name", "Ana", "--email", "ana@example.org", "--password", "password12345"])
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_changing_the_password_logs_out_other_devices(
    app: Flask, make_user: Callable[..., int]
) -> None:
    user_id = make_user(Role.MEMBER)
    email = email_of(app, user_id)
    browser, other_device = app.test_client(), app.test_client()
    for client in (browser, other_device):
        client.post("/login", data={"email": email, "password": PASSWORD,
                                    "csrf_token": csrf_token(client, "/login")})
    form = {"current_password": PASSWORD, "new_password": "granite-otter-lantern",
            "confirm": "granite-otter-lantern",
            "csrf_token": csrf_token(browser, "/account/password")}
    for field, value, message in [
        ("current_password", "not-my-password", "That is not your current password."),
        ("new_password", "iloveyou2024", "most common passwords"),
        ("confirm", "granite-otter-lanterns", "The two new passwords differ."),
    ]:
        response = browser.post("/account/password", data={**form, field: value})
        assert response.status_code == 200 and message in response.get_data(as_text=True)
    assert browser.post("/account/password", data={**form, "csrf_token": ""}).status_code == 400
    response = browser.post("/account/password", data=form, follow_redirects=True)
    assert "Your password is changed." in response.get_data(as_text=True)
    assert browser.get("/account/password").status_code == 200  # this device stays logged in
    assert other_device.get("/account/password").status_code == 302
    with app.app_context():
        user = db.session.get_one(User, user_id)
        assert user.check_password("granite-otter-lantern") and not user.check_password(PASSWORD)


def post_login(client: FlaskClient, address: str, email: str, password: str) -> Any:
    return client.post("/login", environ_base={"REMOTE_ADDR": address},
                       data={"email": email, "password": password})


def record_failures(app: Flask, failures: list[tuple[str, str]]) -> None:
    """Store failed attempts (address, email) as the login page does, without paying for a
    password hash each: every hash costs a fraction of a second."""
    with app.test_request_context():
        for address, email in failures:
            record_login_attempt(email, succeeded=False, ip=address)
        db.session.commit()


def test_five_failures_from_one_address_refuse_it_even_the_right_password_for_a_while(
    app: Flask, client: FlaskClient, make_user: Callable[..., int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The per-account limit counts per client address: five wrong passwords for one account
    from one address refuse that address for that account until the window passes."""
    email = email_of(app, make_user(Role.COORDINATOR))
    for _ in range(5):
        assert client.post("/login", data={"email": email, "password": "wrong"}).status_code == 200
    with monkeypatch.context() as patched:
        def must_not_be_called(*_args: Any) -> bool:
            raise AssertionError("the password was checked while locked out")

        patched.setattr(User, "check_password", must_not_be_called)
        response = client.post("/login", data={"email": email.upper(), "password": PASSWORD})
    assert response.status_code == 429
    assert TOO_MANY in response.get_data(as_text=True)
    assert 14 * 60 < int(response.headers["Retry-After"]) <= 15 * 60
    age_attempts(app, timedelta(minutes=15, seconds=1))
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("attacker", ["203.0.113.7", "2001:db8:1:2::7"])
def test_someone_guessing_from_one_address_does_not_lock_the_owner_out(
    app: Flask, make_user: Callable[..., int], attacker: str
) -> None:
    email = email_of(app, make_user(Role.COORDINATOR))
    client = app.test_client()
    for _ in range(20):
        post_login(client, attacker, email, "a-wrong-guess")
    assert post_login(client, attacker, email, PASSWORD).status_code == 429
    assert post_login(client, "198.51.100.2", email, PASSWORD).status_code == 302


def test_an_ipv6_attacker_cannot_dodge_the_limit_by_changing_addresses_in_its_range(
    app: Flask, make_user: Callable[..., int]
) -> None:
    email = email_of(app, make_user(Role.ORGANIZER))
    client = app.test_client()
    for number in range(5):
        post_login(client, f"2001:db8:1:2::{number + 1:x}", email, "a-wrong-guess")
    assert post_login(client, "2001:db8:1:2:ffff::1", email, PASSWORD).status_code == 429
    assert post_login(client, "2001:db8:1:3::1", email, PASSWORD).status_code == 302


def test_twenty_failures_from_one_address_on_many_accounts_refuse_it_but_not_others(
    app: Flask, make_user: Callable[..., int]
) -> None:
    email = email_of(app, make_user(Role.ORGANIZER))
    attacker = "203.0.113.7"
    client = app.test_client()
    for number in range(20):  # four tries on each of five accounts: under the per-pair limit
        post_login(client, attacker, f"guess{number % 5}@example.org", "wrong")
    assert post_login(client, attacker, email, PASSWORD).status_code == 429
    assert post_login(client, "198.51.100.2", email, PASSWORD).status_code == 302


def test_fifty_failures_from_many_addresses_refuse_the_account_everywhere(
    app: Flask, make_user: Callable[..., int]
) -> None:
    email = email_of(app, make_user(Role.COORDINATOR))
    client = app.test_client()
    # Five guesses from each of ten addresses: nine recorded directly, the last through the page.
    record_failures(app, [(f"203.0.113.{number // 5 + 1}", email) for number in range(45)])
    for _ in range(5):
        assert post_login(client, "203.0.113.10", email, "a-wrong-guess").status_code == 200
    response = post_login(client, "198.51.100.2", email, PASSWORD)
    assert response.status_code == 429 and TOO_MANY in response.get_data(as_text=True)
    other_email = email_of(app, make_user(Role.ORGANIZER))
    assert post_login(client, "198.51.100.2", other_email, PASSWORD).status_code == 302
    age_attempts(app, timedelta(minutes=15, seconds=1))
    assert post_login(client, "198.51.100.2", email, PASSWORD).status_code == 302


@pytest.mark.parametrize(("limit", "failures"), [
    ("one account from one address", [("203.0.113.7", "target")] * 5),
    ("one address on many accounts", [("203.0.113.7", f"guess{n % 5}") for n in range(20)]),
    ("one account from many addresses", [(f"203.0.113.{n // 5 + 1}", "target")
                                         for n in range(50)]),
])
def test_the_limits_hold_across_worker_processes(
    app: Flask, make_user: Callable[..., int], limit: str, failures: list[tuple[str, str]]
) -> None:
    """Another app instance on the same database (another gunicorn worker) sees the failures
    of every limit."""
    email = email_of(app, make_user(Role.INTAKE))
    record_failures(app, [(address, email if who == "target" else f"{who}@example.org")
                          for address, who in failures])
    other_worker = create_app({key: app.config[key] for key in (
        "TESTING", "SECRET_KEY", "SQLALCHEMY_DATABASE_URI", "WTF_CSRF_ENABLED")})
    address = "203.0.113.7" if limit != "one account from many addresses" else "198.51.100.2"
    response = post_login(other_worker.test_client(), address, email, PASSWORD)
    assert response.status_code == 429, limit
    with other_worker.app_context():
        db.engine.dispose()


def test_a_success_forgets_earlier_failures(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    user_id = make_user(Role.INTAKE)
    email = email_of(app, user_id)
    for _ in range(4):
        client.post("/login", data={"email": email, "password": "wrong"})
    login(client, app, user_id)
    client.post("/logout")
    for _ in range(4):
        client.post("/login", data={"email": email, "password": "wrong"})
    assert client.post("/login", data={"email": email, "password": PASSWORD}).status_code == 302


def test_attempts_keep_no_email_or_address_and_old_ones_are_dropped(
    app: Flask, client: FlaskClient, make_user: Callable[..., int]
) -> None:
    email = email_of(app, make_user(Role.INTAKE))
    client.post("/login", data={"email": email, "password": "wrong"})
    age_attempts(app, timedelta(hours=1))
    client.post("/login", data={"email": email, "password": "wrong"})
    assert attempts(app) == 1
    with app.app_context():
        row = db.session.scalars(select(LoginAttempt)).one()
        stored = f"{row.email_hash} {row.ip_hash}"
    assert email not in stored and "127.0.0.1" not in stored
    assert re.fullmatch(r"[0-9a-f]{64} [0-9a-f]{64}", stored)


def test_wrong_current_passwords_count_towards_the_limit(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]
) -> None:
    client = login_as(make_user(Role.ORGANIZER))
    form = {"new_password": "granite-otter-lantern", "confirm": "granite-otter-lantern"}
    for _ in range(5):
        client.post("/account/password", data={**form, "current_password": "guess"})
    response = client.post("/account/password", data={**form, "current_password": PASSWORD})
    assert response.status_code == 429 and TOO_MANY in response.get_data(as_text=True)
