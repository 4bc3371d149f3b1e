"""Who gets on a case team: coordinators set it; an organizer asks, and a coordinator or an
organizer already on the team answers. Until then the asker sees the summary only."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from casework.extensions import db
from casework.models import Case, Event, JoinRequestStatus, Role, TeamJoinRequest, User
from tests.conftest import login

PHONE = "206-555-0100"  # the member's, shown to the case team only


@dataclass
class Team:
    case_id: int
    lena: int  # on the team
    omar: int  # not on it


@pytest.fixture
def team(make_user: Callable[..., int], make_case: Callable[..., int]) -> Team:
    lena = make_user(Role.ORGANIZER, name="Lena")
    return Team(make_case(team=[lena]), lena, make_user(Role.ORGANIZER, name="Omar"))


def client_of(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    login(client, app, user_id)
    return client


def members(app: Flask, case_id: int) -> list[str]:
    with app.app_context():
        return [user.name for user in db.session.get_one(Case, case_id).team]


def timeline(app: Flask, case_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Event.note).where(
            Event.case_id == case_id).order_by(Event.id)))


def answer_buttons(page: str) -> dict[str, str]:
    """The Approve/Refuse buttons of the page's pending requests: verdict -> URL."""
    return {verdict: url for url, verdict in re.findall(
        r'action="(/cases/\d+/team/requests/\d+/(accept|reject))"', page)}


def test_coordinator_sets_the_case_team(app: Flask, team: Team,
                                        make_user: Callable[..., int]) -> None:
    coordinator = client_of(app, make_user(Role.COORDINATOR))
    response = coordinator.post(f"/cases/{team.case_id}/team",
                                data={"member_ids": [str(team.lena), str(team.omar), ""]})
    assert response.status_code == 302
    assert members(app, team.case_id) == ["Lena", "Omar"]
    assert timeline(app, team.case_id)[-1] == "Case team set to Lena, Omar"


@pytest.mark.parametrize("answerer", ["coordinator", "team_organizer"])
def test_an_organizer_asks_and_sees_the_record_only_once_approved(
        app: Flask, team: Team, make_user: Callable[..., int], answerer: str) -> None:
    omar = client_of(app, team.omar)
    page = omar.get(f"/cases/{team.case_id}").get_data(as_text=True)
    assert "Ask to join the case team" in page and PHONE not in page
    asked = omar.post(f"/cases/{team.case_id}/team", follow_redirects=True)
    page = asked.get_data(as_text=True)
    assert "You asked to join the case team." in page
    assert "You asked to join the case team on" in page and "Ask to join" not in page
    assert PHONE not in page and members(app, team.case_id) == ["Lena"]
    assert timeline(app, team.case_id)[-1] == "Omar asked to join the case team"
    # Asking again does not make a second request.
    omar.post(f"/cases/{team.case_id}/team")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(TeamJoinRequest.id))) == 1

    answerer_id = make_user(Role.COORDINATOR, name="Rosa") if answerer == "coordinator" \
        else team.lena
    answering = client_of(app, answerer_id)
    page = answering.get(f"/cases/{team.case_id}").get_data(as_text=True)
    assert re.search(r"Omar asked on \w{3} \d+ \w{3} \d{4}", page)
    approved = answering.post(answer_buttons(page)["accept"], follow_redirects=True)
    assert "Omar joined the case team." in approved.get_data(as_text=True)
    assert members(app, team.case_id) == ["Lena", "Omar"]
    name = "Rosa" if answerer == "coordinator" else "Lena"
    with app.app_context():
        event = db.session.scalars(sa.select(Event).order_by(Event.id.desc()).limit(1)).one()
        assert (event.actor.name, event.note) == (
            name, "Approved Omar's request: Omar joined the case team")
    assert PHONE in omar.get(f"/cases/{team.case_id}").get_data(as_text=True)


def test_a_refused_organizer_keeps_the_summary_and_may_ask_again(
        app: Flask, team: Team) -> None:
    omar = client_of(app, team.omar)
    omar.post(f"/cases/{team.case_id}/team")
    lena = client_of(app, team.lena)
    refuse = answer_buttons(lena.get(f"/cases/{team.case_id}").get_data(as_text=True))["reject"]
    response = lena.post(refuse, follow_redirects=True)
    assert "Omar&#39;s request to join was refused." in response.get_data(as_text=True)
    assert answer_buttons(response.get_data(as_text=True)) == {}
    assert members(app, team.case_id) == ["Lena"]
    assert timeline(app, team.case_id)[-1] == "Refused Omar's request to join the case team"
    page = omar.get(f"/cases/{team.case_id}").get_data(as_text=True)
    assert PHONE not in page
    assert "Your last request to join was refused by Lena." in page
    assert "Ask to join the case team" in page
    # An answer already given is not given again.
    again = lena.post(refuse.replace("reject", "accept"), follow_redirects=True)
    assert "Lena already answered Omar&#39;s request (refused)." in again.get_data(as_text=True)
    assert members(app, team.case_id) == ["Lena"]


@pytest.mark.parametrize("who", ["asker", "other_organizer", "intake"])
@pytest.mark.parametrize("verdict", ["accept", "reject"])
def test_only_a_coordinator_or_the_team_answers_a_request(
        app: Flask, team: Team, make_user: Callable[..., int], who: str, verdict: str) -> None:
    client_of(app, team.omar).post(f"/cases/{team.case_id}/team")
    with app.app_context():
        request_id = db.session.scalars(sa.select(TeamJoinRequest.id)).one()
    user_id = {"asker": team.omar, "other_organizer": make_user(Role.ORGANIZER),
               "intake": make_user(Role.INTAKE)}[who]
    client = client_of(app, user_id)
    page = client.get(f"/cases/{team.case_id}").get_data(as_text=True)
    assert answer_buttons(page) == {} and "Omar asked on" not in page
    response = client.post(f"/cases/{team.case_id}/team/requests/{request_id}/{verdict}")
    assert response.status_code == 403
    assert members(app, team.case_id) == ["Lena"]
    with app.app_context():
        assert db.session.get_one(TeamJoinRequest, request_id).status is \
            JoinRequestStatus.PENDING


def test_a_coordinator_putting_the_asker_on_the_team_answers_the_request(
        app: Flask, team: Team, make_user: Callable[..., int]) -> None:
    client_of(app, team.omar).post(f"/cases/{team.case_id}/team")
    coordinator = client_of(app, make_user(Role.COORDINATOR))
    coordinator.post(f"/cases/{team.case_id}/team",
                     data={"member_ids": [str(team.lena), str(team.omar)]})
    assert members(app, team.case_id) == ["Lena", "Omar"]
    page = coordinator.get(f"/cases/{team.case_id}").get_data(as_text=True)
    assert answer_buttons(page) == {}
    with app.app_context():
        assert db.session.scalars(sa.select(TeamJoinRequest.status)).one() is \
            JoinRequestStatus.APPROVED


def test_a_request_of_another_case_is_not_found_under_this_one(
        app: Flask, team: Team, make_case: Callable[..., int]) -> None:
    client_of(app, team.omar).post(f"/cases/{team.case_id}/team")
    other_case = make_case(team=[team.lena])
    with app.app_context():
        request_id = db.session.scalars(sa.select(TeamJoinRequest.id)).one()
    response = client_of(app, team.lena).post(
        f"/cases/{other_case}/team/requests/{request_id}/accept")
    assert response.status_code == 404
    assert members(app, team.case_id) == ["Lena"]


def test_a_disabled_asker_is_not_put_on_the_team(app: Flask, team: Team) -> None:
    client_of(app, team.omar).post(f"/cases/{team.case_id}/team")
    with app.app_context():
        db.session.get_one(User, team.omar).is_disabled = True
        db.session.commit()
    lena = client_of(app, team.lena)
    buttons = answer_buttons(lena.get(f"/cases/{team.case_id}").get_data(as_text=True))
    page = lena.post(buttons["accept"], follow_redirects=True).get_data(as_text=True)
    assert "Omar can no longer join a case team" in page
    assert members(app, team.case_id) == ["Lena"]
    assert lena.post(buttons["reject"]).status_code == 302
    with app.app_context():
        assert db.session.scalars(sa.select(TeamJoinRequest.status)).one() is \
            JoinRequestStatus.REFUSED
