"""The escalation ladder: planning, bad input, reorder, reschedule, done, cancel, roles, who may."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from casework.actions import services
from casework.errors import PermissionDenied
from casework.extensions import db
from casework.letters.context import LetterKind
from casework.models import (
    Action,
    ActionKind,
    ActionRole,
    ActionStatus,
    Case,
    Event,
    EventKind,
    Letter,
    LetterVersion,
    Role,
    Target,
    TargetFact,
    TargetFactKind,
    User,
)
from casework.workflow.states import CaseState
from tests import ladder
from tests.ladder import WHEN, plan

SCRIPT = "<script>alert('x')</script>"
VALID_PLAN = {"kind": "picket", "title": "Picket at the office", "starts_at": "2026-11-20T18:30",
              "place": "Front door", "pressure_point_id": "", "turnout_goal": "20",
              "calls": "kind", "materials": "Banner", "leaflet_id": ""}
Fight = tuple[int, int]


@pytest.fixture
def fight(make_fight: Callable[..., Fight]) -> Fight:
    """An escalating fight and the organizer on its team."""
    return make_fight(CaseState.ESCALATING)


@pytest.fixture
def team_client(fight: Fight, login_as: Callable[[int], FlaskClient]) -> FlaskClient:
    return login_as(fight[1])


def text_of(html: str) -> str:
    """A page's text with tags dropped and spaces squeezed, as a reader sees it."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" ·", "·")


def ladder_text(client: FlaskClient, case_id: int) -> str:
    """The text of the case page's ladder section (it closes at the start of a line)."""
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    start = page.index('<section id="actions"')
    return text_of(page[start:page.index("\n</section>", start)])


def events(case_id: int, kind: EventKind) -> list[str]:
    return list(db.session.scalars(select(Event.note).where(
        Event.case_id == case_id, Event.kind == kind).order_by(Event.id)))


def count_actions() -> int:
    return db.session.scalar(select(func.count()).select_from(Action)) or 0


def test_planning_stores_the_time_in_utc_and_puts_the_action_next_on_the_ladder(
        app: Flask, fight: Fight, team_client: FlaskClient) -> None:
    case_id, _ = fight
    response = team_client.post(f"/cases/{case_id}/actions/new", data=VALID_PLAN)
    assert response.status_code == 302
    assert response.location.endswith(f"/cases/{case_id}#actions")
    with app.app_context():
        action = db.session.scalars(select(Action)).one()
        assert action.starts_at == datetime(2026, 11, 21, 2, 30, tzinfo=UTC)  # 18:30 in Seattle
        assert (action.kind, action.turnout_goal, action.place) == (
            ActionKind.PICKET, 20, "Front door")
        assert events(case_id, EventKind.ACTION_PLANNED) == [
            "Action planned: Picket at the office on Fri 20 Nov 2026, 18:30 at Front door "
            "(turnout goal 20)"]
    shown = ladder_text(team_client, case_id)
    assert "Next Picket at the office· Fri 20 Nov 2026, 18:30· Front door· turnout goal 20" in shown


@pytest.mark.parametrize(("kind", "calls", "calls_supporters"), [
    ("picket", "kind", True), ("delivery", "kind", True), ("call_in", "kind", False),
    ("postering", "kind", False), ("picket", "members", False), ("call_in", "all", True)])
def test_who_the_call_list_rings_defaults_from_the_kind_of_action(
        app: Flask, fight: Fight, team_client: FlaskClient, kind: str, calls: str,
        calls_supporters: bool) -> None:
    team_client.post(f"/cases/{fight[0]}/actions/new",
                     data={**VALID_PLAN, "kind": kind, "calls": calls})
    with app.app_context():
        assert db.session.scalars(select(Action.calls_supporters)).one() is calls_supporters


PLAN_CASES = [
    ("kind", "robbery", "Not a valid choice."),
    ("starts_at", "", "This is needed."),
    ("starts_at", "2026-02-30T10:00", "Not a valid datetime value."),
    ("starts_at", "0001-01-01T00:00", "Enter a date between 1900 and 2100."),
    ("title", "t" * 201, "Field cannot be longer than 200 characters."),
    ("title", "Pick\x00et", "control codes"),
    ("place", "p" * 301, "Field cannot be longer than 300 characters."),
    ("turnout_goal", "-1", "Enter a number from 0 to 100,000."),
    ("turnout_goal", "lots", "Not a valid integer value."),
    ("turnout_goal", "", "Enter a number (0 if none)."),
    ("pressure_point_id", "999", "Not a valid choice."),
    ("calls", "sometimes", "Not a valid choice."),
    ("materials", "m" * 10_001, "Field cannot be longer than 10000 characters."),
    ("leaflet_id", "999", "Not a valid choice."),
]


@pytest.mark.parametrize(("field", "value", "message"), PLAN_CASES,
                         ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(PLAN_CASES)])
def test_plan_refuses_bad_input_next_to_the_field_and_keeps_what_was_typed(
        app: Flask, fight: Fight, team_client: FlaskClient, field: str, value: str,
        message: str) -> None:
    kept = f"Kept {SCRIPT}"
    data = {**VALID_PLAN, "materials": kept, field: value}
    response = team_client.post(f"/cases/{fight[0]}/actions/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'aria-invalid="true"' in page
    assert SCRIPT not in page
    if field != "materials":
        assert str(escape(kept)) in page
    if field != "place":
        assert 'value="Front door"' in page
    with app.app_context():
        assert count_actions() == 0
        assert events(fight[0], EventKind.ACTION_PLANNED) == []


def test_an_action_presses_the_target_or_one_of_its_pressable_facts(
        app: Flask, fight: Fight, team_client: FlaskClient) -> None:
    case_id, _ = fight
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        facts = {kind: TargetFact(target_id=case.target_id, kind=kind, name=f"{kind.value} fact")
                 for kind in (TargetFactKind.RELATED_BUSINESS, TargetFactKind.SOURCE)}
        other = Target(network_id=case.network_id, name="Someone else")
        elsewhere = TargetFact(target=other, kind=TargetFactKind.LEVERAGE_POINT, name="Theirs")
        db.session.add_all([*facts.values(), elsewhere])
        db.session.commit()
        business, source, foreign = (facts[TargetFactKind.RELATED_BUSINESS].id,
                                     facts[TargetFactKind.SOURCE].id, elsewhere.id)
    page = team_client.get(f"/cases/{case_id}/actions/new").get_data(as_text=True)
    assert "related_business fact (related business)" in page
    assert "source fact" not in page and "Theirs" not in page
    for refused in (source, foreign):
        response = team_client.post(f"/cases/{case_id}/actions/new",
                                    data={**VALID_PLAN, "pressure_point_id": str(refused)})
        assert "Not a valid choice." in response.get_data(as_text=True)
    team_client.post(f"/cases/{case_id}/actions/new",
                     data={**VALID_PLAN, "pressure_point_id": str(business)})
    with app.app_context():
        action = db.session.scalars(select(Action)).one()
        assert action.pressure_point_id == business
        with pytest.raises(services.ActionRefused, match="not one of this target's facts"):
            services.update_action(action, db.session.get_one(User, fight[1]), services.ActionPlan(
                kind=ActionKind.PICKET, starts_at=WHEN, pressure_point_id=foreign))
    shown = text_of(team_client.get(f"/cases/{case_id}/actions/{action.id}").get_data(
        as_text=True))
    assert "Presses related_business fact (related business) — of Acme Landlords" in shown


def test_the_case_leaflet_is_linked_with_its_preview_and_pdf(
        app: Flask, fight: Fight, team_client: FlaskClient) -> None:
    case_id, _ = fight
    with app.app_context():
        leaflet = Letter(case_id=case_id, kind=LetterKind.LEAFLET, language="es")
        version = LetterVersion(letter=leaflet, number=1, extra={})
        db.session.add_all([leaflet, version])
        db.session.commit()
        leaflet_id, version_id = leaflet.id, version.id
    team_client.post(f"/cases/{case_id}/actions/new",
                     data={**VALID_PLAN, "leaflet_id": str(leaflet_id)})
    with app.app_context():
        action_id = db.session.scalars(select(Action.id)).one()
    page = team_client.get(f"/cases/{case_id}/actions/{action_id}").get_data(as_text=True)
    assert f'href="/letters/{leaflet_id}"' in page
    assert f'href="/letters/versions/{version_id}/preview"' in page
    assert f'href="/letters/versions/{version_id}/pdf"' in page


def test_reorder_moves_one_rung_among_the_planned_and_keeps_positions_dense(
        app: Flask, fight: Fight, team_client: FlaskClient) -> None:
    case_id, organizer = fight
    with app.app_context():
        ids = [plan(case_id, organizer, title=title) for title in ("First", "Second", "Third",
                                                                    "Fourth")]
        for action_id, position in zip(ids, (0, 4, 9, 30), strict=True):  # gaps from the past
            db.session.get_one(Action, action_id).position = position
        db.session.get_one(Action, ids[1]).status = ActionStatus.DONE
        db.session.commit()
    response = team_client.post(f"/cases/{case_id}/actions/{ids[3]}/move/up")
    assert response.status_code == 302
    with app.app_context():
        positions = dict(db.session.execute(select(Action.id, Action.position)).all())
    # Third and Fourth swap; Second (done) sits between the planned ones and is skipped over.
    assert [positions[i] for i in ids] == [0, 1, 3, 2]
    shown = ladder_text(team_client, case_id)
    assert re.search(r"Next First.*Planned Fourth.*Third", shown)
    page = team_client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'aria-label="Move First up"' not in page and 'aria-label="Move Third down"' not in page
    refused = team_client.post(f"/cases/{case_id}/actions/{ids[0]}/move/up",
                               follow_redirects=True)
    assert "already at that end of the ladder" in refused.get_data(as_text=True)


def test_rescheduling_records_both_dates_and_other_edits_name_the_fields(
        app: Flask, fight: Fight, team_client: FlaskClient) -> None:
    case_id, organizer = fight
    with app.app_context():
        action_id = plan(case_id, organizer, title="Picket", place="Front door")
    url = f"/cases/{case_id}/actions/{action_id}/edit"
    form = team_client.get(url).get_data(as_text=True)
    assert 'value="2026-11-21T11:00"' in form  # shown where the network is
    data = {**VALID_PLAN, "title": "Picket", "place": "Front door", "turnout_goal": "10",
            "materials": "", "calls": "members", "starts_at": "2026-11-21T11:00"}
    assert "Nothing changed." in team_client.post(url, data=data, follow_redirects=True
                                                  ).get_data(as_text=True)
    moved = team_client.post(url, data={**data, "starts_at": "2026-11-28T12:00"},
                             follow_redirects=True)
    assert "Rescheduled." in moved.get_data(as_text=True)
    team_client.post(url, data={**data, "starts_at": "2026-11-28T12:00", "place": "Back door"})
    with app.app_context():
        assert ladder.action(action_id).starts_at == datetime(2026, 11, 28, 20, 0, tzinfo=UTC)
        assert events(case_id, EventKind.ACTION_RESCHEDULED) == [
            "Action rescheduled: Picket from Sat 21 Nov 2026, 11:00 to Sat 28 Nov 2026, 12:00"]
        changed = db.session.scalars(select(Event.changed_fields).where(
            Event.kind == EventKind.UPDATED)).all()
        assert changed == [["place"]]


def test_recording_done_shows_the_turnout_and_the_next_action_moves_up(
        app: Flask, fight: Fight, team_client: FlaskClient) -> None:
    case_id, organizer = fight
    with app.app_context():
        first = plan(case_id, organizer, title="Call-in", kind=ActionKind.CALL_IN)
        plan(case_id, organizer, title="Picket", turnout_goal=25)
    response = team_client.post(f"/cases/{case_id}/actions/{first}/done", data={
        "result": "Forty calls; the office unplugged its phone.", "incidents": "",
        "police_present": "y", "turnout_actual": "12"}, follow_redirects=True)
    assert "Call-in recorded as done: turnout 12." in response.get_data(as_text=True)
    shown = ladder_text(team_client, case_id)
    assert "Done Call-in· Sat 21 Nov 2026, 11:00· turnout 12 of a goal of 10" in shown
    assert "Next Picket" in shown
    with app.app_context():
        done = ladder.action(first)
        assert (done.status, done.turnout_actual, done.police_present) == (
            ActionStatus.DONE, 12, True)
        assert done.done_at is not None
        assert events(case_id, EventKind.ACTION_DONE) == [
            "Action done: Call-in: turnout 12 (goal 10); police present"]
    again = team_client.post(f"/cases/{case_id}/actions/{first}/done",
                             data={"result": "Again", "turnout_actual": "3"})
    assert "already done" in again.get_data(as_text=True)


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"result": "", "turnout_actual": "5"}, "result", "This is needed."),
    ({"result": "Went well", "turnout_actual": ""}, "turnout_actual",
     "Enter a number (0 if none)."),
    ({"result": "Went well", "turnout_actual": "NaN"}, "turnout_actual",
     "Not a valid integer value."),
    ({"result": "Went well", "turnout_actual": "100001"}, "turnout_actual",
     "Enter a number from 0 to 100,000."),
])
def test_the_done_form_refuses_bad_input_and_keeps_what_was_typed(
        app: Flask, fight: Fight, team_client: FlaskClient, data: dict[str, str], field: str,
        message: str) -> None:
    case_id, organizer = fight
    with app.app_context():
        action_id = plan(case_id, organizer)
    response = team_client.post(f"/cases/{case_id}/actions/{action_id}/done",
                                data={**data, "incidents": f"Kept {SCRIPT}"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(rf'id="{field}-error" class="field-error">{re.escape(message)}', page)
    assert f"Kept {escape(SCRIPT)}" in page
    with app.app_context():
        assert ladder.action(action_id).status == ActionStatus.PLANNED
        assert events(case_id, EventKind.ACTION_DONE) == []


def test_cancelling_keeps_the_action_on_the_ladder_as_cancelled(
        app: Flask, fight: Fight, team_client: FlaskClient) -> None:
    case_id, organizer = fight
    with app.app_context():
        action_id = plan(case_id, organizer, title="Picket")
    team_client.post(f"/cases/{case_id}/actions/{action_id}/cancel",
                     data={"reason": "The member asked to wait"})
    shown = ladder_text(team_client, case_id)
    assert "Cancelled Picket" in shown and "Next" not in shown
    with app.app_context():
        assert ladder.action(action_id).status == ActionStatus.CANCELLED
        assert events(case_id, EventKind.ACTION_CANCELLED) == [
            "Action cancelled: Picket (Sat 21 Nov 2026, 11:00) — The member asked to wait"]
    again = team_client.post(f"/cases/{case_id}/actions/{action_id}/cancel", data={})
    assert again.status_code == 400
    assert "already cancelled" in again.get_data(as_text=True)


def test_an_ended_fight_takes_no_new_actions(
        app: Flask, make_fight: Callable[..., Fight], login_as: Callable[[int], FlaskClient]
) -> None:
    case_id, organizer = make_fight(CaseState.WON)
    response = login_as(organizer).post(f"/cases/{case_id}/actions/new", data=VALID_PLAN)
    assert "This fight has ended: it takes no new actions." in response.get_data(as_text=True)
    with app.app_context():
        assert count_actions() == 0


@pytest.mark.parametrize(("data", "shown", "message"), [
    ({"role": "speaker", "person_id": "member"}, "Speaker: Maria Example", None),
    ({"role": "police_liaison", "name": "Jo (legal observer)"},
     "Police liaison: Jo (legal observer)", None),
    ({"role": "speaker"}, None, "Choose a person or type a name (one of the two)."),
    ({"role": "speaker", "person_id": "member", "name": "Jo"}, None,
     "Choose a person or type a name (one of the two)."),
    ({"role": "speaker", "person_id": "stranger"}, None, "Not a valid choice."),
    ({"role": "juggler", "name": "Jo"}, None, "Not a valid choice."),
])
def test_roles_are_a_person_of_the_fight_or_a_typed_name(
        app: Flask, fight: Fight, team_client: FlaskClient, data: dict[str, str],
        shown: str | None, message: str | None) -> None:
    case_id, organizer = fight
    with app.app_context():
        action_id = plan(case_id, organizer)
        case = db.session.get_one(Case, case_id)
        ids = {"member": str(case.person_id),
               "stranger": str(ladder.person(case.network_id, "Not on any list"))}
    posted = {k: ids.get(v, v) if k == "person_id" else v for k, v in data.items()}
    response = team_client.post(f"/cases/{case_id}/actions/{action_id}/roles", data=posted,
                                follow_redirects=True)
    page = text_of(response.get_data(as_text=True))
    with app.app_context():
        roles = db.session.scalars(select(ActionRole)).all()
    if shown:
        assert shown in page and len(roles) == 1
        role_id = roles[0].id
        team_client.post(f"/cases/{case_id}/actions/{action_id}/roles/{role_id}/delete")
        with app.app_context():
            assert db.session.scalars(select(ActionRole)).all() == []
    else:
        assert response.status_code == 400 and message in page and roles == []


@pytest.mark.parametrize(("viewer", "status"), [
    ("team", 200), ("coordinator", 200), ("other_organizer", 403), ("intake", 403),
    ("member", 403), ("foreign_coordinator", 404)])
def test_only_the_case_team_and_coordinators_run_the_ladder(
        app: Flask, fight: Fight, make_user: Callable[..., int],
        make_network: Callable[..., int], login_as: Callable[[int], FlaskClient],
        viewer: str, status: int) -> None:
    case_id, organizer = fight
    with app.app_context():
        action_id = plan(case_id, organizer, title="Secret picket")
        intake = db.session.get_one(Case, case_id).created_by_id  # logged it: sees the record
    user_id = {"team": organizer, "intake": intake}.get(viewer) or (
        make_user(Role.COORDINATOR, network=make_network()) if viewer == "foreign_coordinator"
        else make_user(Role(viewer.removeprefix("other_"))))
    client = login_as(user_id)
    for url in (f"/cases/{case_id}/actions/{action_id}", f"/cases/{case_id}/actions/new",
                f"/cases/{case_id}/actions/{action_id}/edit"):
        assert client.get(url).status_code == status, url
    posted = client.post(f"/cases/{case_id}/actions/{action_id}/cancel", data={"reason": "x"})
    assert posted.status_code == (302 if status == 200 else status)
    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert ('id="actions-heading"' in case_page) is (status == 200)


def test_services_refuse_anyone_off_the_team(app: Flask, fight: Fight,
                                             make_user: Callable[..., int]) -> None:
    case_id, organizer = fight
    outsider_id = make_user(Role.ORGANIZER)
    with app.app_context():
        action_id = plan(case_id, organizer)
        case, outsider = db.session.get_one(Case, case_id), db.session.get_one(User, outsider_id)
        action = db.session.get_one(Action, action_id)
        refusals: list[Callable[[], object]] = [
            lambda: services.plan_action(case, outsider, services.ActionPlan(
                kind=ActionKind.PICKET, starts_at=WHEN)),
            lambda: services.move_action(action, outsider, 1),
            lambda: services.cancel_action(action, outsider, ""),
            lambda: services.record_done(action, outsider, services.ActionReport("x")),
        ]
        for refused in refusals:
            with pytest.raises(PermissionDenied):
                refused()
        assert ladder.action(action_id).status == ActionStatus.PLANNED
        assert count_actions() == 1
