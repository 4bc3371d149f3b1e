"""Coordinators change roles (after a page saying what changes) and reset passwords (a
temporary password shown once); both are audited and end the user's sessions."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.extensions import db
from casework.models import AuditEntry, Role, User
from tests.conftest import PASSWORD, login


def user_of(app: Flask, user_id: int) -> tuple[Role, str]:
    with app.app_context():
        user = db.session.get_one(User, user_id)
        return user.role, user.password_hash


@pytest.mark.parametrize(("old", "new", "words"), [
    (Role.INTAKE, Role.ORGANIZER, "from intake volunteer to organizer"),
    (Role.COORDINATOR, Role.INTAKE, "from coordinator to intake volunteer"),
], ids=str)
def test_a_coordinator_changes_a_role_after_reading_what_changes(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient],
    old: Role, new: Role, words: str,
) -> None:
    lena = make_user(old, name="Lena Park")
    sam = make_user(Role.COORDINATOR, name="Sam Okafor")
    lena_client = app.test_client()
    login(lena_client, app, lena)
    assert lena_client.get("/").status_code == 200
    client = login_as(sam)
    assert f'href="/users/{lena}/role"' in client.get("/users/").get_data(as_text=True)
    first = client.get(f"/users/{lena}/role").get_data(as_text=True)
    assert "Next: what changes" in first
    confirm = client.post(f"/users/{lena}/role", data={"role": new.value})
    page = confirm.get_data(as_text=True)
    assert confirm.status_code == 200 and "logged out at once on every device" in page
    assert f"Confirm: make Lena Park {new.label.lower()}" in page
    assert user_of(app, lena)[0] == old  # nothing changed yet
    done = client.post(f"/users/{lena}/role", data={"role": new.value, "confirmed": new.value})
    assert done.status_code == 302
    assert user_of(app, lena)[0] == new
    assert "/login" in lena_client.get("/").location  # logged out
    log = client.get("/audit/").get_data(as_text=True)
    assert f"Sam Okafor changed Lena Park's role {words}" in log


def test_no_one_changes_their_own_role_or_the_only_coordinators(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient],
) -> None:
    from casework.errors import PermissionDenied
    from casework.users.services import change_role

    sam = make_user(Role.COORDINATOR, name="Sam Okafor")
    client = login_as(sam)
    assert "cannot change your own role" in client.get(f"/users/{sam}/role").get_data(True)
    refused = client.post(f"/users/{sam}/role", data={"role": "intake", "confirmed": "intake"})
    assert refused.status_code == 403 and user_of(app, sam)[0] == Role.COORDINATOR
    with app.app_context():  # the check holds without the web page too (as from the CLI)
        only = db.session.get_one(User, sam)
        other = User(network_id=only.network_id, role=Role.COORDINATOR, name="Disabled Dee",
                     email="dee@example.org", password_hash="-", is_disabled=True)
        db.session.add(other)
        db.session.flush()
        with pytest.raises(PermissionDenied, match="only coordinator"):
            change_role(only, other, Role.ORGANIZER)
        db.session.rollback()


def test_a_coordinator_resets_a_password_shown_once(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient],
) -> None:
    lena = make_user(Role.ORGANIZER, name="Lena Park")
    lena_client = app.test_client()
    login(lena_client, app, lena)
    assert lena_client.get("/").status_code == 200
    client = login_as(make_user(Role.COORDINATOR, name="Sam Okafor"))
    assert "Confirm: reset Lena Park" in client.get(f"/users/{lena}/password").get_data(True)
    old_hash = user_of(app, lena)[1]
    shown = client.post(f"/users/{lena}/password")
    assert shown.status_code == 200 and shown.headers["Cache-Control"] == "no-store"
    found = re.search(r"<code>([a-z0-9-]{19})</code>", shown.get_data(as_text=True))
    assert found is not None
    temporary = found.group(1)
    assert user_of(app, lena)[1] != old_hash
    assert "/login" in lena_client.get("/").location  # logged out everywhere
    with app.app_context():
        email = db.session.get_one(User, lena).email
        assert "Sam Okafor reset Lena Park's password" in client.get("/audit/").get_data(True)
        assert db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "user.reset_password")).one().detail.find(temporary) == -1
    fresh = app.test_client()
    assert fresh.post("/login", data={"email": email, "password": PASSWORD}).status_code != 302
    assert fresh.post("/login", data={"email": email, "password": temporary}).status_code == 302
    assert temporary not in client.get("/users/").get_data(as_text=True)


def test_an_intake_volunteer_or_organizer_may_not_change_roles(
    make_user: Callable[..., int], login_as: Callable[[int], FlaskClient],
) -> None:
    target = make_user(Role.INTAKE)
    client = login_as(make_user(Role.ORGANIZER))
    promote = {"role": "coordinator", "confirmed": "coordinator"}
    assert client.post(f"/users/{target}/role", data=promote).status_code == 403
    assert client.post(f"/users/{target}/password").status_code == 403
