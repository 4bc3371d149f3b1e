"""Call lists: who is called, the split among callers, answers, check-in, turnout, reliability."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casework.actions.calls import Reliability, reliability, share_out
from casework.extensions import db
from casework.models import (
    Action,
    ActionStatus,
    AuditEntry,
    CallAnswer,
    CallListEntry,
    Case,
    Person,
    Role,
    Tier,
    User,
)
from casework.workflow.states import CaseState
from tests import ladder
from tests.ladder import entry, person, plan

Fight = tuple[int, int]
CASE_MEMBER = "Maria Example"  # the fight's own member, a member with a phone


@pytest.fixture
def fight(make_fight: Callable[..., Fight]) -> Fight:
    return make_fight(CaseState.ESCALATING)


@pytest.fixture
def action_id(app: Flask, fight: Fight) -> int:
    with app.app_context():
        return plan(fight[0], fight[1], title="Picket")


@pytest.fixture
def team_client(fight: Fight, login_as: Callable[[int], FlaskClient]) -> FlaskClient:
    return login_as(fight[1])


def calls_url(fight: Fight, action_id: int, rest: str = "") -> str:
    return f"/cases/{fight[0]}/actions/{action_id}" + (f"/{rest}" if rest else "")


def names_on_list(action_id: int) -> list[str]:
    return sorted(db.session.scalars(select(Person.name).join(
        CallListEntry, CallListEntry.person_id == Person.id).where(
        CallListEntry.action_id == action_id)))


def callers_of(action_id: int) -> dict[str, int | None]:
    return dict(db.session.execute(select(Person.name, CallListEntry.caller_id).join(
        CallListEntry, CallListEntry.person_id == Person.id).where(
        CallListEntry.action_id == action_id)).all())


def flashes(response: object) -> str:
    page = response.get_data(as_text=True)  # type: ignore[attr-defined]
    return " ".join(re.findall(r'<p class="flash[^"]*"[^>]*>([^<]*)</p>', page))


@pytest.mark.parametrize("calls_supporters", [False, True])
def test_build_calls_members_and_for_big_actions_supporters_with_a_phone_once(
        app: Flask, fight: Fight, team_client: FlaskClient, network_id: int,
        make_network: Callable[..., int], calls_supporters: bool) -> None:
    elsewhere = make_network()
    with app.app_context():
        action_id = plan(*fight, calls_supporters=calls_supporters)
        person(network_id, "Member")
        person(network_id, "Supporter", tier=Tier.SUPPORTER)
        person(network_id, "No phone", phone="")
        person(network_id, "Blank phone", phone="   ")
        person(network_id, "Contact", tier=Tier.CONTACT)
        person(network_id, "Organizer", tier=Tier.ORGANIZER)
        person(elsewhere, "Other network")
    url = calls_url(fight, action_id, "calls/build")
    expected = sorted([CASE_MEMBER, "Member", *(["Supporter"] if calls_supporters else [])])
    first = team_client.post(url, follow_redirects=True)
    assert f"{len(expected)} people added to the call list." in flashes(first)
    again = team_client.post(url, follow_redirects=True)
    assert "Everyone with a phone is already on the list." in flashes(again)
    with app.app_context():
        assert names_on_list(action_id) == expected
        person(network_id, "Newcomer")
    assert "1 person added to the call list." in flashes(team_client.post(
        url, follow_redirects=True))
    with app.app_context():
        assert names_on_list(action_id) == sorted([*expected, "Newcomer"])


@pytest.mark.parametrize(("state", "is_called"), [
    (CaseState.INQUIRY, False), (CaseState.DECLINED, False), (CaseState.SCREENING, True),
    (CaseState.PROPOSED, True), (CaseState.DRAFTING, True), (CaseState.WON, True),
    (CaseState.CLOSED, True),
])
def test_an_inquirer_is_called_once_organizers_met_them_and_not_after_a_decline(
        app: Flask, fight: Fight, action_id: int, team_client: FlaskClient,
        make_fight: Callable[..., Fight], state: CaseState, is_called: bool) -> None:
    make_fight(state, person_name="Rosa Inquirer", person_phone="206-555-0177")
    team_client.post(calls_url(fight, action_id, "calls/build"))
    with app.app_context():
        assert ("Rosa Inquirer" in names_on_list(action_id)) is is_called
        assert CASE_MEMBER in names_on_list(action_id)  # escalating: taken on


def test_the_database_never_holds_a_person_twice_on_one_list(
        app: Flask, action_id: int, network_id: int) -> None:
    with app.app_context():
        someone = person(network_id, "Once")
        entry(action_id, someone)
        with pytest.raises(IntegrityError):
            entry(action_id, someone)


@pytest.mark.parametrize(("people", "callers", "room", "expected"), [
    # Spanish speakers go to the caller who speaks Spanish, English speakers spread evenly.
    ([(1, ["es"]), (2, ["en"]), (3, ["es", "en"]), (4, ["en"])],
     [(10, ["en"]), (20, ["es", "en"])], {10: 10, 20: 10}, {1: 20, 2: 10, 3: 20, 4: 10}),
    # The only Spanish speaker among the callers is kept for the person who needs her.
    ([(1, ["en"]), (2, ["es"])], [(10, ["en", "es"]), (20, ["en"])], {10: 1, 20: 1},
     {1: 20, 2: 10}),
    # At most the size each; those left over have no caller yet.
    ([(n, ["en"]) for n in range(5)], [(10, ["en"]), (20, ["en"])], {10: 2, 20: 2},
     {0: 10, 1: 20, 2: 10, 3: 20, 4: None}),
    # Nobody shares a language: spread evenly.
    ([(n, ["so"]) for n in range(4)], [(10, ["en"]), (20, ["es"])], {10: 5, 20: 5},
     {0: 10, 1: 20, 2: 10, 3: 20}),
    # A caller with no room left (already called many) gets nobody new.
    ([(1, ["en"]), (2, ["en"])], [(10, ["en"]), (20, ["en"])], {10: 0, 20: 5},
     {1: 20, 2: 20}),
])
def test_share_out_matches_languages_within_the_size_and_spreads_the_rest(
        people: list[tuple[int, list[str]]], callers: list[tuple[int, list[str]]],
        room: dict[int, int], expected: dict[int, int | None]) -> None:
    assert share_out(people, callers, room) == expected


def test_split_gives_each_caller_their_language_first_and_at_most_the_size(
        app: Flask, fight: Fight, action_id: int, team_client: FlaskClient, network_id: int,
        make_user: Callable[..., int]) -> None:
    spanish_caller = make_user(Role.ORGANIZER, name="Ana Caller")
    with app.app_context():
        db.session.get_one(User, spanish_caller).languages = "es,en"
        db.session.commit()
        for number in range(6):
            person(network_id, f"Hablante {number}", languages="es")
        for number in range(18):
            person(network_id, f"Speaker {number:02}", languages="en")
    team_client.post(calls_url(fight, action_id, "calls/build"))
    response = team_client.post(calls_url(fight, action_id, "calls/split"), data={
        "callers": [str(fight[1]), str(spanish_caller)], "size": "10"}, follow_redirects=True)
    assert "Split: 20 people to call; 5 left without a caller: add callers." in flashes(response)
    with app.app_context():
        assigned = callers_of(action_id)
    assert all(assigned[f"Hablante {n}"] == spanish_caller for n in range(6))
    loads = [list(assigned.values()).count(caller) for caller in (fight[1], spanish_caller)]
    assert loads == [10, 10]
    page = response.get_data(as_text=True)
    assert re.search(r"<td>Ana Caller</td><td>10</td>", page)


@pytest.mark.parametrize(("data", "message"), [
    ({"size": "9"}, "Enter a number from 10 to 20."),
    ({"size": "21"}, "Enter a number from 10 to 20."),
    ({"size": "fifteen"}, "Not a valid integer value."),
    ({"callers": [], "size": "15"}, "Choose at least one caller."),
    ({"callers": ["intake"], "size": "15"}, "Choose callers among the network&#39;s organizers."),
    ({"callers": ["abc"], "size": "15"}, "Choose callers among the network&#39;s organizers."),
])
def test_split_refuses_bad_input_keeps_the_ticks_and_assigns_nobody(
        app: Flask, fight: Fight, action_id: int, team_client: FlaskClient,
        make_user: Callable[..., int], data: dict[str, object], message: str) -> None:
    team_client.post(calls_url(fight, action_id, "calls/build"))
    intake = make_user(Role.INTAKE)
    callers = [str(intake) if c == "intake" else c for c in data.get("callers", [str(fight[1])])]
    response = team_client.post(calls_url(fight, action_id, "calls/split"),
                                data={**data, "callers": callers})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert f'name="size" required type="number" value="{data["size"]}"' in page  # as typed
    ticked = re.search(rf'<input checked[^>]*value="{fight[1]}"', page) is not None
    assert ticked is ("callers" not in data)
    with app.app_context():
        assert set(callers_of(action_id).values()) == {None}


def test_a_resplit_keeps_people_already_called_with_their_caller(
        app: Flask, fight: Fight, action_id: int, team_client: FlaskClient, network_id: int,
        make_user: Callable[..., int]) -> None:
    other = make_user(Role.ORGANIZER)
    with app.app_context():
        called = entry(action_id, person(network_id, "Called"), caller_id=fight[1],
                       answer=CallAnswer.MAYBE)
        entry(action_id, person(network_id, "Waiting"), caller_id=fight[1])
    team_client.post(calls_url(fight, action_id, "calls/split"),
                     data={"callers": [str(other)], "size": "10"})
    with app.app_context():
        assigned = callers_of(action_id)
        assert db.session.get_one(CallListEntry, called).caller_id == fight[1]
    assert assigned["Waiting"] == other


@pytest.mark.parametrize(("viewer", "status"), [
    ("caller_off_team", 200), ("team", 200), ("coordinator", 200), ("other_organizer", 403),
    ("intake", 403), ("foreign_coordinator", 404)])
def test_my_calls_shows_phones_only_to_the_caller_and_is_audited(
        app: Flask, fight: Fight, action_id: int, network_id: int,
        make_user: Callable[..., int], make_network: Callable[..., int],
        login_as: Callable[[int], FlaskClient], viewer: str, status: int) -> None:
    caller = make_user(Role.ORGANIZER)
    with app.app_context():
        mine = person(network_id, "Mine To Call", phone="206-555-0171")
        theirs = person(network_id, "Someone Else's", phone="206-555-0172")
        entry(action_id, mine, caller_id=caller)
        entry(action_id, theirs, caller_id=fight[1])
    user_id = {"caller_off_team": caller, "team": fight[1]}.get(viewer) or (
        make_user(Role.COORDINATOR, network=make_network()) if viewer == "foreign_coordinator"
        else make_user(Role(viewer.removeprefix("other_"))))
    response = login_as(user_id).get(calls_url(fight, action_id, "calls/mine"))
    page = response.get_data(as_text=True)
    assert response.status_code == status
    assert ("206-555-0171" in page) is (viewer == "caller_off_team")
    assert ("206-555-0172" in page) is (viewer == "team")
    if viewer == "coordinator":
        assert "Nobody to call for you on this action." in page
    with app.app_context():
        audited = db.session.scalars(select(AuditEntry.object_id).where(
            AuditEntry.action == "person.view_contact", AuditEntry.detail == "call list")).all()
    shown = {"caller_off_team": [str(mine)], "team": [str(theirs)]}.get(viewer, [])
    assert audited == shown


def test_the_case_page_points_a_caller_off_the_team_to_their_calls(
        app: Flask, fight: Fight, action_id: int, network_id: int,
        make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]) -> None:
    caller = make_user(Role.ORGANIZER)
    with app.app_context():
        entry(action_id, person(network_id, "To call"), caller_id=caller)
    client = login_as(caller)
    page = client.get(f"/cases/{fight[0]}").get_data(as_text=True)
    assert "Your calls to make" in page
    assert f'href="{calls_url(fight, action_id, "calls/mine")}">Picket</a>' in page
    assert 'id="actions-heading"' not in page  # the ladder itself is for the case team
    with app.app_context():
        db.session.get_one(Action, action_id).status = ActionStatus.DONE
        db.session.commit()
    assert "Your calls to make" not in client.get(f"/cases/{fight[0]}").get_data(as_text=True)


@pytest.mark.parametrize(("who", "answer", "status", "stored"), [
    ("caller", "yes", 302, CallAnswer.YES), ("caller", "wrong_number", 302,
                                             CallAnswer.WRONG_NUMBER),
    ("team", "maybe", 302, CallAnswer.MAYBE), ("caller", "not_called", 302, None),
    ("caller", "perhaps", 302, None), ("other_organizer", "yes", 403, None)])
def test_each_answer_is_one_post_by_the_caller_or_the_team(
        app: Flask, fight: Fight, action_id: int, network_id: int,
        make_user: Callable[..., int], login_as: Callable[[int], FlaskClient], who: str,
        answer: str, status: int, stored: CallAnswer | None) -> None:
    caller = make_user(Role.ORGANIZER)
    with app.app_context():
        call_id = entry(action_id, person(network_id, "To call"), caller_id=caller)
    user_id = {"caller": caller, "team": fight[1]}.get(who) or make_user(Role.ORGANIZER)
    response = login_as(user_id).post(calls_url(fight, action_id, f"calls/{call_id}/answer"),
                                      data={"answer": answer})
    assert response.status_code == status
    with app.app_context():
        found = db.session.get_one(CallListEntry, call_id)
        assert found.answer == (stored or CallAnswer.NOT_CALLED)
        assert (found.answered_at is not None) is (stored is not None)
    if status == 302:
        assert response.location.endswith(f"/calls/mine#call-{call_id}")
        if stored is None:
            assert "Not a valid choice." in flashes(login_as(user_id).get(response.location))


def test_check_in_lists_yes_first_and_the_turnout_is_the_check_ins(
        app: Flask, fight: Fight, action_id: int, network_id: int,
        team_client: FlaskClient) -> None:
    with app.app_context():
        calls = {name: entry(action_id, person(network_id, name), answer=answer)
                 for name, answer in (("Nadia No", CallAnswer.NO), ("Yusuf Yes", CallAnswer.YES),
                                      ("Mia Maybe", CallAnswer.MAYBE),
                                      ("Yara Yes", CallAnswer.YES))}
    page = team_client.get(calls_url(fight, action_id, "check-in")).get_data(as_text=True)
    # One card per person, each headed by their name.
    order = re.findall(r'<h2 id="call-\d+-name" class="call-name">([^<]+)</h2>', page)
    assert order == ["Yara Yes", "Yusuf Yes", "Mia Maybe", "Nadia No"]
    for name in ("Yara Yes", "Mia Maybe", "Nadia No"):
        team_client.post(calls_url(fight, action_id, f"calls/{calls[name]}/check-in"),
                         data={"present": "yes"})
    undone = team_client.post(calls_url(fight, action_id, f"calls/{calls['Nadia No']}/check-in"),
                              data={"present": "no"}, follow_redirects=True)
    assert "Check-in undone." in flashes(undone)
    assert "<strong>2</strong> checked in" in undone.get_data(as_text=True)

    action_page = team_client.get(calls_url(fight, action_id)).get_data(as_text=True)
    assert 'name="turnout_actual"' not in action_page
    assert "Turnout: <strong>2</strong> (the people checked in)." in action_page
    done = team_client.post(calls_url(fight, action_id, "done"), data={
        "result": "Held the sidewalk for an hour.", "turnout_actual": "99"},
        follow_redirects=True)
    assert "Picket recorded as done: turnout 2." in flashes(done)
    assert "turnout 2 (checked in) of a goal of 10" in re.sub(r"\s+", " ", done.get_data(
        as_text=True))
    team_client.post(calls_url(fight, action_id, f"calls/{calls['Mia Maybe']}/check-in"),
                     data={"present": "no"})  # a late correction moves the turnout too
    with app.app_context():
        assert ladder.action(action_id).turnout_actual == 1


def test_reliability_counts_yes_and_came_over_done_actions_only(
        app: Flask, fight: Fight, network_id: int, team_client: FlaskClient) -> None:
    with app.app_context():
        steady, newcomer = person(network_id, "Steady"), person(network_id, "Newcomer")
        records = [(CallAnswer.YES, True, ActionStatus.DONE),
                   (CallAnswer.YES, False, ActionStatus.DONE),
                   (CallAnswer.MAYBE, True, ActionStatus.DONE),
                   (CallAnswer.YES, True, ActionStatus.CANCELLED),
                   (CallAnswer.YES, False, ActionStatus.PLANNED)]
        ids = []
        for answer, came, status in records:
            ids.append(action := plan(*fight))
            entry(action, steady, answer=answer, checked_in=came)
            db.session.get_one(Action, action).status = status
        entry(ids[-1], newcomer)
        db.session.commit()
        found = reliability([steady, newcomer, 999_999])
    assert found == {steady: Reliability(said_yes=2, came=2, came_after_yes=1),
                     newcomer: Reliability(), 999_999: Reliability()}
    assert found[steady].rate == 0.5 and found[newcomer].rate is None
    assert found[steady].summary == "said yes 2×, came 2×"
    for page, name in (("calls", "<td>{}<"), ("check-in", 'class="call-name">{}<')):
        shown = team_client.get(calls_url(fight, ids[-1], page)).get_data(as_text=True)
        assert re.search(name.format("Steady") + r".*?said yes 2×, came 2×", shown, re.S), page
        assert re.search(name.format("Newcomer") + r".*?no record yet", shown, re.S), page


@pytest.mark.parametrize(("viewer", "status"), [
    ("team", 200), ("coordinator", 200), ("caller_off_team", 403), ("other_organizer", 403),
    ("intake", 403), ("foreign_coordinator", 404)])
def test_the_whole_list_and_the_check_in_are_for_the_case_team(
        app: Flask, fight: Fight, action_id: int, network_id: int,
        make_user: Callable[..., int], make_network: Callable[..., int],
        login_as: Callable[[int], FlaskClient], viewer: str, status: int) -> None:
    caller = make_user(Role.ORGANIZER)
    with app.app_context():
        call_id = entry(action_id, person(network_id, "Listed"), caller_id=caller)
    user_id = {"caller_off_team": caller, "team": fight[1]}.get(viewer) or (
        make_user(Role.COORDINATOR, network=make_network()) if viewer == "foreign_coordinator"
        else make_user(Role(viewer.removeprefix("other_"))))
    client = login_as(user_id)
    for page in ("calls", "check-in"):
        response = client.get(calls_url(fight, action_id, page))
        assert response.status_code == status
        assert ("Listed" in response.get_data(as_text=True)) is (status == 200)
    for post, data in (("calls/build", {}), ("calls/split", {"callers": [str(caller)],
                                                             "size": "10"}),
                       (f"calls/{call_id}/check-in", {"present": "yes"})):
        assert client.post(calls_url(fight, action_id, post), data=data).status_code == (
            302 if status == 200 else status)
    with app.app_context():
        assert db.session.get_one(CallListEntry, call_id).is_checked_in is (status == 200)


def test_long_lists_are_paged(app: Flask, fight: Fight, action_id: int, network_id: int,
                              team_client: FlaskClient) -> None:
    app.config["CALL_LIST_PER_PAGE"] = 2
    with app.app_context():
        for name in ("Ada", "Ben", "Cy"):
            entry(action_id, person(network_id, name))
    first = team_client.get(calls_url(fight, action_id, "calls")).get_data(as_text=True)
    assert "<td>Ada</td>" in first and "<td>Cy</td>" not in first
    assert "Next page" in first and "Previous page" not in first
    second = team_client.get(calls_url(fight, action_id, "calls?page=2")).get_data(as_text=True)
    assert "<td>Cy</td>" in second and "Previous page" in second and "Next page" not in second
    for odd in ("0", "-3", "abc", "9" * 30):
        assert team_client.get(calls_url(fight, action_id, f"check-in?page={odd}")
                               ).status_code == 200


def test_a_cancelled_action_closes_its_call_list(
        app: Flask, fight: Fight, action_id: int, network_id: int,
        team_client: FlaskClient) -> None:
    with app.app_context():
        call_id = entry(action_id, person(network_id, "Listed"), caller_id=fight[1])
        db.session.get_one(Action, action_id).status = ActionStatus.CANCELLED
        db.session.commit()
    for post, data in (("calls/build", {}), (f"calls/{call_id}/answer", {"answer": "yes"}),
                       (f"calls/{call_id}/check-in", {"present": "yes"})):
        response = team_client.post(calls_url(fight, action_id, post), data=data,
                                    follow_redirects=True)
        assert "cancelled" in flashes(response), post
    with app.app_context():
        found = db.session.get_one(CallListEntry, call_id)
        assert (found.answer, found.is_checked_in) == (CallAnswer.NOT_CALLED, False)
        assert db.session.get_one(Case, fight[0]).actions[0].status == ActionStatus.CANCELLED


def test_my_work_lists_my_calls_to_make_and_my_fights_coming_actions(
        app: Flask, fight: Fight, make_fight: Callable[..., Fight],
        login_as: Callable[[int], FlaskClient], network_id: int) -> None:
    soon = datetime.now(UTC) + timedelta(days=3)
    other_team = make_fight(CaseState.ESCALATING)
    with app.app_context():
        mine = plan(*fight, title="Picket at the shop", starts_at=soon)
        later = plan(*fight, title="Picket next month", starts_at=soon + timedelta(days=30))
        theirs = plan(*other_team, title="Their leafleting", starts_at=soon)
        people = [person(network_id, f"Caller target {n}") for n in range(3)]
        entry(theirs, people[0], caller_id=fight[1])  # I call for another team's action
        entry(theirs, people[1], caller_id=fight[1], answer=CallAnswer.YES)
        entry(mine, people[2], caller_id=other_team[1])
        assert later and mine
    page = login_as(fight[1]).get("/").get_data(as_text=True)
    calls = page.split('id="calls-heading"')[1].split("</section>")[0]
    assert "Their leafleting" in calls and "1 still to call" in calls
    assert "Picket at the shop" not in calls  # someone else calls for it
    coming = page.split('id="actions-heading"')[1].split("</section>")[0]
    assert "Picket at the shop" in coming
    assert "Picket next month" not in coming and "Their leafleting" not in coming
