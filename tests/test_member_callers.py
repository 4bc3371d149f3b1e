"""Phone-first calling: one card per person, and members marked as callers with their own
login that reaches their calls and nothing else."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.extensions import db
from casework.models import (
    Action,
    ActionStatus,
    CallAnswer,
    CallListEntry,
    Case,
    Invitation,
    Person,
    Role,
    User,
)
from casework.workflow.states import CaseState
from tests.conftest import PASSWORD_HASH, login
from tests.ladder import entry, person, plan

Fight = tuple[int, int]


@dataclass(frozen=True)
class Calling:
    """A fight with a planned action; a member caller with a login and people to call."""

    case_id: int
    organizer_id: int
    action_id: int
    caller_person_id: int
    caller_login_id: int
    mine: int  # a call given to the member caller: Ana, after 6 pm, Portuguese
    theirs: int  # a call given to the organizer


def caller_login(person_id: int, network_id: int, email: str = "caller@example.org") -> int:
    """A member's portal login for the person (test setup); returns its id."""
    user = User(network_id=network_id, role=Role.MEMBER, name="Caller", email=email,
                password_hash=PASSWORD_HASH, person_id=person_id)
    db.session.add(user)
    db.session.commit()
    return user.id


@pytest.fixture
def calling(app: Flask, make_fight: Callable[..., Fight], network_id: int) -> Calling:
    case_id, organizer_id = make_fight(CaseState.ESCALATING)
    with app.app_context():
        action_id = plan(case_id, organizer_id, title="Picket at the office")
        caller = person(network_id, "Carla Caller")
        db.session.get_one(Person, caller).is_caller = True
        ana = person(network_id, "Ana Souza", phone="206 555 0161", languages="pt,en")
        db.session.get_one(Person, ana).safe_contact_notes = "Call only after 6 pm"
        db.session.commit()
        mine = entry(action_id, ana, caller_id=None)
        db.session.get_one(CallListEntry, mine).caller_person_id = caller
        db.session.commit()
        theirs = entry(action_id, person(network_id, "Otto Other", phone="206-555-0162"),
                       caller_id=organizer_id)
        login_id = caller_login(caller, network_id)
    return Calling(case_id, organizer_id, action_id, caller, login_id, mine, theirs)


def cards(page: str) -> dict[str, str]:
    """Each card's text by the name that heads it."""
    found = re.findall(r'<li id="call-\d+" class="call-card[^"]*"[^>]*>(.*?)</li>', page, re.S)
    return {re.search(r'class="call-name">([^<]+)<', card).group(1): card  # type: ignore[union-attr]
            for card in found}


def test_a_member_caller_sees_a_card_per_person_with_the_safe_contact_note_by_the_phone(
        app: Flask, calling: Calling, client: FlaskClient) -> None:
    login(client, app, calling.caller_login_id)
    page = client.get(f"/my-calls/{calling.action_id}").get_data(as_text=True)
    shown = cards(page)
    assert list(shown) == ["Ana Souza"]  # Otto is the organizer's to call
    card = shown["Ana Souza"]
    assert "Speaks Portuguese, English" in card
    assert re.search(r'Safe contact:</strong> <span class="prewrap">Call only after 6 pm</span>'
                     r'</p>\s*<p class="call-phone"><a href="tel:2065550161"', card)
    buttons = re.findall(r'<button type="submit" name="answer" value="([a-z_]+)"', card)
    assert buttons == ["yes", "maybe", "no", "reached", "wrong_number"]
    assert "Came before" not in card  # a member caller sees no one's record
    for hidden in ("Otto Other", "206-555-0162", "Maria Example", "/cases/"):
        assert hidden not in page


@pytest.mark.parametrize("answer", ["yes", "no", "wrong_number"])
def test_a_member_callers_answer_is_recorded_and_shown_on_the_card(
        app: Flask, calling: Calling, client: FlaskClient, answer: str) -> None:
    login(client, app, calling.caller_login_id)
    response = client.post(f"/my-calls/{calling.action_id}/{calling.mine}/answer",
                           data={"answer": answer})
    assert response.status_code == 302
    assert response.location.endswith(f"/my-calls/{calling.action_id}#call-{calling.mine}")
    page = client.get(response.location).get_data(as_text=True)
    label = CallAnswer(answer).label
    assert f"Answer saved: {label}." in page
    card = cards(page)["Ana Souza"]
    assert f"Answer: <strong>{label}</strong>" in card
    assert re.search(rf'value="{answer}" class="answer-{answer}" aria-label="[^"]+" '
                     r'aria-pressed="true"', card)
    with app.app_context():
        assert db.session.get_one(CallListEntry, calling.mine).answer == CallAnswer(answer)


@pytest.mark.parametrize("case", ["someone_elses_call", "unmarked", "another_member",
                                  "action_done", "unknown_action"])
def test_a_member_caller_reaches_only_their_own_calls(
        app: Flask, calling: Calling, client: FlaskClient, network_id: int, case: str) -> None:
    user_id, call_id, action_id = calling.caller_login_id, calling.mine, calling.action_id
    with app.app_context():
        if case == "someone_elses_call":
            call_id = calling.theirs
        elif case == "unmarked":
            db.session.get_one(Person, calling.caller_person_id).is_caller = False
        elif case == "another_member":
            other = person(network_id, "Another Member")
            db.session.get_one(Person, other).is_caller = True
            user_id = caller_login(other, network_id, "another@example.org")
        elif case == "action_done":
            db.session.get_one(Action, action_id).status = ActionStatus.DONE
        else:
            action_id = 999_999
        db.session.commit()
    login(client, app, user_id)
    if case != "someone_elses_call":
        assert client.get(f"/my-calls/{action_id}").status_code == 404
        assert calling.action_id == action_id or "Ana Souza" not in client.get(
            "/my-calls").get_data(as_text=True)
    response = client.post(f"/my-calls/{action_id}/{call_id}/answer", data={"answer": "yes"})
    assert response.status_code == 404
    with app.app_context():
        assert {e.answer for e in db.session.scalars(select(CallListEntry))} == {
            CallAnswer.NOT_CALLED}


def test_a_member_caller_is_refused_the_staff_pages_of_the_action(
        app: Flask, calling: Calling, client: FlaskClient) -> None:
    login(client, app, calling.caller_login_id)
    base = f"/cases/{calling.case_id}/actions/{calling.action_id}"
    for url in (f"/cases/{calling.case_id}", base, f"{base}/calls", f"{base}/calls/mine",
                f"{base}/check-in", "/people/", f"/people/{calling.caller_person_id}"):
        assert client.get(url).status_code == 403, url
    for url, data in ((f"{base}/calls/{calling.mine}/answer", {"answer": "yes"}),
                      (f"{base}/calls/{calling.mine}/check-in", {"present": "yes"})):
        assert client.post(url, data=data).status_code == 403, url
    # The portal's start page: a caller with no fight of their own goes to their calls; one
    # with a fight is pointed to them.
    assert client.get("/my-fight").location == "/my-calls"
    with app.app_context():
        db.session.get_one(Case, calling.case_id).person_id = calling.caller_person_id
        db.session.commit()
    assert 'href="/my-calls">My calls</a>' in client.get("/my-fight").get_data(as_text=True)
    listed = client.get("/my-calls").get_data(as_text=True)
    assert "Picket at the office" in listed and "1 of 1 still to call" in listed


def test_an_organizer_marks_a_caller_splits_to_them_and_they_never_call_themselves(
        app: Flask, calling: Calling, login_as: Callable[[int], FlaskClient],
        network_id: int) -> None:
    with app.app_context():
        newcomer = person(network_id, "Nina Newcomer", languages="es")
        for number in range(4):
            person(network_id, f"Hablante {number}", languages="es")
    client = login_as(calling.organizer_id)
    edit = client.get(f"/people/{newcomer}/edit").get_data(as_text=True)
    assert 'name="is_caller"' in edit and "Calls people for actions" in edit
    response = client.post(f"/people/{newcomer}/edit", data={
        "name": "Nina Newcomer", "phone": "206-555-0150", "languages": "es", "tier": "member",
        "is_caller": "y"}, follow_redirects=True)
    assert "calls people for actions" in response.get_data(as_text=True)
    base = f"/cases/{calling.case_id}/actions/{calling.action_id}"
    client.post(f"{base}/calls/build")
    split = client.get(f"{base}/calls").get_data(as_text=True)
    assert re.search(rf'value="{newcomer}"> Nina Newcomer', split)
    response = client.post(f"{base}/calls/split", data={
        "member_callers": [str(newcomer)], "size": "10"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Split:" in page and "<td>Nina Newcomer</td>" in page
    with app.app_context():
        given = db.session.scalars(select(Person.name).join(
            CallListEntry, CallListEntry.person_id == Person.id).where(
            CallListEntry.caller_person_id == newcomer)).all()
    assert {f"Hablante {n}" for n in range(4)} <= set(given)
    assert "Nina Newcomer" not in given  # nobody is given themselves to call


@pytest.mark.parametrize(("who", "status"), [("coordinator", 200), ("organizer", 403)])
def test_a_coordinator_gives_a_caller_a_login_that_opens_their_calls(
        app: Flask, calling: Calling, make_user: Callable[..., int], client: FlaskClient,
        who: str, status: int) -> None:
    with app.app_context():
        db.session.delete(db.session.get_one(User, calling.caller_login_id))
        db.session.commit()
    user_id = make_user(Role.COORDINATOR) if who == "coordinator" else calling.organizer_id
    login(client, app, user_id)
    url = f"/people/{calling.caller_person_id}/caller-login"
    assert client.get(url).status_code == status
    response = client.post(url, data={"email": "carla@example.org",
                                      "password": "a long first password 42"})
    assert response.status_code == (302 if status == 200 else 403)
    with app.app_context():
        invited = db.session.scalars(select(Invitation)).all()
        assert [(i.person_id, i.role) for i in invited] == (
            [(calling.caller_person_id, Role.MEMBER)] if status == 200 else [])
    if status != 200:
        return
    client.post("/logout")
    first = client.post("/login", data={"email": "carla@example.org",
                                        "password": "a long first password 42"})
    assert first.status_code == 302
    page = client.get(f"/my-calls/{calling.action_id}").get_data(as_text=True)
    assert "Call only after 6 pm" in page
