"""A joined fight as the joining network sees it: no member of its own (the placeholder
person is nobody anywhere people are listed), the joint terms on its page, its win counted
and marked as joint in the reports, and a clear notice when the link breaks."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.actions import services as actions
from casework.actions.calls import build_call_list
from casework.extensions import db
from casework.letters.context import LetterKind
from casework.letters.services import LetterRefused, create_letter
from casework.models import (
    CallListEntry,
    Case,
    Letter,
    Network,
    OutboxMessage,
    Peer,
    PeerStatus,
    Role,
    User,
)
from casework.people.queries import PeopleFilters, list_people
from casework.privacy.export import export_rows
from casework.solidarity.services import suspend_peer, unlink_peer
from casework.workflow.service import apply_transition
from casework.workflow.states import CaseState
from tests.fights import full_input
from tests.joint_fights import Two, deliver, link_two
from tests.ladder import WHEN, person, plan
from tests.test_appeals import END, STRATEGY, as_user, csrf, joined_fight

YEAR_2026 = "period=range&start=2026-01-01&end=2026-12-31"
MEMBER_SECTIONS = ("The person", "Screening", "Meeting decisions", "The member's consent")


@pytest.fixture
def two(app: Flask, network_id: int, make_network: Callable[..., int],
        make_user: Callable[..., int]) -> Two:
    return link_two(app, network_id, make_network, make_user)


@pytest.fixture
def fights(app: Flask, two: Two, make_fight: Callable[..., tuple[int, int]]
           ) -> tuple[int, int]:
    """Seattle's fight (delivered) and Portland's linked fight joining it."""
    case_id, organizer = make_fight(CaseState.DELIVERED, two.sea_organizer)
    return case_id, joined_fight(app, two, case_id, organizer)


def move(app: Flask, case_id: int, user_id: int, trigger: str) -> None:
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        apply_transition(case_id, trigger, db.session.get_one(User, user_id),
                         full_input(trigger), case.version, today=date(2026, 11, 22))
        db.session.commit()


def test_the_placeholder_member_of_a_joined_fight_is_nobody(
        app: Flask, two: Two, fights: tuple[int, int]) -> None:
    _case_id, linked_id = fights
    coordinator = as_user(app, two.pdx_coordinator)
    with app.app_context():
        placeholder = db.session.get_one(Case, linked_id).person
        assert placeholder.stands_for_network and placeholder.name == "Seattle SolNet"
        member = person(two.pdx, "Sam Portland", phone="503-555-0101")
        db.session.commit()
        # The directory, its search and the person's own page.
        names = [p.name for p in list_people(two.pdx, PeopleFilters()).people]
        assert names == ["Sam Portland"]
        assert list_people(two.pdx, PeopleFilters(text="Seattle")).people == []
        # The export: the fight is there, with no person in it.
        network = db.session.get_one(Network, two.pdx)
        rows = list(export_rows(network, db.session.get_one(User, two.pdx_coordinator), True,
                                "secret"))
        assert [row[-3:] for row in rows[1:]] == [["", "", ""]]
        placeholder_id = placeholder.id
        # Call lists and action roles: the network's members, not the leading network.
        action_id = plan(linked_id, two.pdx_coordinator, starts_at=WHEN)
        action = db.session.get_one(actions.Action, action_id)
        build_call_list(action, db.session.get_one(User, two.pdx_coordinator))
        db.session.commit()
        assert list(db.session.scalars(select(CallListEntry.person_id).where(
            CallListEntry.action_id == action_id))) == [member]
        assert [p.name for p in actions.role_candidates(action)] == ["Sam Portland"]
    directory = coordinator.get("/people/").get_data(as_text=True)
    assert "Sam Portland" in directory and "Seattle SolNet" not in directory
    assert coordinator.get(f"/people/{placeholder_id}").status_code == 404


def test_a_joined_fight_shows_the_joint_terms_not_the_member(
        app: Flask, two: Two, fights: tuple[int, int]) -> None:
    case_id, linked_id = fights
    page = as_user(app, two.pdx_organizer).get(f"/cases/{linked_id}").get_data(as_text=True)
    assert "Joint fight led by Seattle SolNet" in page
    assert STRATEGY in page and END in page
    with app.app_context():
        case = db.session.get_one(Case, linked_id)
        assert case.demands and all(d.description in page for d in case.demands)
    for section in MEMBER_SECTIONS:
        assert f">{section}</h2>" not in page, section
    # The leading network's own fight keeps its member's sections.
    own = as_user(app, two.sea_organizer).get(f"/cases/{case_id}").get_data(as_text=True)
    assert all(f">{section}</h2>" in own for section in MEMBER_SECTIONS)
    assert "Joint fight led by" not in own
    spanish = as_user(app, two.pdx_organizer).get(
        f"/cases/{linked_id}", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Lucha conjunta encabezada por Seattle SolNet" in spanish


def outcome_rows(app: Flask, user_id: int) -> list[list[str]]:
    response = as_user(app, user_id).get(f"/reports/outcomes-by-issue.csv?{YEAR_2026}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


def test_a_joint_win_counts_for_every_network_in_it_marked_as_joint(
        app: Flask, two: Two, fights: tuple[int, int],
        make_fight: Callable[..., tuple[int, int]], make_user: Callable[..., int]) -> None:
    case_id, _linked_id = fights
    # Portland's own fight, won on its own: a win, not joint.
    own_id, _ = make_fight(CaseState.DELIVERED, two.pdx_organizer, author_id=two.pdx_organizer)
    for trigger in ("open_talks", "win"):
        move(app, own_id, two.pdx_organizer, trigger)
        move(app, case_id, two.sea_organizer, trigger)  # the joint fight, led by Seattle
    deliver(app)
    header = ["Issue type", "Won", "Partial", "Lost", "Closed otherwise",
              "Of which joint fights", "Win rate (%)"]
    # Portland: two wins (its own and the joint one), one of them joint.
    assert outcome_rows(app, two.pdx_coordinator) == [
        header, ["All fights", "2", "0", "0", "0", "1", "100.0"],
        ["Stolen deposit", "2", "0", "0", "0", "1", "100.0"]]
    # Seattle, which led it: one win, joint.
    assert outcome_rows(app, make_user(Role.COORDINATOR))[1] == [
        "All fights", "1", "0", "0", "0", "1", "100.0"]
    page = as_user(app, two.pdx_coordinator).get(f"/reports/?{YEAR_2026}")
    assert "Of which joint fights" in page.get_data(as_text=True)
    # The money won in the joint fight counts for Portland too: 2 x 2,160.
    money = as_user(app, two.pdx_coordinator).get(f"/reports/money.csv?{YEAR_2026}")
    rows = list(csv.reader(io.StringIO(money.get_data(as_text=True))))
    total = dict(zip(rows[0], rows[1], strict=True))
    assert (total["Fights decided"], total["Recovered"]) == ("2", "4320.00")


def outbox_count(app: Flask, network_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.network_id == network_id)) or 0


@pytest.mark.parametrize(("change", "notice"), [
    ("suspend", "The link with Seattle SolNet is suspended: updates no longer arrive."),
    ("unlink", "The link with Seattle SolNet has ended: updates no longer arrive."),
])
def test_a_broken_link_in_a_joint_fight_is_shown_and_nothing_breaks(
        app: Flask, two: Two, fights: tuple[int, int], change: str, notice: str) -> None:
    case_id, linked_id = fights
    with app.app_context():
        peer = db.session.scalars(select(Peer).where(Peer.network_id == two.pdx)).one()
        if change == "suspend":
            suspend_peer(peer)
        else:
            unlink_peer(db.session.get_one(Network, two.pdx), peer)
        db.session.commit()
    deliver(app)
    on_team = as_user(app, two.pdx_organizer)
    assert notice in on_team.get(f"/cases/{linked_id}").get_data(as_text=True)

    # Forwarding a contact to the leading network: refused with a clear message, kept.
    form = on_team.get(f"/solidarity/fights/{linked_id}/forward").get_data(as_text=True)
    assert notice in form
    sent_before = outbox_count(app, two.pdx)
    refused = on_team.post(f"/solidarity/fights/{linked_id}/forward", data={
        "note": "The manager phoned us", "csrf_token": csrf(form)})
    assert refused.status_code == 400
    text = refused.get_data(as_text=True)
    assert "is suspended or ended: the note cannot be sent" in text
    assert "The manager phoned us" in text
    assert outbox_count(app, two.pdx) == sent_before

    # Both sides go on: Seattle escalates, Portland records an action; nothing crashes and
    # Portland's fight no longer follows.
    move(app, case_id, two.sea_organizer, "escalate")
    with app.app_context():
        action_id = plan(linked_id, two.pdx_organizer, starts_at=WHEN)
        actions.record_done(db.session.get_one(actions.Action, action_id),
                            db.session.get_one(User, two.pdx_organizer),
                            actions.ActionReport(result="", turnout_actual=12))
        db.session.commit()
    deliver(app)
    with app.app_context():
        assert db.session.get_one(Case, linked_id).state == CaseState.DELIVERED
        seattle_side = db.session.scalars(select(Peer.status).where(
            Peer.network_id == two.sea)).one()
    assert on_team.get(f"/cases/{linked_id}").status_code == 200
    leader = as_user(app, two.sea_organizer).get(f"/cases/{case_id}").get_data(as_text=True)
    # Unlinking tells the other side; a suspension is Portland's own choice, unseen there.
    assert seattle_side == (PeerStatus.UNLINKED if change == "unlink" else PeerStatus.LINKED)
    ended = "The link with Portland SolNet has ended: updates no longer arrive."
    assert (ended in leader) == (change == "unlink")


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("sent", "kept"), [
    ("1980.5", Decimal("1980.50")), ("0", Decimal("0.00")), ("-500", None), ("1e20", None),
    ("NaN", None), ("Infinity", None), ("twelve", None), (1980, None), (None, None)])
def test_an_amount_another_network_sent_is_kept_only_when_it_is_money(
        sent: object, kept: Decimal | None) -> None:
    from casework.solidarity.joint import amount

    assert amount(sent) == kept


@pytest.mark.parametrize(("kind", "status"), [("leaflet", 302), ("demand", 400),
                                              ("escalation", 400), ("settlement", 400)])
def test_a_joined_fight_makes_leaflets_not_letters_to_the_target(
        app: Flask, two: Two, fights: tuple[int, int], kind: str, status: int) -> None:
    _case_id, linked_id = fights
    organizer = as_user(app, two.pdx_organizer)
    page = organizer.get(f"/cases/{linked_id}/letters").get_data(as_text=True)
    options = re.findall(r'<option[^>]*value="([\w+]*)"[^>]*>([^<]*)<', page)
    assert options[0] == ("leaflet", "Action leaflet / poster")
    assert "a joined fight makes leaflets only" in page and "No leaflets yet." in page
    # No member whose language to follow: the default is named, and not offered twice.
    assert options[1:] == [
        ("", "English"), ("es", "Spanish"), ("es+en", "Spanish + English")]
    response = organizer.post(f"/cases/{linked_id}/letters", data={
        "kind": kind, "language": "", "csrf_token": csrf(page)})
    assert response.status_code == status
    with app.app_context():
        kinds = list(db.session.scalars(select(Letter.kind).where(Letter.case_id == linked_id)))
        assert kinds == ([LetterKind.LEAFLET] if status == 302 else [])
        if status == 400:  # the service refuses it too, whatever the form offered
            with pytest.raises(LetterRefused, match="goes through Seattle SolNet"):
                create_letter(db.session.get_one(Case, linked_id),
                              db.session.get_one(User, two.pdx_organizer), LetterKind(kind))
