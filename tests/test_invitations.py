"""Invitations: a coordinator never learns whether an email has an account in another network."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import Invitation, Role, User
from tests.conftest import PASSWORD, login

FIRST_PASSWORD = "lantern-otter-granite"
ELSEWHERE = "elsewhere@example.org"
BRAND_NEW = "brand-new@example.org"


def invite(client: FlaskClient, page: str, email: str, case_id: int) -> Any:
    """Record an invitation on the users page or a case's member-login page."""
    if page == "users":
        return client.post("/users/", data={"name": "Sam Rivera", "email": email,
                                            "role": "organizer", "password": FIRST_PASSWORD})
    return client.post(f"/cases/{case_id}/member-login",
                       data={"email": email, "password": FIRST_PASSWORD})


def masked(html: str, email: str) -> str:
    """The page with the email invited and anything made fresh per request or row blanked."""
    html = html.replace(email, "EMAIL")
    html = re.sub(r"/users/invitations/\d+/", "/users/invitations/ID/", html)
    return re.sub(r'(<input[^>]*name="csrf_token"[^>]*value=")[^"]*"', r'\1CSRF"', html)


def flashes(html: str) -> list[str]:
    return re.findall(r'<p class="flash [^"]*"[^>]*>(.*?)</p>', html)


def invitation_id(app: Flask, email: str) -> int:
    with app.app_context():
        return db.session.scalars(select(Invitation.id).where(Invitation.email == email)).one()


def user_count(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(User)) or 0


@pytest.mark.parametrize("page", ["users", "member-login"])
def test_an_email_with_an_account_in_another_network_gets_the_answer_a_new_one_gets(
    app: Flask, make_user: Callable[..., int], make_network: Callable[..., int],
    make_case: Callable[..., int], login_as: Callable[[int], FlaskClient], page: str,
) -> None:
    elsewhere_id = make_user(Role.COORDINATOR, network=make_network("FAR"), email=ELSEWHERE)
    case_id = make_case(person_name="Sam Rivera")
    client = login_as(make_user(Role.COORDINATOR))
    client.get("/users/")  # shows (and so drops) the welcome message
    users_before = user_count(app)
    seen = {}
    for email in (ELSEWHERE, BRAND_NEW):
        response = invite(client, page, email, case_id)
        landing = client.get(response.location).get_data(as_text=True)
        waiting = [masked(client.get(url).get_data(as_text=True), email)
                   for url in ("/users/", f"/cases/{case_id}/member-login")]
        seen[email] = (response.status_code, response.location,
                       masked(response.get_data(as_text=True), email),
                       [masked(message, email) for message in flashes(landing)], waiting)
        assert f"An invitation was recorded for {email}." in landing
        client.post(f"/users/invitations/{invitation_id(app, email)}/withdraw")
        client.get("/users/")  # shows the "withdrawn" message before the next round
    assert seen[ELSEWHERE] == seen[BRAND_NEW]
    assert user_count(app) == users_before  # no account made, none changed
    with app.app_context():
        elsewhere = db.session.get_one(User, elsewhere_id)
        assert elsewhere.network.code == "FAR" and elsewhere.check_password(PASSWORD)


def test_the_first_password_for_an_email_with_an_account_elsewhere_opens_nothing(
    app: Flask, make_user: Callable[..., int], make_network: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    """The account holder logs in to their own network as before; the invitation waits."""
    elsewhere_id = make_user(Role.ORGANIZER, network=make_network("FAR"), email=ELSEWHERE)
    coordinator = login_as(make_user(Role.COORDINATOR))
    invite(coordinator, "users", ELSEWHERE, 0)
    person = app.test_client()
    response = person.post("/login", data={"email": ELSEWHERE, "password": FIRST_PASSWORD})
    assert "do not match an active account" in response.get_data(as_text=True)
    login(person, app, elsewhere_id)
    assert person.get("/cases/").status_code == 200
    with app.app_context():
        assert [user.network.code for user in db.session.scalars(
            select(User).where(User.email == ELSEWHERE))] == ["FAR"]
    assert "Sam Rivera" in coordinator.get("/users/").get_data(as_text=True)  # still waiting


@pytest.mark.parametrize("ended_by", ["withdrawn", "expired", "inviter disabled"])
def test_an_invitation_that_ended_makes_no_account(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient],
    ended_by: str,
) -> None:
    inviter_id = make_user(Role.COORDINATOR)
    inviter = login_as(inviter_id)
    invite(inviter, "users", BRAND_NEW, 0)
    if ended_by == "withdrawn":
        inviter.post(f"/users/invitations/{invitation_id(app, BRAND_NEW)}/withdraw")
    elif ended_by == "expired":
        with app.app_context():
            db.session.get_one(Invitation, invitation_id(app, BRAND_NEW)).created_at -= \
                timedelta(days=14, seconds=1)
            db.session.commit()
    else:
        other = app.test_client()
        login(other, app, make_user(Role.COORDINATOR))
        page = other.post(f"/users/{inviter_id}/disable", follow_redirects=True)
        assert "The invitation they recorded is withdrawn" in page.get_data(as_text=True)
    response = app.test_client().post("/login", data={"email": BRAND_NEW,
                                                      "password": FIRST_PASSWORD})
    assert "do not match an active account" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(User).where(User.email == BRAND_NEW)).first() is None
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


def test_inside_their_own_network_a_coordinator_is_told_an_email_is_in_use(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    invite(client, "users", BRAND_NEW, 0)
    again = invite(client, "users", BRAND_NEW.upper(), 0)
    assert again.status_code == 400
    assert "An invitation for this email is already waiting in your network." in \
        again.get_data(as_text=True)


def test_a_coordinator_withdraws_only_their_own_networks_invitations(
    app: Flask, make_user: Callable[..., int], make_network: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    far = app.test_client()
    login(far, app, make_user(Role.COORDINATOR, network=make_network("FAR")))
    invite(far, "users", BRAND_NEW, 0)
    client = login_as(make_user(Role.COORDINATOR))
    invitation = invitation_id(app, BRAND_NEW)
    assert client.post(f"/users/invitations/{invitation}/withdraw").status_code == 404
    assert BRAND_NEW not in client.get("/users/").get_data(as_text=True)
    assert invitation_id(app, BRAND_NEW) == invitation
