"""Accounts: login, roles, the coordinator's user page, the create-user command, config."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.config import ConfigError, load_config
from casework.extensions import db
from casework.models import Case, Network, Role, User
from casework.workflow.states import CaseState
from tests.conftest import PASSWORD


def test_login_logout_and_next_only_to_this_site(
    client: FlaskClient, make_user: Callable[..., int]
) -> None:
    make_user(Role.INTAKE, email="ivan@example.org")
    assert client.get("/cases/").location.startswith("/login?next=")
    form = {"email": "IVAN@example.org", "password": PASSWORD}
    response = client.post("/login?next=//evil.example/", data=form)
    assert response.location == "/"
    client.post("/logout")
    response = client.post("/login?next=/cases/%3Fq%3Dx", data=form)
    assert response.location == "/cases/?q=x"
    assert client.post("/logout").location == "/login"
    assert client.get("/cases/").status_code == 302


def test_passwords_are_stored_with_a_modern_kdf(app: Flask) -> None:
    with app.app_context():
        user = User(password_hash="")
        user.set_password("a long enough password")
        assert user.password_hash.startswith(("scrypt:", "pbkdf2:sha256:"))
        assert "a long enough password" not in user.password_hash
        assert user.check_password("a long enough password")
        assert not user.check_password("a long enough passwor")


def test_coordinator_invites_a_user_who_can_then_log_in_and_disables_them(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    response = client.post("/users/", follow_redirects=True, data={
        "name": "New Organizer", "email": "New@Example.org", "role": "organizer",
        "password": "a-good-long-password"})
    page = response.get_data(as_text=True)
    assert "An invitation was recorded for new@example.org." in page
    assert "Invitations waiting for a first login" in page and "New Organizer" in page
    fresh = app.test_client()
    response = fresh.post("/login", data={"email": "new@example.org",
                                          "password": "a-good-long-password"})
    assert response.status_code == 302  # the first login makes the account
    assert "No invitation is waiting." in client.get("/users/").get_data(as_text=True)
    with app.app_context():
        new = db.session.scalars(select(User).where(User.email == "new@example.org")).one()
        assert (new.name, new.role) == ("New Organizer", Role.ORGANIZER)
        new_id = new.id
    client.post(f"/users/{new_id}/disable")
    fresh = app.test_client()
    response = fresh.post("/login", data={"email": "new@example.org",
                                          "password": "a-good-long-password"})
    assert "do not match an active account" in response.get_data(as_text=True)
    client.post(f"/users/{new_id}/enable")
    assert fresh.post("/login", data={"email": "new@example.org",
                                      "password": "a-good-long-password"}).status_code == 302


def test_create_user_command(app: Flask, runner: object) -> None:
    result = runner.invoke(args=[  # type: ignore[attr-defined]
        "casework", "create-user", "--network", "pdx", "--network-name", "Portland SolNet",
        "--name", "Ana", "--email", "ana@example.org", "--role", "coordinator",
        "--password", "a-good-long-password"])
    assert result.exit_code == 0, result.output
    assert "Created coordinator account ana@example.org in PDX." in result.output
    again = runner.invoke(args=[  # type: ignore[attr-defined]
        "casework", "create-user", "--network", "PDX", "--name", "Ana", "--email",
        "ana@example.org", "--password", "a-good-long-password"])
    assert again.exit_code != 0 and "already exists" in again.output
    with app.app_context():
        user = db.session.scalars(select(User)).one()
        assert (user.role, user.network.code) == (Role.COORDINATOR, "PDX")


def test_demo_command_loads_once(app: Flask, runner: object) -> None:
    first = runner.invoke(args=["casework", "demo", "--if-empty"])  # type: ignore[attr-defined]
    assert "coordinator@demo.casework.org" in first.output
    second = runner.invoke(args=["casework", "demo", "--if-empty"])  # type: ignore[attr-defined]
    assert "already has data" in second.output

    with app.app_context():
        cases = db.session.scalars(select(Case).join(Case.network).where(
            Network.code == "SEA")).all()
        assert len(cases) == 14
        assert len({c.state for c in cases}) == 12
        assert {u.role for u in db.session.scalars(select(User))} >= {
            Role.INTAKE, Role.ORGANIZER, Role.COORDINATOR}


@pytest.mark.sqlite_only
def test_the_demo_has_two_networks_fighting_together(app: Flask, runner: object) -> None:
    from casework.demo import DEMO_PASSWORD
    from casework.demo_solidarity import PORTLAND_COORDINATOR

    loaded = runner.invoke(args=["casework", "demo"])  # type: ignore[attr-defined]
    assert loaded.exit_code == 0 and PORTLAND_COORDINATOR[1] in loaded.output
    seattle = app.test_client()
    seattle.post("/login", data={"email": "coordinator@demo.casework.org",
                                 "password": DEMO_PASSWORD})
    page = seattle.get("/solidarity/").get_data(as_text=True)
    assert "Portland Tenants Union (demo) asks: One-off action" in page
    assert "Waiting for an answer" in page and 'name="appeal-' in page  # to answer
    assert "Joint fights in progress" in page and "led by your network" in page
    portland = app.test_client()
    portland.post("/login", data={"email": PORTLAND_COORDINATOR[1], "password": DEMO_PASSWORD})
    page = portland.get("/solidarity/").get_data(as_text=True)
    assert "led by Seattle Solidarity Network (demo)" in page
    with app.app_context():
        joined = db.session.scalars(select(Case).where(Case.joint_with != "")).one()
        assert joined.network.code == "PDX" and joined.state == CaseState.ESCALATING
        assert joined.person.stands_for_network


@pytest.mark.sqlite_only
def test_secret_key_is_required_outside_development(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CASEWORK_SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="CASEWORK_SECRET_KEY is not set"):
        load_config(str(tmp_path), environment="production")
    development = load_config(str(tmp_path), environment="development")
    assert development["SECRET_KEY"] == load_config(str(tmp_path), "development")["SECRET_KEY"]


@pytest.mark.sqlite_only
def test_database_url_from_the_environment(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEWORK_DATABASE_URL", "postgres://u@db.example/casework")
    monkeypatch.setenv("CASEWORK_SECRET_KEY", "k")
    config = load_config(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/casework"
    monkeypatch.delenv("CASEWORK_DATABASE_URL")
    assert load_config(str(tmp_path))["SQLALCHEMY_DATABASE_URI"].endswith("casework.sqlite3")


@pytest.mark.sqlite_only
@pytest.mark.parametrize("installed", [True, False])
def test_the_app_warns_at_start_when_fast_font_subsetting_is_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture,
    installed: bool,
) -> None:
    from casework import create_app
    from casework.letters import rendering

    monkeypatch.setattr(rendering, "harfbuzz_subset_available", lambda: installed)
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                "SECRET_KEY": "x"})
    assert ("libharfbuzz-subset0 is not installed" in caplog.text) is not installed


@pytest.mark.parametrize("next_url", [
    "/%0d%0aX:y", "/cases/%0aSet-Cookie:x=y", "/%09/evil.example", "/%5Cevil.example",
    "/\\evil.example", "https://evil.example/", "javascript:alert(1)", "%20/cases/",
    "/cases/%E2%80%A8", "/%00", "",
])
def test_a_bad_next_is_ignored_and_the_login_goes_to_the_home_page(
    client: FlaskClient, make_user: Callable[..., int], next_url: str
) -> None:
    make_user(Role.COORDINATOR, email="cora@example.org")
    response = client.post(f"/login?next={next_url}",
                           data={"email": "cora@example.org", "password": PASSWORD})
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/cases/").status_code == 200  # logged in
