"""Every route checks its permission on the server: a route x role matrix from app.url_map."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule

from casework.extensions import csrf, db
from casework.letters.context import LetterKind
from casework.models import (
    Action,
    ActionKind,
    ActionRole,
    ActionRoleKind,
    Appeal,
    AppealDirection,
    AppealKind,
    CallListEntry,
    Case,
    ContactChannel,
    Demand,
    DemandKind,
    Document,
    DocumentType,
    Invitation,
    Letter,
    LetterVersion,
    OfferStatus,
    Peer,
    PeerInvitation,
    PeerStatus,
    Person,
    Role,
    TargetContact,
    TargetFact,
    TargetFactKind,
    TargetKind,
    TargetProposal,
    TeamJoinRequest,
    User,
)
from tests.conftest import login

ANONYMOUS = "anonymous"
ROLES: list[Role | str] = [ANONYMOUS, *Role]


@dataclass
class World:
    """One network with a case logged by its intake volunteer, and a second network."""

    users: dict[Role, int]
    case_id: int
    task_id: int
    other_user_id: int
    foreign_coordinator_id: int
    demand_id: int
    contact_id: int
    letter_id: int
    version_id: int
    document_id: int
    target_id: int
    fact_id: int
    person_id: int  # the case's person
    duplicate_id: int  # a supporter with the same phone
    action_id: int  # an action on the case, with a role and a call list entry
    role_id: int
    call_id: int
    request_id: int  # another organizer's pending request to join the case team
    proposal_id: int  # details for the case's target, proposed from another inquiry
    invitation_id: int
    peer_id: int  # the network's link with the second network (on this installation)
    peer_invitation_id: int  # an open invitation to link, for another installation
    appeal_id: int  # an appeal from that network, not answered yet

    def url_values(self) -> dict[str, int | str]:
        return {"case_id": self.case_id, "task_id": self.task_id, "user_id": self.other_user_id,
                "demand_id": self.demand_id, "contact_id": self.contact_id,
                "verdict": "reject", "trigger": "screen", "letter_id": self.letter_id,
                "token": "not-a-calendar-secret", "answer": "yes", "table": "funnel",
                "version_id": self.version_id, "name": "letter.css",
                "document_id": self.document_id, "target_id": self.target_id,
                "fact_id": self.fact_id, "person_id": self.person_id,
                "duplicate_id": self.duplicate_id, "action_id": self.action_id,
                "role_id": self.role_id, "call_id": self.call_id, "direction": "down",
                "request_id": self.request_id, "proposal_id": self.proposal_id,
                "invitation_id": self.invitation_id, "code": "sea", "move": "unpublish",
                "peer_id": self.peer_id, "peer_invitation_id": self.peer_invitation_id,
                "step": "check", "language": "es", "appeal_id": self.appeal_id}


@pytest.fixture
def world(app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
          make_task: Callable[..., int], make_network: Callable[..., int]) -> World:
    users = {role: make_user(role) for role in Role}
    case_id = make_case(users[Role.INTAKE], team=[users[Role.ORGANIZER]])
    task_id = make_task(case_id)
    other = make_user(Role.ORGANIZER)
    foreign = make_user(Role.COORDINATOR, network=make_network("OTH"))
    with app.app_context():
        db.session.get_one(Case, case_id).network.public_form_open = True  # the public form
        demand = Demand(case_id=case_id, kind=DemandKind.MONEY, description="Pay", amount=1)
        contact = TargetContact(case_id=case_id, happened_at=datetime.now(UTC),
                                channel=ContactChannel.PHONE, summary="Called", is_offer=True,
                                offer_status=OfferStatus.OPEN)
        letter = Letter(case_id=case_id, kind=LetterKind.DEMAND, language="en")
        version = LetterVersion(letter=letter, number=1, extra={})
        document = Document(case_id=case_id, file_name="stub.pdf", stored_name="0" * 32,
                            content_type=DocumentType.PDF, size_bytes=5, sha256="0" * 64)
        fact = TargetFact(target_id=db.session.get_one(Case, case_id).target_id,
                          kind=TargetFactKind.OWNER, name="Daniel Marsh")
        db.session.add_all([demand, contact, letter, version, document, fact])
        db.session.commit()
        ids = demand.id, contact.id, letter.id, version.id, document.id, fact.target_id, fact.id
        supporter = Person(network_id=db.session.get_one(Case, case_id).network_id,
                           name="Sam Supporter", phone="206-555-0100")
        db.session.add(supporter)
        db.session.commit()
        ids = (*ids, db.session.get_one(Case, case_id).person_id, supporter.id)
        action = Action(case_id=case_id, kind=ActionKind.PICKET, starts_at=datetime.now(UTC))
        role = ActionRole(action=action, role=ActionRoleKind.SPEAKER, name="Ana")
        call = CallListEntry(action=action, person_id=ids[-2], caller_id=users[Role.ORGANIZER])
        invitation = Invitation(network_id=supporter.network_id, name="Ivy", role=Role.INTAKE,
                                email="ivy@example.org", password_hash="x")
        db.session.add_all([action, role, call, invitation])
        db.session.commit()
        ids = (*ids, action.id, role.id, call.id)
        case = db.session.get_one(Case, case_id)
        join = TeamJoinRequest(case=case, user_id=other)
        proposal = TargetProposal(target_id=case.target_id, case=case, kind=TargetKind.PERSON,
                                  address="1 Decoy Road", proposed_by_id=users[Role.INTAKE])
        db.session.add_all([join, proposal])
        db.session.commit()
        ids = (*ids, join.id, proposal.id, invitation.id)
        other_network = db.session.get_one(User, foreign).network
        peer = Peer(network_id=case.network_id, local_network_id=other_network.id,
                    name="Other", actor_id="http://127.0.0.1:5000/federation/oth/actor",
                    key_id="http://127.0.0.1:5000/federation/oth/actor#main-key",
                    public_key_pem="-", inbox_url="http://127.0.0.1:5000/federation/oth/inbox",
                    status=PeerStatus.LINKED)
        peer_invitation = PeerInvitation(network_id=case.network_id, code_sha256="0" * 64,
                                         expires_at=datetime.now(UTC) + timedelta(days=1))
        db.session.add_all([peer, peer_invitation])
        db.session.commit()
        # The organizer is the network's appeals delegate: they answer appeals with the
        # coordinators (another organizer may not: tests/test_appeals.py).
        case.network.appeals_delegate_id = users[Role.ORGANIZER]
        appeal = Appeal(network_id=case.network_id, peer_id=peer.id, uid="urn:uuid:appeal",
                        direction=AppealDirection.RECEIVED, kind=AppealKind.ONE_OFF,
                        terms={"type": "casework:Appeal", "ask": "Picket"})
        db.session.add(appeal)
        db.session.commit()
        ids = (*ids, peer.id, peer_invitation.id, appeal.id)
    return World(users, case_id, task_id, other, foreign, *ids)


def app_rules(app: Flask) -> list[Rule]:
    # Logout last, so it does not end the session the other requests use.
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]
    return sorted(rules, key=lambda r: (r.endpoint == "auth.logout", r.rule))


def request_rule(client: FlaskClient, rule: Rule, method: str,
                 values: dict[str, int | str]) -> Any:
    url = rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
    response = client.open(url, method=method)
    response.get_data()
    response.close()  # file responses (letter assets) hold their file open until closed
    return response


def is_login_redirect(response: Any) -> bool:
    return response.status_code == 302 and "/login?next=" in response.location


def test_every_route_declares_who_may_use_it(app: Flask) -> None:
    for rule in app_rules(app):
        view = app.view_functions[rule.endpoint]
        assert hasattr(view, "allowed_roles"), f"{rule.endpoint} declares no roles"


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_route_role_matrix(app: Flask, world: World, role: Role | str) -> None:
    client = app.test_client()
    if role != ANONYMOUS:
        login(client, app, world.users[Role(role)])
    checked = 0
    for rule in app_rules(app):
        allowed = app.view_functions[rule.endpoint].allowed_roles
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            response = request_rule(client, rule, method, world.url_values())
            where = f"{method} {rule.rule} as {role}"
            assert response.status_code < 500, where
            if allowed is None:
                assert response.status_code != 403, where
            elif role == ANONYMOUS:
                assert is_login_redirect(response), where
            elif role not in allowed:
                assert response.status_code == 403, where
            else:
                assert response.status_code != 403 and not is_login_redirect(response), where
            checked += 1
    assert checked >= 12


def test_ids_of_another_network_are_not_found(app: Flask, world: World) -> None:
    client = app.test_client()
    login(client, app, world.foreign_coordinator_id)
    object_ids = {"case_id", "task_id", "user_id", "demand_id", "contact_id", "letter_id",
                  "version_id", "document_id", "target_id", "fact_id", "person_id",
                  "duplicate_id", "action_id", "role_id", "call_id", "request_id",
                  "proposal_id", "invitation_id", "peer_id", "peer_invitation_id",
                  "appeal_id"}
    for rule in app_rules(app):
        if not rule.arguments & object_ids:
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            response = request_rule(client, rule, method, world.url_values())
            assert response.status_code == 404, f"{method} {rule.rule}"


@pytest.mark.parametrize(
    ("viewer", "can_open", "sees_contact"),
    [(Role.INTAKE, True, True), (Role.ORGANIZER, True, True), (Role.COORDINATOR, True, True),
     ("other_intake", False, False), ("other_organizer", True, False)],
)
def test_case_page_shows_personal_details_only_on_a_need_to_know_basis(
    app: Flask, world: World, make_user: Callable[..., int], viewer: Role | str,
    can_open: bool, sees_contact: bool,
) -> None:
    user_id = world.users[viewer] if isinstance(viewer, Role) else make_user(
        Role.INTAKE if viewer == "other_intake" else Role.ORGANIZER)
    client = app.test_client()
    login(client, app, user_id)
    response = client.get(f"/cases/{world.case_id}")
    assert response.status_code == (200 if can_open else 403)
    assert (b"206-555-0100" in response.data) is sees_contact
    assert (b"Maria Example" in response.data) is sees_contact


@pytest.mark.sqlite_only
@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_post_routes_reject_a_missing_csrf_token(app: Flask, world: World) -> None:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    with app.app_context():
        from casework.models import User

        email = db.session.get_one(User, world.users[Role.COORDINATOR]).email
    assert client.post("/login", data={"email": email, "password": "correct-horse-battery"}
                       ).status_code == 400
    response = client.post("/login", data={"email": email, "password": "correct-horse-battery",
                                           "csrf_token": token.group(1)})
    assert response.status_code == 302
    # RFC 8058's one-click unsubscribe is posted by mail providers, without a cookie or a
    # form: its token is the credential. Other installations post signed messages to a
    # network's inbox and invitation address, without a session: the RFC 9421 signature is
    # the credential (tests/test_solidarity.py). The only routes exempt from CSRF.
    exempt = {r.endpoint for r in app_rules(app) if is_csrf_exempt(app, r.endpoint)}
    assert exempt == {"mobilize.unsubscribe", "federation.inbox_post", "federation.redeem"}
    posts = [r for r in app_rules(app) if "POST" in (r.methods or set())
             and r.endpoint not in exempt]
    assert len(posts) >= 6
    for rule in posts:
        response = request_rule(client, rule, "POST", world.url_values())
        assert response.status_code == 400, rule.rule
        assert b"expired" in response.data


def is_csrf_exempt(app: Flask, endpoint: str) -> bool:
    view = app.view_functions[endpoint]
    return f"{view.__module__}.{view.__name__}" in csrf._exempt_views


def test_a_member_caller_reaches_only_their_calls(app: Flask, world: World) -> None:
    """A member marked as a caller: their call pages open, every staff route is refused, and
    the portal's call pages find nothing of anyone else's (the world's call is an organizer's)."""
    with app.app_context():
        from casework.models import User

        network_id = db.session.get_one(Person, world.person_id).network_id
        caller = Person(network_id=network_id, name="Carla Caller", is_caller=True)
        db.session.add(caller)
        db.session.flush()
        login_user = db.session.get_one(User, world.users[Role.MEMBER])
        login_user.person_id = caller.id
        mine = CallListEntry(action_id=world.action_id, person_id=world.duplicate_id,
                             caller_person_id=caller.id)
        db.session.add(mine)
        db.session.commit()
        mine_id = mine.id
    client = app.test_client()
    login(client, app, world.users[Role.MEMBER])
    own = {**world.url_values(), "call_id": mine_id}
    portal_calls = {"portal.my_calls", "portal.action_calls", "portal.answer"}
    for rule in app_rules(app):
        allowed = app.view_functions[rule.endpoint].allowed_roles
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            response = request_rule(client, rule, method, own)
            where = f"{method} {rule.rule}"
            if rule.endpoint in portal_calls:
                assert response.status_code in (200, 302), where
            elif allowed is not None and Role.MEMBER not in allowed:
                assert response.status_code == 403, where
    login(client, app, world.users[Role.MEMBER])  # the matrix ended with the logout
    theirs = {**own, "call_id": world.call_id}
    answer = next(r for r in app_rules(app) if r.endpoint == "portal.answer")
    assert request_rule(client, answer, "POST", theirs).status_code == 404
    with app.app_context():
        assert db.session.get_one(CallListEntry, world.call_id).answered_at is None


@pytest.mark.parametrize("role", ROLES, ids=str)
def test_the_language_switch_serves_everyone_and_leads_back_only_to_this_site(
        app: Flask, make_user: Callable[..., int], role: Role | str) -> None:
    """Open to anyone (it sets a cookie of the visitor's own and changes no data); its ``next``
    is followed only to a path of this site, anything else leads to the login page."""
    client = app.test_client()
    if role != ANONYMOUS:
        login(client, app, make_user(Role(role)))
    for next_url, back in [("/login?next=/cases/", "/login?next=/cases/"),
                           ("/n/sea/get-in-touch", "/n/sea/get-in-touch"),
                           ("https://evil.example/", "/login"), ("//evil.example/", "/login"),
                           ("/\\evil.example", "/login"), ("", "/login")]:
        response = client.get("/language/es", query_string={"next": next_url})
        assert (response.status_code, response.location) == (302, back), next_url
        cookie = response.headers["Set-Cookie"]
        assert cookie.startswith("lang=es;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/language/fr?next=/login").status_code == 404
    assert client.post("/language/es").status_code == 405
