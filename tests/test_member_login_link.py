"""The member login is reachable from the case page, and members read member words."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.extensions import db
from casework.models import Case, Role, User
from casework.portal.services import invite_member
from casework.users.invitations import accept_invitation
from casework.workflow.states import CaseState
from tests.conftest import PASSWORD, login

STAFF_GUIDANCE = "write facts, not opinions"


@pytest.mark.parametrize(("role", "link", "words"), [
    (Role.COORDINATOR, True, "Member login: give Maria Example their own login"),
    (Role.ORGANIZER, False, "a coordinator can give Maria Example their own login"),
], ids=str)
def test_the_case_page_leads_the_team_to_the_member_login(
    make_fight: Callable[..., tuple[int, int]], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], role: Role, link: bool, words: str,
) -> None:
    user = make_user(role)
    case_id, _ = make_fight(CaseState.SCREENING, user if role == Role.ORGANIZER else None)
    page = login_as(user).get(f"/cases/{case_id}").get_data(as_text=True)
    assert words in page
    assert (f'href="/cases/{case_id}/member-login"' in page) is link


def test_members_see_no_staff_guidance_and_staff_still_do(
    app: Flask, make_fight: Callable[..., tuple[int, int]], make_user: Callable[..., int],
    client: FlaskClient,
) -> None:
    login_page = client.get("/login").get_data(as_text=True)
    assert STAFF_GUIDANCE not in login_page
    assert "the password they gave you" in login_page
    coordinator = make_user(Role.COORDINATOR)
    case_id, organizer = make_fight(CaseState.DRAFTING)
    with app.app_context():
        invite_member(db.session.get_one(Case, case_id), db.session.get_one(User, coordinator),
                      "maria@example.org", PASSWORD)
        member = accept_invitation("maria@example.org", PASSWORD)
        assert member is not None
        db.session.commit()
        member_id = member.id
    login(client, app, member_id)
    for url in ("/my-fight", "/account/password", f"/cases/{case_id}"):
        page = client.get(url).get_data(as_text=True)
        assert STAFF_GUIDANCE not in page, url
    client.post("/logout")
    login(client, app, organizer)
    assert STAFF_GUIDANCE in client.get(f"/cases/{case_id}").get_data(as_text=True)
