"""Two installations link through an invitation and talk over real HTTP.

Two gunicorn servers, each its own installation (its own secret key and base URL): Seattle on
PostgreSQL, Portland on SQLite. Seattle's coordinator makes an invitation; Portland's pastes
it; each side then knows the other, and a signed message goes each way.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import select

from casework import create_app
from casework.extensions import db
from casework.models import InboxMessage, Network, Peer, PeerStatus, Role, User
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


def test_two_installations_link_by_invitation_and_exchange_signed_messages(
        app: Flask, make_user: Callable[..., int], portland: Flask, postgres_url: str,
        tmp_path: Path) -> None:
    rename(app, "Seattle SolNet")
    with app.app_context():
        seattle_email = db.session.get_one(User, make_user(Role.COORDINATOR)).email
    ports = free_port(), free_port()
    urls = [postgres_url, portland.config["SQLALCHEMY_DATABASE_URI"]]
    with serving(urls[0], tmp_path / "seattle", secrets.token_hex(32), port=ports[0],
                 extra_env={"CASEWORK_BASE_URL": f"http://127.0.0.1:{ports[0]}",
                            "CASEWORK_FEDERATION_ALLOW_HTTP": "1"}), \
            serving(urls[1], tmp_path / "portland", secrets.token_hex(32), port=ports[1],
                    extra_env={"CASEWORK_BASE_URL": f"http://127.0.0.1:{ports[1]}",
                               "CASEWORK_FEDERATION_ALLOW_HTTP": "1"}):
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
