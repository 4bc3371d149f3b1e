"""Appeals and joint fights between two networks on one installation: the same messages and
handlers as between installations, handed over by the outbox without HTTP."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.actions import services as actions
from casework.extensions import db
from casework.models import (
    Appeal,
    AppealDirection,
    AppealKind,
    AppealStatus,
    Case,
    Event,
    FightFigures,
    Peer,
    Role,
    User,
)
from casework.workflow.service import TransitionNotAllowed, apply_transition
from casework.workflow.states import CaseState
from tests.conftest import login
from tests.fights import full_input
from tests.joint_fights import Two, deliver, link_two
from tests.ladder import WHEN, plan

STRATEGY = "Pickets at every branch, every Saturday, until the deposit is paid."
END = "We end the fight when the deposit is paid in full."


@pytest.fixture
def two(app: Flask, network_id: int, make_network: Callable[..., int],
        make_user: Callable[..., int]) -> Two:
    return link_two(app, network_id, make_network, make_user)


def as_user(app: Flask, user_id: int) -> FlaskClient:
    """A browser of its own, logged in as the user."""
    client = app.test_client()
    login(client, app, user_id)
    return client


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
    return found.group(1) if found else ""


def peer_id_of(app: Flask, network_id: int) -> int:
    with app.app_context():
        return db.session.scalars(select(Peer.id).where(Peer.network_id == network_id)).one()


def timeline(app: Flask, case_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Event.note).where(Event.case_id == case_id)
                                       .order_by(Event.id)))


def appeal_from_page(client: FlaskClient, app: Flask, case_id: int, kind: str,
                     peer_id: int, **extra: str) -> int:
    page = client.get(f"/solidarity/fights/{case_id}")
    assert page.status_code == 200
    data = {"kind": kind, "peer_ids": str(peer_id), "ask": "Picket the Portland office",
            "why": "Acme owns 40 buildings in Portland", "action_kind": "picket",
            "place": "Acme office, 5 Burnside", "when": "", **extra,
            "csrf_token": csrf(page.get_data(as_text=True))}
    return client.post(f"/solidarity/fights/{case_id}/appeals", data=data).status_code


def received(app: Flask, network_id: int) -> Appeal:
    with app.app_context():
        appeal = db.session.scalars(select(Appeal).where(
            Appeal.network_id == network_id,
            Appeal.direction == AppealDirection.RECEIVED).order_by(Appeal.id.desc())).first()
        assert appeal is not None, "no appeal arrived"
        db.session.expunge(appeal)
        return appeal


def answer(client: FlaskClient, appeal_id: int, verdict: str, **extra: str) -> int:
    page = client.get("/solidarity/").get_data(as_text=True)
    prefix = f"appeal-{appeal_id}-"
    data = {prefix + "verdict": verdict, prefix + "note": extra.get("note", ""),
            prefix + "offer": extra.get("offer", ""), prefix + "csrf_token": csrf(page)}
    return client.post(f"/solidarity/appeals/{appeal_id}/answer", data=data).status_code


def test_a_joint_fight_runs_through_both_networks(
        app: Flask, client: FlaskClient, two: Two, make_fight: Callable[..., tuple[int, int]]
) -> None:
    case_id, organizer = make_fight(CaseState.DELIVERED, two.sea_organizer)
    client = as_user(app, organizer)
    pdx_peer = peer_id_of(app, two.sea)
    # Joint only once the strategy and end conditions are written.
    assert appeal_from_page(client, app, case_id, "joint", pdx_peer) == 400
    page = client.get(f"/solidarity/fights/{case_id}").get_data(as_text=True)
    assert client.post(f"/solidarity/fights/{case_id}/strategy", data={
        "strategy": STRATEGY, "end_conditions": END, "csrf_token": csrf(page)}).status_code == 302
    assert appeal_from_page(client, app, case_id, "joint", pdx_peer) == 302

    appeal = received(app, two.pdx)
    assert appeal.terms["fight"]["endConditions"] == END
    assert appeal.terms["target"]["name"] == "Acme Landlords"
    client = as_user(app, two.pdx_coordinator)
    listing = client.get("/solidarity/").get_data(as_text=True)
    assert "Seattle SolNet asks: Joint fight" in listing and END in listing
    assert answer(client, appeal.id, "accept", note="In till the end") == 302

    with app.app_context():
        linked = db.session.get_one(Case, received(app, two.pdx).case_id)
        linked_id = linked.id
        assert (linked.network_id, linked.joint_with, linked.state) == (
            two.pdx, "Seattle SolNet", CaseState.DELIVERED)
        sent = db.session.scalars(select(Appeal).where(Appeal.case_id == case_id)).one()
        assert sent.status == AppealStatus.ACCEPTED and sent.answer_note == "In till the end"
        # The joined side cannot move the fight, nor talk to the target.
        with pytest.raises(TransitionNotAllowed, match="led by Seattle SolNet"):
            apply_transition(linked_id, "open_talks", db.session.get_one(
                User, two.pdx_coordinator), full_input("open_talks"), linked.version)
        db.session.rollback()
    shown = client.get(f"/cases/{linked_id}").get_data(as_text=True)
    assert "led by Seattle SolNet" in shown
    contact = client.get(f"/cases/{linked_id}/contacts", follow_redirects=True)
    assert "All communication with the target goes through Seattle SolNet" in \
        contact.get_data(as_text=True)

    # Portland plans and records its own action; Seattle sees it with its turnout.
    with app.app_context():
        action_id = plan(linked_id, two.pdx_coordinator, place="Acme office, 5 Burnside",
                         starts_at=WHEN)
        actions.record_done(db.session.get_one(actions.Action, action_id), db.session.get_one(
            User, two.pdx_coordinator), actions.ActionReport(result="Manager came out",
                                                             turnout_actual=40))
        db.session.commit()
    deliver(app)
    assert "Portland SolNet: picket at Acme office, 5 Burnside, Sat 21 Nov 2026, 40 people. " \
        "Manager came out" in timeline(app, case_id)

    # Seattle records the win: Portland's linked fight is won too, and counts as a win.
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        apply_transition(case_id, "open_talks", db.session.get_one(User, organizer),
                         full_input("open_talks"), case.version, today=date(2026, 11, 22))
        db.session.commit()
        case = db.session.get_one(Case, case_id)
        apply_transition(case_id, "win", db.session.get_one(User, organizer), full_input("win"),
                         case.version, today=date(2026, 11, 22))
        db.session.commit()
    deliver(app)
    with app.app_context():
        linked = db.session.get_one(Case, linked_id)
        assert linked.state == CaseState.WON
        figures = db.session.get_one(FightFigures, linked_id)
        assert figures.outcome_kind is not None and figures.outcome_kind.value == "full"
    assert received(app, two.pdx).status == AppealStatus.ENDED


def test_a_one_off_request_declined_with_an_offer(
        app: Flask, client: FlaskClient, two: Two, make_fight: Callable[..., tuple[int, int]]
) -> None:
    case_id, organizer = make_fight(CaseState.DRAFTING, two.sea_organizer)
    client = as_user(app, organizer)
    assert appeal_from_page(client, app, case_id, "one_off", peer_id_of(app, two.sea),
                            when="2026-12-12T11:00") == 302
    appeal = received(app, two.pdx)
    assert appeal.terms["action"] == {"kind": "picket", "place": "Acme office, 5 Burnside",
                                      "when": "2026-12-12T11:00:00-08:00"}
    client = as_user(app, two.pdx_organizer)
    assert answer(client, appeal.id, "decline") == 403
    client = as_user(app, two.pdx_coordinator)
    assert answer(client, appeal.id, "decline", note="No capacity this month",
                  offer="A call-in day") == 302
    with app.app_context():
        sent = db.session.scalars(select(Appeal).where(Appeal.case_id == case_id)).one()
        assert (sent.status, sent.offered_action) == (AppealStatus.DECLINED, "A call-in day")
    client = as_user(app, organizer)
    assert "Offers instead: A call-in day" in client.get(
        f"/solidarity/fights/{case_id}").get_data(as_text=True)
    assert any("Offers instead: A call-in day" in note for note in timeline(app, case_id))


def report_back(client: FlaskClient, appeal_id: int, **fields: str) -> tuple[int, str]:
    page = client.get("/solidarity/").get_data(as_text=True)
    prefix = f"report-{appeal_id}-"
    data = {prefix + name: value for name, value in fields.items()}
    response = client.post(f"/solidarity/appeals/{appeal_id}/report",
                           data={**data, prefix + "csrf_token": csrf(page)})
    return response.status_code, response.get_data(as_text=True)


@pytest.mark.parametrize(("fields", "field", "says"), [
    ({"done_on": "", "turnout": "12"}, "done_on", "This is needed."),
    ({"done_on": "2026-12-12", "turnout": "-3"}, "turnout", "Enter a number from 0 to 100,000."),
    ({"done_on": "12/12/2026", "turnout": "12"}, "done_on", "Not a valid date value."),
])
def test_a_bad_report_is_refused_next_to_its_field_and_nothing_goes(
        app: Flask, two: Two, make_fight: Callable[..., tuple[int, int]],
        fields: dict[str, str], field: str, says: str) -> None:
    case_id, organizer = make_fight(CaseState.DRAFTING, two.sea_organizer)
    assert appeal_from_page(as_user(app, organizer), app, case_id, "one_off",
                            peer_id_of(app, two.sea)) == 302
    appeal = received(app, two.pdx)
    client = as_user(app, two.pdx_coordinator)
    assert answer(client, appeal.id, "accept") == 302
    status, page = report_back(client, appeal.id, place="Burnside office",
                               result="The manager came out", **fields)
    assert status == 400
    error = re.search(rf'id="report-{appeal.id}-{field}-error"[^>]*>([^<]*)<', page)
    assert error is not None and says in error.group(1)
    assert 'value="Burnside office"' in page and "The manager came out" in page
    deliver(app)
    assert received(app, two.pdx).report is None
    with app.app_context():
        assert db.session.scalars(select(Appeal.report).where(Appeal.case_id == case_id)
                                  ).one() is None


def test_an_accepted_one_off_action_is_reported_back_once(
        app: Flask, two: Two, make_fight: Callable[..., tuple[int, int]]) -> None:
    case_id, organizer = make_fight(CaseState.DRAFTING, two.sea_organizer)
    assert appeal_from_page(as_user(app, organizer), app, case_id, "one_off",
                            peer_id_of(app, two.sea), action_kind="call_in") == 302
    appeal = received(app, two.pdx)
    assert report_back(as_user(app, two.pdx_organizer), appeal.id, done_on="2026-12-12")[0] \
        == 403
    client = as_user(app, two.pdx_coordinator)
    assert f"report-{appeal.id}-done_on" not in client.get("/solidarity/").get_data(
        as_text=True), "nothing to report before accepting"
    assert answer(client, appeal.id, "accept", note="We will call them all day") == 302
    assert report_back(client, appeal.id, done_on="2026-12-12", place="by phone",
                       turnout="12", result="They promised to call back")[0] == 302
    told = ("Portland SolNet: call-in at by phone, Sat 12 Dec 2026, 12 people. "
            "They promised to call back")
    assert told in timeline(app, case_id)
    seattle = as_user(app, organizer)
    assert f"Done: {told}" in seattle.get(f"/solidarity/fights/{case_id}").get_data(
        as_text=True)
    assert f"Done: {told}" in seattle.get("/solidarity/").get_data(as_text=True)
    portland_page = client.get("/solidarity/").get_data(as_text=True)
    assert f"You told them: {told}" in portland_page
    assert f"report-{appeal.id}-done_on" not in portland_page
    # Told once: a second report is refused and nothing more arrives.
    assert report_back(client, appeal.id, done_on="2026-12-13")[0] == 302
    assert "You told them how it went already." in client.get("/solidarity/").get_data(
        as_text=True)
    deliver(app)
    assert [note for note in timeline(app, case_id) if "call-in" in note] == [told]


def joined_fight(app: Flask, two: Two, case_id: int, organizer: int) -> int:
    """Seattle's fight offered as a joint fight and accepted by Portland; the linked fight."""
    from casework.solidarity.appeals import AppealInput, save_strategy, send_appeal
    from casework.solidarity.joint import answer_appeal

    with app.app_context():
        case, user = db.session.get_one(Case, case_id), db.session.get_one(User, organizer)
        save_strategy(case, user, STRATEGY, END)
        send_appeal(case, user, AppealInput(kind=AppealKind.JOINT,
                                            peer_ids=[peer_id_of(app, two.sea)], ask="Join"))
        db.session.commit()
    deliver(app)
    with app.app_context():
        appeal = db.session.get_one(Appeal, received(app, two.pdx).id)
        linked = answer_appeal(appeal, db.session.get_one(User, two.pdx_coordinator), True, "",
                               "")
        assert linked is not None
        linked.team.append(db.session.get_one(User, two.pdx_organizer))
        db.session.commit()
        linked_id = linked.id
    deliver(app)
    return linked_id


def test_organizers_of_a_joined_fight_see_its_shared_status_and_only_their_records(
        app: Flask, two: Two, make_fight: Callable[..., tuple[int, int]],
        make_user: Callable[..., int]) -> None:
    case_id, organizer = make_fight(CaseState.DELIVERED, two.sea_organizer)
    linked_id = joined_fight(app, two, case_id, organizer)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        apply_transition(case_id, "escalate", db.session.get_one(User, organizer),
                         full_input("escalate"), case.version, today=date(2026, 11, 22))
        db.session.commit()
    deliver(app)
    on_team = as_user(app, two.pdx_organizer)
    page = on_team.get(f"/cases/{linked_id}").get_data(as_text=True)
    assert "Seattle SolNet moved the joint fight" in page and "Escalating" in page
    assert "Maria Example" not in page  # Seattle's member
    for url in (f"/cases/{case_id}", f"/solidarity/fights/{case_id}",
                f"/solidarity/fights/{linked_id}"):
        assert on_team.get(url).status_code == 404, url
    off_team = as_user(app, make_user(Role.ORGANIZER, network=two.pdx))
    assert "Seattle SolNet moved the joint fight" not in off_team.get(
        f"/cases/{linked_id}").get_data(as_text=True)
    assert off_team.get(f"/solidarity/fights/{linked_id}/forward").status_code == 403


@pytest.mark.parametrize(("on_team", "link"), [(True, "/solidarity/fights/{}"),
                                               (False, "/cases/{}")])
def test_an_appeal_sent_links_to_what_the_reader_may_open(
        app: Flask, two: Two, make_fight: Callable[..., tuple[int, int]],
        make_user: Callable[..., int], on_team: bool, link: str) -> None:
    case_id, organizer = make_fight(CaseState.DRAFTING, two.sea_organizer)
    assert appeal_from_page(as_user(app, organizer), app, case_id, "one_off",
                            peer_id_of(app, two.sea)) == 302
    reader = as_user(app, organizer if on_team else make_user(Role.ORGANIZER))
    page = reader.get("/solidarity/").get_data(as_text=True)
    href = re.search(r'<td data-label="Fight"><a href="([^"]+)"', page)
    assert href is not None and href.group(1) == link.format(case_id)
    assert reader.get(href.group(1)).status_code == 200
