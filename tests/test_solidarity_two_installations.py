"""Two installations link through an invitation and talk over real HTTP.

Two gunicorn servers, each its own installation (its own secret key and base URL): Seattle on
PostgreSQL, Portland on SQLite. Seattle's coordinator makes an invitation; Portland's pastes
it; each side then knows the other, and a signed message goes each way.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import select

from casework import create_app
from casework.extensions import db
from casework.models import (
    Action,
    Appeal,
    Case,
    InboxMessage,
    Network,
    Peer,
    PeerStatus,
    Role,
    User,
)
from casework.workflow.states import CaseState
from tests.conftest import PASSWORD, PASSWORD_HASH, reset_schema
from tests.postgres_server import free_port
from tests.test_log_hygiene import Browser
from tests.test_serving import csrf_token, serving

pytestmark = [pytest.mark.postgres_only, pytest.mark.timeout(180)]


@pytest.fixture
def portland(tmp_path: Path) -> Iterator[Flask]:
    """The second installation's app (SQLite): Portland SolNet and its coordinator."""
    other = create_app({"TESTING": True, "SECRET_KEY": "portland-test-key",
                        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'portland.sqlite3'}"})
    reset_schema(other)
    with other.app_context():
        network = Network(name="Portland SolNet", code="PDX", timezone="America/Los_Angeles")
        db.session.add(network)
        db.session.flush()
        db.session.add(User(network_id=network.id, role=Role.COORDINATOR, name="Pat",
                            email="pat@pdx.example", password_hash=PASSWORD_HASH))
        db.session.commit()
    yield other
    with other.app_context():
        db.session.remove()
        db.engine.dispose()


def logged_in(port: int, email: str) -> tuple[Browser, str]:
    """A browser logged in on the server at ``port``, and the CSRF token of its pages."""
    browser = Browser(port)
    page = browser.open("/login")
    answer = browser.open("/login", {"email": email, "password": PASSWORD,
                                     "csrf_token": csrf_token(page.body)})
    assert answer.status == 302, f"login answered {answer.status}"
    return browser, csrf_token(browser.open("/solidarity/").body)


def rename(app: Flask, name: str) -> None:
    with app.app_context():
        db.session.scalars(select(Network)).one().name = name
        db.session.commit()


def peers_and_messages(app: Flask) -> list[tuple[str, PeerStatus, list[str]]]:
    with app.app_context():
        return [(peer.name, peer.status, list(db.session.scalars(
            select(InboxMessage.activity_type).where(InboxMessage.peer_id == peer.id))))
            for peer in db.session.scalars(select(Peer))]


def check_button(page: str) -> str:
    found = re.search(r'action="(/solidarity/peers/\d+/check)"', page)
    assert found, "no Check the link button"
    return found.group(1)


@contextmanager
def both_served(portland: Flask, postgres_url: str, tmp_path: Path) -> Iterator[tuple[int, int]]:
    """Seattle (on PostgreSQL) and Portland (on SQLite) served by gunicorn, each at its own
    port and address; yields the two ports."""
    ports = free_port(), free_port()
    urls = [postgres_url, portland.config["SQLALCHEMY_DATABASE_URI"]]
    with serving(urls[0], tmp_path / "seattle", secrets.token_hex(32), port=ports[0],
                 extra_env={"CASEWORK_BASE_URL": f"http://127.0.0.1:{ports[0]}",
                            "CASEWORK_FEDERATION_ALLOW_HTTP": "1"}), \
            serving(urls[1], tmp_path / "portland", secrets.token_hex(32), port=ports[1],
                    extra_env={"CASEWORK_BASE_URL": f"http://127.0.0.1:{ports[1]}",
                               "CASEWORK_FEDERATION_ALLOW_HTTP": "1"}):
        yield ports


def test_two_installations_link_by_invitation_and_exchange_signed_messages(
        app: Flask, make_user: Callable[..., int], portland: Flask, postgres_url: str,
        tmp_path: Path) -> None:
    rename(app, "Seattle SolNet")
    with app.app_context():
        seattle_email = db.session.get_one(User, make_user(Role.COORDINATOR)).email
    with both_served(portland, postgres_url, tmp_path) as ports:
        seattle, seattle_token = logged_in(ports[0], seattle_email)
        pdx, pdx_token = logged_in(ports[1], "pat@pdx.example")

        made = seattle.open("/solidarity/invitations", {"csrf_token": seattle_token})
        assert made.status == 200
        url, code = re.findall(r"<code>([^<]+)</code>", made.body)
        assert url == f"http://127.0.0.1:{ports[0]}/federation/sea/invitations"
        redeemed = pdx.open("/solidarity/invitations/redeem",
                            {"url": url, "code": code, "csrf_token": pdx_token})
        assert redeemed.status == 302, redeemed.body
        assert peers_and_messages(portland) == [("Seattle SolNet", PeerStatus.LINKED, [])]
        assert peers_and_messages(app) == [("Portland SolNet", PeerStatus.LINKED, [])]
        seattle_page = seattle.open("/solidarity/").body
        assert f"127.0.0.1:{ports[1]}" in seattle_page and "Linked" in seattle_page
        again = pdx.open("/solidarity/invitations/redeem",
                         {"url": url, "code": code[::-1], "csrf_token": pdx_token})
        assert again.status == 400 and "refused the invitation" in again.body

        # A signed message each way: each network's new name reaches the other.
        rename(app, "Seattle Solidarity Network")
        assert seattle.open(check_button(seattle_page), {"csrf_token": seattle_token}
                            ).status == 302
        assert peers_and_messages(portland) == [
            ("Seattle Solidarity Network", PeerStatus.LINKED, ["Update"])]
        rename(portland, "Portland Solidarity Network")
        pdx_page = pdx.open("/solidarity/").body
        assert "Seattle Solidarity Network" in pdx_page
        assert pdx.open(check_button(pdx_page), {"csrf_token": pdx_token}).status == 302
        assert peers_and_messages(app) == [
            ("Portland Solidarity Network", PeerStatus.LINKED, ["Update"])]
        assert "Portland Solidarity Network" in seattle.open("/solidarity/").body


@contextmanager
def linked_servers(app: Flask, portland: Flask, postgres_url: str, tmp_path: Path,
                   seattle_email: str) -> Iterator[tuple[Browser, str, Browser, str]]:
    """Both installations served and linked by invitation; their coordinators' browsers and
    CSRF tokens."""
    with both_served(portland, postgres_url, tmp_path) as ports:
        seattle, seattle_token = logged_in(ports[0], seattle_email)
        pdx, pdx_token = logged_in(ports[1], "pat@pdx.example")
        made = seattle.open("/solidarity/invitations", {"csrf_token": seattle_token})
        url, code = re.findall(r"<code>([^<]+)</code>", made.body)
        assert pdx.open("/solidarity/invitations/redeem", {
            "url": url, "code": code, "csrf_token": pdx_token}).status == 302
        yield seattle, seattle_token, pdx, pdx_token


def form_token(browser: Browser, path: str) -> str:
    return csrf_token(browser.open(path).body)


def newest_appeal(portland: Flask) -> int:
    with portland.app_context():
        appeal_id = db.session.scalars(select(Appeal.id).order_by(Appeal.id.desc())).first()
        assert appeal_id is not None, "no appeal reached Portland"
        return appeal_id


def answer_appeal(pdx: Browser, appeal_id: int, verdict: str, note: str = "",
                  offer: str = "") -> Any:
    prefix = f"appeal-{appeal_id}-"
    return pdx.open(f"/solidarity/appeals/{appeal_id}/answer", {
        prefix + "verdict": verdict, prefix + "note": note, prefix + "offer": offer,
        prefix + "csrf_token": form_token(pdx, "/solidarity/")})


def test_a_joint_fight_between_two_installations(
        app: Flask, make_user: Callable[..., int], make_fight: Callable[..., tuple[int, int]],
        portland: Flask, postgres_url: str, tmp_path: Path) -> None:
    rename(app, "Seattle SolNet")
    with app.app_context():
        seattle_email = db.session.get_one(User, make_user(Role.COORDINATOR)).email
    case_id, _organizer = make_fight(CaseState.DELIVERED)
    one_off_id, _organizer = make_fight(CaseState.DRAFTING)
    with linked_servers(app, portland, postgres_url, tmp_path, seattle_email) as (
            seattle, seattle_token, pdx, pdx_token):
        with app.app_context():
            peer_id = db.session.scalars(select(Peer.id)).one()
        fight_page = f"/solidarity/fights/{case_id}"
        assert seattle.open(f"{fight_page}/strategy", {
            "strategy": "Pickets at every branch", "end_conditions": "We end it when paid",
            "csrf_token": form_token(seattle, fight_page)}).status == 302
        sent = seattle.open(f"{fight_page}/appeals", {
            "kind": "joint", "peer_ids": peer_id, "ask": "Picket the Portland office",
            "why": "Acme owns 40 buildings in Portland", "action_kind": "picket",
            "place": "", "when": "", "csrf_token": form_token(seattle, fight_page)})
        assert sent.status == 302, sent.body

        # Portland accepts: its linked fight opens, led by Seattle.
        listing = pdx.open("/solidarity/").body
        assert "Seattle SolNet asks: Joint fight" in listing and "We end it when paid" in listing
        accepted = answer_appeal(pdx, newest_appeal(portland), "accept", note="In till the end")
        assert accepted.status == 302, accepted.body
        linked_path = accepted.location
        assert "led by Seattle SolNet" in pdx.open(linked_path).body
        assert "In till the end" in seattle.open(fight_page).body

        # Portland plans and records its own picket; Seattle sees it with its turnout.
        yesterday = (datetime.now(ZoneInfo("America/Los_Angeles")) - timedelta(days=1)).date()
        planned = pdx.open(f"{linked_path}/actions/new", {
            "kind": "picket", "title": "", "starts_at": f"{yesterday}T11:00",
            "place": "Acme office on Burnside", "pressure_point_id": "", "turnout_goal": 30,
            "calls": "kind", "materials": "", "leaflet_id": "",
            "csrf_token": form_token(pdx, f"{linked_path}/actions/new")})
        assert planned.status == 302, planned.body
        with portland.app_context():
            action_id = db.session.scalars(select(Action.id)).one()
        action_path = f"{linked_path}/actions/{action_id}"
        done = pdx.open(f"{action_path}/done", {
            "result": "The manager came out", "incidents": "", "turnout_actual": 40,
            "csrf_token": form_token(pdx, action_path)})
        assert done.status == 302, done.body
        assert (f"Portland SolNet: picket at Acme office on Burnside, {day_shown(yesterday)}, "
                "40 people" in seattle.open(f"/cases/{case_id}").body)

        # Seattle records the win; Portland's linked fight shows it won.
        with app.app_context():
            version = db.session.get_one(Case, case_id).version
        today = datetime.now(ZoneInfo("America/Los_Angeles")).date()
        won = seattle.open(f"/cases/{case_id}/moves/win", {
            "version": version, "kind": "full", "decided_on": str(today),
            "amount_recovered": "1200", "conditions": "", "debrief": "",
            "csrf_token": form_token(seattle, f"/cases/{case_id}/moves/win")})
        assert won.status == 302, won.body
        linked_page = pdx.open(linked_path).body
        assert "Seattle SolNet moved the joint fight" in linked_page
        assert re.search(r"moved from \w+ to won", linked_page)

        # A one-off request, declined with an offer.
        other_page = f"/solidarity/fights/{one_off_id}"
        assert seattle.open(f"{other_page}/appeals", {
            "kind": "one_off", "peer_ids": peer_id, "ask": "A call-in to Acme's office",
            "why": "", "action_kind": "call_in", "place": "by phone", "when": "",
            "csrf_token": form_token(seattle, other_page)}).status == 302
        assert answer_appeal(pdx, newest_appeal(portland), "decline",
                             note="No capacity this month", offer="A leafleting day").status == 302
        answers = seattle.open(other_page).body
        assert "No capacity this month" in answers and "Offers instead: A leafleting day" in answers


def day_shown(day: date) -> str:
    """A date as the timeline shows it in English: 'Sat 21 Nov 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"
