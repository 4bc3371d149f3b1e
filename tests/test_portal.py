"""The member portal: member logins, 'My fight', the member's own approval, and ownership."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.routing import Rule

from casework.extensions import db
from casework.letters.context import LetterKind
from casework.letters.services import add_version, demand_letter, demand_letter_missing
from casework.models import (
    Case,
    Demand,
    DemandKind,
    Event,
    Invitation,
    Letter,
    LetterVersion,
    Outcome,
    OutcomeKind,
    Role,
    User,
)
from casework.portal.services import MEMBER_APPROVAL_NOTE, invite_member
from casework.users.invitations import accept_invitation
from casework.workflow.states import CaseState
from tests.conftest import PASSWORD, login
from tests.fights import NOW

MEMBER_PASSWORD = "a-long-first-password"


@dataclass
class Portal:
    """Network A: two fights of two people, each with a member login; network B: a third."""

    coordinator_id: int
    organizer_id: int
    case_id: int
    member_id: int
    version_id: int  # the draft (version 2) of the member's demand letter
    approved_version_id: int  # version 1, approved by the team
    other_case_id: int
    other_member_id: int
    other_version_id: int
    foreign_case_id: int
    foreign_member_id: int
    foreign_version_id: int


def give_login(app: Flask, case_id: int, coordinator_id: int, email: str) -> int:
    """A member login for the person of the case, made by the portal's service."""
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        invite_member(case, db.session.get_one(User, coordinator_id), email, PASSWORD)
        member = accept_invitation(email, PASSWORD)  # the first login
        assert member is not None
        db.session.commit()
        return member.id


def draft_version(app: Flask, case_id: int, organizer_id: int) -> int:
    """A new draft of the case's demand letter (a demand letter is started if none exists)."""
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        letter = demand_letter(case)
        if letter is None:
            letter = Letter(case=case, kind=LetterKind.DEMAND, language="en")
            db.session.add(letter)
        version = add_version(letter, db.session.get_one(User, organizer_id), {})
        db.session.commit()
        return version.id


@pytest.fixture
def portal(app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
           make_fight: Callable[..., tuple[int, int]],
           make_network: Callable[..., int]) -> Portal:
    coordinator = make_user(Role.COORDINATOR)
    case_id, organizer = make_fight(CaseState.DRAFTING, target_name="Blue Fern Bistro",
                                    summary="Three weeks of unpaid wages")
    with app.app_context():
        letter = demand_letter(db.session.get_one(Case, case_id))
        assert letter is not None and letter.latest is not None
        approved = letter.latest.id
    version = draft_version(app, case_id, organizer)
    other_case, _ = make_fight(CaseState.DRAFTING, organizer, person_name="Other Person",
                               person_phone="206-555-0177", target_name="Hidden Holdings",
                               summary="Somebody else's deposit")
    other_version = draft_version(app, other_case, organizer)
    foreign_network = make_network("OTH")
    foreign_coordinator = make_user(Role.COORDINATOR, network=foreign_network)
    foreign_case = make_case(make_user(Role.INTAKE, network=foreign_network),
                             summary="Foreign fight", target_name="Far Away Ltd")
    foreign_version = draft_version(app, foreign_case, foreign_coordinator)
    return Portal(
        coordinator, organizer, case_id, give_login(app, case_id, coordinator, "maria@example.org"),
        version, approved, other_case,
        give_login(app, other_case, coordinator, "other@example.org"), other_version,
        foreign_case, give_login(app, foreign_case, foreign_coordinator, "far@example.org"),
        foreign_version)


def fingerprint_on(page: str) -> str:
    found = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]{64})"', page)
    assert found is not None, "no approve button on the page"
    return found.group(1)


# ---- giving a member a login -----------------------------------------------------------------


def test_a_coordinator_gives_the_member_of_a_case_a_login(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    """The coordinator records an invitation; the login is made at the member's first login."""
    case_id = make_case(person_email="rita@example.org", person_name="Rita Example")
    client = login_as(make_user(Role.COORDINATOR))
    page = client.get(f"/cases/{case_id}/member-login").get_data(as_text=True)
    assert 'value="rita@example.org"' in page  # the person's email, offered
    response = client.post(f"/cases/{case_id}/member-login",
                           data={"email": "Rita@Example.org", "password": MEMBER_PASSWORD})
    assert response.status_code == 302
    assert response.location.endswith(f"/cases/{case_id}")
    assert "An invitation was recorded for rita@example.org." in client.get(
        response.location).get_data(as_text=True)
    waiting = client.get(f"/cases/{case_id}/member-login").get_data(as_text=True)
    assert "is waiting for their first login with rita@example.org" in waiting
    again = client.post(f"/cases/{case_id}/member-login",
                        data={"email": "second@example.org", "password": MEMBER_PASSWORD})
    assert again.status_code == 400
    member_browser = app.test_client()
    first_login = member_browser.post("/login", data={"email": "rita@example.org",
                                                      "password": MEMBER_PASSWORD})
    assert first_login.status_code == 302
    assert member_browser.get("/my-fight").status_code == 200
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        member = db.session.scalars(select(User).where(User.role == Role.MEMBER)).one()
        assert (member.person_id, member.network_id) == (case.person_id, case.network_id)
        assert (member.name, member.email) == ("Rita Example", "rita@example.org")
        assert member.check_password(MEMBER_PASSWORD)
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0
        notes = db.session.scalars(select(Event.note).where(Event.case_id == case_id)).all()
        assert "Portal login offered to the member." in notes
        assert not any("rita@" in note for note in notes)
    again = client.post(f"/cases/{case_id}/member-login",
                        data={"email": "second@example.org", "password": MEMBER_PASSWORD})
    assert again.status_code == 400
    assert "already has a login" in again.get_data(as_text=True)


@pytest.mark.parametrize(
    ("data", "message"),
    [({"email": "", "password": MEMBER_PASSWORD}, "This is needed."),
     ({"email": "nope", "password": MEMBER_PASSWORD}, "This is not an email address."),
     ({"email": "m@example.org", "password": "short"}, "Use 12 to 200 characters."),
     ({"email": "taken@example.org", "password": MEMBER_PASSWORD},
      "An account with this email already exists in your network.")],
)
def test_a_member_login_refuses_bad_input(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient], data: dict[str, str], message: str,
) -> None:
    make_user(Role.INTAKE, email="taken@example.org")
    case_id = make_case()
    client = login_as(make_user(Role.COORDINATOR))
    response = client.post(f"/cases/{case_id}/member-login", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(User.role == Role.MEMBER)) == 0
        assert db.session.scalar(select(func.count()).select_from(Invitation)) == 0


@pytest.mark.parametrize("role", [Role.INTAKE, Role.ORGANIZER])
def test_only_coordinators_give_member_logins(
    make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient], role: Role,
) -> None:
    organizer = make_user(role)
    case_id = make_case(organizer if role == Role.INTAKE else None, team=[organizer])
    client = login_as(organizer)
    assert client.get(f"/cases/{case_id}/member-login").status_code == 403
    assert client.post(f"/cases/{case_id}/member-login",
                       data={"email": "m@example.org", "password": MEMBER_PASSWORD}
                       ).status_code == 403


# ---- the member's own fight ------------------------------------------------------------------


def test_a_member_logs_in_and_sees_only_their_own_fight(
    app: Flask, portal: Portal, client: FlaskClient
) -> None:
    response = client.post("/login", data={"email": "maria@example.org", "password": PASSWORD})
    assert response.location == "/my-fight"
    assert client.get("/login").location == "/my-fight"
    page = client.get("/my-fight").get_data(as_text=True)
    with app.app_context():
        case = db.session.get_one(Case, portal.case_id)
        shown = [case.reference, "Drafting", "Blue Fern Bistro", "Three weeks of unpaid wages",
                 "Sun 1 Nov 2026", "Version 2", "I approve this version",
                 f"/my-fight/letters/{portal.version_id}/preview"]
        other = db.session.get_one(Case, portal.other_case_id).reference
    for text in shown:
        assert text in page, text
    for hidden in (other, "Hidden Holdings", "Somebody else", "Other Person", "206-555-01",
                   "Foreign fight", "winnab", "Winnable", "/cases/", "My work", "Board"):
        assert hidden not in page, hidden
    nav = page.split("</nav>")[0]
    assert re.findall(r"<a href=\"([^\"]+)\"", nav) == [
        "/my-fight", "/my-fight", "/account/password", "/account/language"]
    assert "Log out" in nav


def test_an_ended_fight_shows_its_outcome(app: Flask, portal: Portal,
                                          login_as: Callable[[int], FlaskClient]) -> None:
    with app.app_context():
        case = db.session.get_one(Case, portal.case_id)
        case.state = CaseState.WON
        db.session.add(Outcome(case=case, kind=OutcomeKind.PARTIAL, decided_on=NOW.date(),
                               amount_recovered=Decimal("1500.00"), debrief="Internal notes"))
        db.session.commit()
    page = login_as(portal.member_id).get("/my-fight").get_data(as_text=True)
    assert "Partial win · $1,500.00 recovered" in page
    assert "Internal notes" not in page


def test_a_member_without_a_fight_sees_an_empty_page(
    make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]
) -> None:
    page = login_as(make_user(Role.MEMBER)).get("/my-fight").get_data(as_text=True)
    assert "There is no fight of yours here yet." in page


def test_the_member_reads_the_letter_with_its_own_stylesheet(
    portal: Portal, login_as: Callable[[int], FlaskClient]
) -> None:
    client = login_as(portal.member_id)
    response = client.get(f"/my-fight/letters/{portal.version_id}/preview")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Blue Fern Bistro" in page and "Maria Example" in page
    assert 'href="/my-fight/assets/letter.css"' in page
    for name, status in [("letter.css", 200), ("fonts/IBMPlexSans-Regular.woff2", 200),
                         ("fontconfig.conf", 404), ("../fetcher.py", 404)]:
        asset = client.get(f"/my-fight/assets/{name}")
        asset.close()
        assert asset.status_code == status, name


# ---- the member's approval -------------------------------------------------------------------


def test_the_member_approves_the_latest_draft_themselves(
    app: Flask, portal: Portal, login_as: Callable[[int], FlaskClient]
) -> None:
    client = login_as(portal.member_id)
    seen = fingerprint_on(client.get("/my-fight").get_data(as_text=True))
    with app.app_context():
        version_before = db.session.get_one(Case, portal.case_id).version
    response = client.post(f"/my-fight/letters/{portal.version_id}/approve",
                           data={"fingerprint": seen}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "you approved version 2 of the demand letter" in page
    assert "approved by you on" in page and "I approve this version" not in page
    with app.app_context():
        version = db.session.get_one(LetterVersion, portal.version_id)
        case = db.session.get_one(Case, portal.case_id)
        assert version.is_approved and version.approved_at is not None
        assert version.approved_by_id == portal.member_id
        assert version.member_approval_note == MEMBER_APPROVAL_NOTE
        assert case.version > version_before  # updated_at bumped the case
        last = db.session.scalars(select(Event).where(Event.case_id == case.id)
                                  .order_by(Event.id.desc())).first()
        assert last is not None and last.actor_id == portal.member_id
        assert last.note == f"Letter version 2 approved. {MEMBER_APPROVAL_NOTE}"
        # The workflow now waits for the reviewer, not for the member.
        assert demand_letter_missing(case) == [
            "A reviewer other than its author must check version 2 for anything "
            "self-incriminating."]
    again = client.post(f"/my-fight/letters/{portal.version_id}/approve",
                        data={"fingerprint": seen}, follow_redirects=True)
    assert "Only the latest draft can be approved." in again.get_data(as_text=True)


def test_the_member_cannot_approve_a_letter_that_changed_after_they_read_it(
    app: Flask, portal: Portal, login_as: Callable[[int], FlaskClient]
) -> None:
    client = login_as(portal.member_id)
    seen = fingerprint_on(client.get("/my-fight").get_data(as_text=True))
    with app.app_context():
        db.session.add(Demand(case_id=portal.case_id, kind=DemandKind.ACTION, position=9,
                              description="Apologise in writing"))
        db.session.commit()
    response = client.post(f"/my-fight/letters/{portal.version_id}/approve",
                           data={"fingerprint": seen}, follow_redirects=True)
    assert "The letter changed since you opened this page" in response.get_data(as_text=True)
    for bad in ({}, {"fingerprint": "x" * 64}, {"fingerprint": "0" * 64}):
        client.post(f"/my-fight/letters/{portal.version_id}/approve", data=bad)
    with app.app_context():
        assert not db.session.get_one(LetterVersion, portal.version_id).is_approved


def test_an_older_or_approved_version_cannot_be_approved_again(
    app: Flask, portal: Portal, login_as: Callable[[int], FlaskClient]
) -> None:
    client = login_as(portal.member_id)
    page = client.get("/my-fight").get_data(as_text=True)
    response = client.post(f"/my-fight/letters/{portal.approved_version_id}/approve",
                           data={"fingerprint": fingerprint_on(page)}, follow_redirects=True)
    assert "Only the latest draft can be approved." in response.get_data(as_text=True)
    with app.app_context():
        version = db.session.get_one(LetterVersion, portal.approved_version_id)
        assert version.approved_by_id is None  # still the team's approval from the setup


# ---- ownership: the route x member matrix ----------------------------------------------------


def app_rules(app: Flask) -> list[Rule]:
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    return sorted(rules, key=lambda r: (r.endpoint == "auth.logout", r.rule))


def member_may_use(app: Flask, rule: Rule) -> bool:
    allowed = app.view_functions[rule.endpoint].allowed_roles
    return allowed is None or Role.MEMBER in allowed


def request_rule(client: FlaskClient, rule: Rule, method: str, values: dict[str, Any]) -> Any:
    # Ids this test does not know (routes added later) are 1: the role check comes first.
    url = rule.build({arg: values.get(arg, 1) for arg in rule.arguments})[1]
    response = client.open(url, method=method)
    response.get_data()
    response.close()
    return response


def url_values(portal: Portal, **ids: int) -> dict[str, Any]:
    return {"case_id": portal.case_id, "task_id": 1, "user_id": portal.coordinator_id,
            "demand_id": 1, "contact_id": 1, "letter_id": 1, "version_id": portal.version_id,
            "verdict": "reject", "trigger": "approve_letter", "name": "letter.css",
            "token": "not-a-calendar-secret", "direction": "up", "code": "sea",
            "answer": "yes", "move": "unpublish", "step": "check", "language": "es", **ids}


def test_a_member_is_refused_every_staff_route_and_other_peoples_fights(
    app: Flask, portal: Portal, client: FlaskClient
) -> None:
    with app.app_context():  # public pages (the get-in-touch form) answer members too
        db.session.get_one(Case, portal.case_id).network.public_form_open = True
        db.session.commit()
    login(client, app, portal.member_id)
    own = url_values(portal)
    portal_routes = []
    for rule in app_rules(app):
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            where = f"{method} {rule.rule}"
            response = request_rule(client, rule, method, own)
            if not member_may_use(app, rule):
                assert response.status_code == 403, where
            elif rule.endpoint == "auth.login":
                assert response.location == "/my-fight", where
            elif rule.arguments & {"token", "action_id"}:
                # A secret address (a wrong secret finds nothing), or a caller's pages (this
                # member calls nobody).
                assert response.status_code == 404, where
            elif "code" in rule.arguments:
                # A network's public pages: an empty sending of the form is refused as bad input.
                assert response.status_code in ((200, 400) if method == "POST" else (200,)), where
            else:
                assert response.status_code in (200, 302), where
                portal_routes.append((rule, method))
    with_ids = [(rule, method) for rule, method in portal_routes if "version_id" in rule.arguments]
    assert len(with_ids) == 2  # the preview and the approval
    login(client, app, portal.member_id)  # the matrix ended with the logout
    for version_id in (portal.other_version_id, portal.foreign_version_id,
                       portal.approved_version_id + 10_000):
        for rule, method in with_ids:
            values = url_values(portal, version_id=version_id)
            response = request_rule(client, rule, method, values)
            assert response.status_code == 404, f"{method} {rule.rule} {version_id}"
    with app.app_context():
        for version_id in (portal.other_version_id, portal.foreign_version_id):
            assert not db.session.get_one(LetterVersion, version_id).is_approved


@pytest.mark.parametrize("role", [Role.INTAKE, Role.ORGANIZER, Role.COORDINATOR])
def test_staff_find_nothing_in_the_portal(
    app: Flask, portal: Portal, make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], role: Role,
) -> None:
    user = portal.organizer_id if role == Role.ORGANIZER else make_user(role)
    client = login_as(user)
    assert client.get("/my-fight").status_code == 403
    assert client.get(f"/my-fight/letters/{portal.version_id}/preview").status_code == 404
    assert client.post(f"/my-fight/letters/{portal.version_id}/approve",
                       data={"fingerprint": "0" * 64}).status_code == 404
    assert client.get("/login").location == "/"


def test_a_disabled_member_cannot_log_in(app: Flask, portal: Portal, client: FlaskClient) -> None:
    with app.app_context():
        db.session.get_one(User, portal.member_id).is_disabled = True
        db.session.commit()
    response = client.post("/login", data={"email": "maria@example.org", "password": PASSWORD})
    assert response.status_code == 200
    assert client.get("/my-fight").status_code == 302
