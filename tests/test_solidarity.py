"""Peers and signed messages: the inbox refuses what is not signed by a linked peer and stores
nothing of it; a message acts once; the outbox retries a peer that is down and two ticks at
once send each message once; two networks on one installation link through the same code."""

from __future__ import annotations

import dataclasses
import html
import json
import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.database import write_intent
from casework.extensions import db
from casework.models import (
    AuditEntry,
    InboxMessage,
    Network,
    OutboxMessage,
    OutboxStatus,
    Peer,
    PeerStatus,
    Role,
    User,
)
from casework.models.base import utcnow
from casework.solidarity import outbox
from casework.solidarity.keys import network_key, private_key, public_pem
from casework.solidarity.messages import MEDIA_TYPE, encode, inbox_url
from casework.solidarity.services import check_link
from casework.solidarity.signing import signed_headers, verify_request
from tests.conftest import login
from tests.postgres_server import free_port

REMOTE = "https://pdx.example/federation/pdx/actor"


@dataclass
class Remote:
    """A network on another installation, linked with SEA: its key and SEA's record of it."""

    key: Ed25519PrivateKey
    peer_id: int
    network_id: int  # SEA


@pytest.fixture
def remote(app: Flask, network_id: int) -> Remote:
    key = Ed25519PrivateKey.generate()
    with app.app_context():
        peer = Peer(network_id=network_id, name="Portland SolNet", actor_id=REMOTE,
                    key_id=f"{REMOTE}#main-key", public_key_pem=public_pem(key.public_key()),
                    inbox_url="https://pdx.example/federation/pdx/inbox",
                    status=PeerStatus.LINKED)
        db.session.add(peer)
        db.session.commit()
        return Remote(key, peer.id, network_id)


def rename(name: str, actor: str = REMOTE) -> dict[str, Any]:
    """An Update of the sender's name, as Portland's installation would send it."""
    return {"@context": "https://www.w3.org/ns/activitystreams", "type": "Update",
            "id": f"urn:uuid:{name.encode().hex()}", "actor": actor, "to": ["sea"],
            "object": {"type": "Organization", "id": actor, "name": name}}


def sea_inbox(app: Flask) -> str:
    with app.app_context():
        return inbox_url(db.session.scalars(select(Network).where(Network.code == "SEA")).one())


def post_signed(client: FlaskClient, app: Flask, document: dict[str, Any], key: Ed25519PrivateKey,
                *, key_id: str = f"{REMOTE}#main-key", body: bytes | None = None,
                created_ago: timedelta = timedelta(0), drop: tuple[str, ...] = ()) -> Any:
    """POST to SEA's inbox, signed over the document (``body``: other bytes sent instead)."""
    url = sea_inbox(app)
    signed_body = encode(document)
    headers = signed_headers(url, signed_body, MEDIA_TYPE, key_id, key,
                             created=utcnow() - created_ago)
    headers = {k: v for k, v in headers.items() if k not in drop}
    return client.post("/federation/sea/inbox", data=body or signed_body, headers=headers)


def stored(app: Flask, peer_id: int) -> tuple[int, str]:
    """What SEA kept: how many messages, and the name it knows Portland by."""
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(InboxMessage)) or 0
        return count, db.session.get_one(Peer, peer_id).name


def test_a_signed_message_from_a_linked_peer_acts_once(
        app: Flask, client: FlaskClient, remote: Remote) -> None:
    message = rename("Portland Solidarity Network")
    first = post_signed(client, app, message, remote.key)
    assert first.status_code == 202
    assert stored(app, remote.peer_id) == (1, "Portland Solidarity Network")
    with app.app_context():  # someone renames the peer by hand; the replay must not undo it
        db.session.get_one(Peer, remote.peer_id).name = "PDX"
        db.session.commit()
    again = post_signed(client, app, message, remote.key)  # a new signature, the same id
    assert again.status_code == 200 and again.json == {"status": "already received"}
    assert stored(app, remote.peer_id) == (1, "PDX")


def set_status(app: Flask, peer_id: int, status: PeerStatus) -> None:
    with app.app_context():
        db.session.get_one(Peer, peer_id).status = status
        db.session.commit()


@pytest.mark.parametrize(("case", "status"), [
    ("tampered_body", 400), ("wrong_key", 401), ("unknown_key", 401), ("no_signature", 401),
    ("no_digest", 401), ("stale", 401), ("from_the_future", 401), ("unlinked_peer", 401),
    ("suspended_peer", 401), ("actor_is_not_the_signer", 401), ("not_json", 400),
    ("unknown_activity", 400),
])
def test_the_inbox_refuses_and_stores_nothing(
        app: Flask, client: FlaskClient, remote: Remote, case: str, status: int) -> None:
    message, key, options = rename("Hijacked"), remote.key, {}
    if case == "tampered_body":
        options["body"] = encode(rename("Hijacked!"))
    elif case == "wrong_key":
        key = Ed25519PrivateKey.generate()
    elif case == "unknown_key":
        options["key_id"] = "https://elsewhere.example/federation/x/actor#main-key"
    elif case == "no_signature":
        options["drop"] = ("Signature", "Signature-Input")
    elif case == "no_digest":
        options["drop"] = ("Content-Digest",)
    elif case == "stale":
        options["created_ago"] = timedelta(minutes=7)
    elif case == "from_the_future":
        options["created_ago"] = -timedelta(minutes=3)
    elif case in ("unlinked_peer", "suspended_peer"):
        set_status(app, remote.peer_id, PeerStatus(case.split("_")[0]))
    elif case == "actor_is_not_the_signer":
        message = rename("Hijacked", actor="https://pdx.example/federation/other/actor")
    elif case == "not_json":
        message = {}
        options["body"] = b"{not json"
    elif case == "unknown_activity":
        message = {**message, "object": {"type": "Tweet", "name": "x"}}
    if case == "not_json":  # signed, digest and all, over the broken bytes
        url = sea_inbox(app)
        headers = signed_headers(url, b"{not json", MEDIA_TYPE, f"{REMOTE}#main-key", key)
        response = client.post("/federation/sea/inbox", data=b"{not json", headers=headers)
    else:
        response = post_signed(client, app, message, key, **options)
    assert response.status_code == status
    assert stored(app, remote.peer_id)[0] == 0
    assert stored(app, remote.peer_id)[1] != "Hijacked"


def test_the_inbox_takes_no_session(app: Flask, client: FlaskClient, remote: Remote,
                                    make_user: Callable[..., int]) -> None:
    login(client, app, make_user(Role.COORDINATOR))
    response = client.post("/federation/sea/inbox", data=encode(rename("Hijacked")),
                           content_type=MEDIA_TYPE)
    assert response.status_code == 401
    assert stored(app, remote.peer_id) == (0, "Portland SolNet")


class Receiver(BaseHTTPRequestHandler):
    """Another installation's inbox: answers with the next status of ``answers`` (202 when
    none is left) and keeps the ids of the messages it took."""

    answers: list[int]
    taken: list[str]
    lock = threading.Lock()

    def do_POST(self) -> None:  # noqa: N802 - the http.server API
        body = self.rfile.read(int(self.headers["Content-Length"]))
        with self.lock:
            status = self.answers.pop(0) if self.answers else 202
            if status == 202:
                self.taken.append(json.loads(body)["id"])
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[int, type[Receiver]]]:
    handler = type("R", (Receiver,), {"answers": [], "taken": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], handler
    server.shutdown()
    server.server_close()


def point_peer_at(app: Flask, peer_id: int, port: int) -> None:
    with app.app_context():
        db.session.get_one(Peer, peer_id).inbox_url = f"http://127.0.0.1:{port}/inbox"
        db.session.commit()


def queue_checks(app: Flask, remote: Remote, count: int = 1) -> list[int]:
    with app.app_context():
        network = db.session.get_one(Network, remote.network_id)
        peer = db.session.get_one(Peer, remote.peer_id)
        for _ in range(count):
            check_link(network, peer)
        db.session.commit()
        return list(db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id)))


def outbox_row(app: Flask, message_id: int) -> OutboxMessage:
    with app.app_context():
        row = db.session.get_one(OutboxMessage, message_id)
        db.session.expunge(row)
        return row


def time_passes(app: Flask) -> None:
    """Every waiting message becomes due (as if its backoff had run out)."""
    with app.app_context():
        db.session.execute(sa.update(OutboxMessage).values(next_attempt_at=utcnow()))
        db.session.commit()


def tick(app: Flask) -> outbox.DeliveryReport:
    with app.app_context(), write_intent():
        return outbox.deliver_due()


def test_a_peer_that_is_down_gets_the_message_once_when_it_is_back(
        app: Flask, remote: Remote, receiver: tuple[int, type[Receiver]]) -> None:
    port, handler = receiver
    down = free_port()  # nothing listens there
    point_peer_at(app, remote.peer_id, down)
    [message_id] = queue_checks(app, remote)
    assert tick(app).retrying == 1
    row = outbox_row(app, message_id)
    assert (row.status, row.attempts, row.last_error.startswith("no answer")) == (
        OutboxStatus.PENDING, 1, True)
    assert timedelta(seconds=25) < row.next_attempt_at - utcnow() <= timedelta(seconds=30)
    assert tick(app).retrying == 0  # not due yet: nothing is tried
    point_peer_at(app, remote.peer_id, port)
    handler.answers = [503]  # up, but overloaded
    time_passes(app)
    assert tick(app).retrying == 1
    row = outbox_row(app, message_id)
    assert (row.attempts, row.last_error) == (2, "HTTP 503")
    assert timedelta(seconds=55) < row.next_attempt_at - utcnow() <= timedelta(minutes=1)
    time_passes(app)
    assert tick(app).delivered == 1
    time_passes(app)
    assert tick(app).delivered == 0
    assert handler.taken == [row.message_id]
    assert outbox_row(app, message_id).status == OutboxStatus.DELIVERED


def test_backoff_doubles_up_to_six_hours() -> None:
    waits = [outbox.backoff(n) for n in (1, 2, 3, 10, 11, 40)]
    assert waits == [timedelta(seconds=30), timedelta(minutes=1), timedelta(minutes=2),
                     timedelta(seconds=30 * 2 ** 9), timedelta(hours=6), timedelta(hours=6)]


def test_what_goes_out_is_signed_by_the_network(
        app: Flask, remote: Remote, receiver: tuple[int, type[Receiver]]) -> None:
    port, handler = receiver
    seen: dict[str, Any] = {}

    def keep(self: Receiver) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        seen.update(headers=list(self.headers.items()), body=body, path=self.path)
        self.send_response(202)
        self.send_header("Content-Length", "0")
        self.end_headers()

    handler.do_POST = keep  # type: ignore[method-assign]
    point_peer_at(app, remote.peer_id, port)
    queue_checks(app, remote)
    assert tick(app).delivered == 1
    with app.app_context():
        public = private_key(network_key(db.session.get_one(Network, remote.network_id))
                             ).public_key()
        key_id = verify_request("POST", f"http://127.0.0.1:{port}/inbox", seen["headers"],
                                seen["body"], lambda _kid: public)
    assert key_id == "http://127.0.0.1:5000/federation/sea/actor#main-key"
    document = json.loads(seen["body"])
    assert (document["type"], document["object"]["name"]) == ("Update", "Test Network")
    assert "Signature-Input" in dict(seen["headers"])


@pytest.mark.timeout(120)
def test_two_ticks_at_once_deliver_each_message_once(
        app: Flask, remote: Remote, receiver: tuple[int, type[Receiver]]) -> None:
    port, handler = receiver
    point_peer_at(app, remote.peer_id, port)
    ids = queue_checks(app, remote, count=30)
    barrier = threading.Barrier(2)

    def run_tick(_n: int) -> int:
        with app.app_context(), write_intent():
            barrier.wait()
            delivered = outbox.deliver_due().delivered
            db.session.remove()
            return delivered

    with ThreadPoolExecutor(2) as pool:
        delivered = list(pool.map(run_tick, range(2)))
    assert sum(delivered) == len(ids)
    assert sorted(handler.taken) == sorted(outbox_row(app, i).message_id for i in ids)
    assert len(set(handler.taken)) == len(handler.taken)


def test_a_tick_that_died_holding_a_message_leaves_it_to_the_next_after_the_claim_ends(
        app: Flask, remote: Remote, receiver: tuple[int, type[Receiver]]) -> None:
    port, handler = receiver
    point_peer_at(app, remote.peer_id, port)
    [message_id] = queue_checks(app, remote)
    with app.app_context(), write_intent():
        assert outbox.claim(message_id)  # ... and the process dies here
    assert tick(app).delivered == 0
    with app.app_context():
        db.session.execute(sa.update(OutboxMessage).values(
            claimed_until=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert tick(app).delivered == 1
    assert len(handler.taken) == 1


def test_the_tick_command_reports_the_messages(app: Flask, remote: Remote,
                                               receiver: tuple[int, type[Receiver]]) -> None:
    port, _handler = receiver
    point_peer_at(app, remote.peer_id, port)
    queue_checks(app, remote, count=2)
    result = app.test_cli_runner().invoke(args=["casework", "tick"])
    assert "Messages to other networks: 2 delivered, 0 to try again, 0 given up." in result.output


# Two networks on one installation: the same messages through the same dispatch, no HTTP.

@pytest.fixture
def neighbours(app: Flask, network_id: int, make_network: Callable[..., int],
               make_user: Callable[..., int]) -> dict[str, int]:
    """Seattle (SEA) and Portland (PDX) on this installation, a coordinator in each."""
    portland = make_network("PDX")
    with app.app_context():
        db.session.get_one(Network, portland).name = "Portland SolNet"
        db.session.get_one(Network, network_id).name = "Seattle SolNet"
        db.session.commit()
    return {"sea": network_id, "pdx": portland,
            "sea_coordinator": make_user(Role.COORDINATOR),
            "pdx_coordinator": make_user(Role.COORDINATOR, network=portland),
            "sea_organizer": make_user(Role.ORGANIZER)}


def peer_of(app: Flask, network_id: int) -> tuple[int, PeerStatus, str] | None:
    with app.app_context():
        peer = db.session.scalars(select(Peer).where(Peer.network_id == network_id)).first()
        return (peer.id, peer.status, peer.name) if peer else None


def received(app: Flask, network_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(InboxMessage.activity_type).where(
            InboxMessage.network_id == network_id).order_by(InboxMessage.id)))


def test_two_networks_here_link_through_the_same_messages(
        app: Flask, neighbours: dict[str, int]) -> None:
    sea, pdx = app.test_client(), app.test_client()
    login(sea, app, neighbours["sea_coordinator"])
    login(pdx, app, neighbours["pdx_coordinator"])
    page = sea.get("/solidarity/").get_data(as_text=True)
    assert "No linked networks yet." in page and "Portland SolNet" in page
    assert sea.post("/solidarity/link", data={"network_id": neighbours["pdx"]}).status_code == 302
    assert peer_of(app, neighbours["sea"])[1:] == (PeerStatus.REQUESTED, "Portland SolNet")
    pdx_peer = peer_of(app, neighbours["pdx"])
    assert pdx_peer is not None and pdx_peer[1:] == (PeerStatus.ASKED, "Seattle SolNet")
    page = pdx.get("/solidarity/").get_data(as_text=True)
    assert "Asks to link" in page and "Accept the link" in page
    assert pdx.post(f"/solidarity/peers/{pdx_peer[0]}/accept").status_code == 302
    sea_peer = peer_of(app, neighbours["sea"])
    assert sea_peer is not None and sea_peer[1] == PeerStatus.LINKED
    assert peer_of(app, neighbours["pdx"])[1] == PeerStatus.LINKED
    assert received(app, neighbours["pdx"]) == ["Offer"]
    assert received(app, neighbours["sea"]) == ["Accept"]

    # A renamed network tells its peers; suspended, its messages wait; resumed, they arrive.
    with app.app_context():
        db.session.get_one(Network, neighbours["sea"]).name = "Seattle Solidarity Network"
        db.session.commit()
    assert pdx.post(f"/solidarity/peers/{pdx_peer[0]}/suspend").status_code == 302
    sea.post(f"/solidarity/peers/{sea_peer[0]}/check")
    assert received(app, neighbours["pdx"]) == ["Offer"]  # refused, kept in SEA's outbox
    assert peer_of(app, neighbours["pdx"])[2] == "Seattle SolNet"
    assert pdx.post(f"/solidarity/peers/{pdx_peer[0]}/resume").status_code == 302
    time_passes(app)
    assert tick(app).delivered == 1
    assert received(app, neighbours["pdx"]) == ["Offer", "Update"]
    assert peer_of(app, neighbours["pdx"])[2] == "Seattle Solidarity Network"

    # Unlinked: both sides know, and nothing more is taken from the other.
    assert sea.post(f"/solidarity/peers/{sea_peer[0]}/unlink").status_code == 302
    assert peer_of(app, neighbours["pdx"])[1] == PeerStatus.UNLINKED
    assert "Unlinked" in pdx.get("/solidarity/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "peer.update", AuditEntry.detail.contains("status"))) >= 4


def test_a_declined_link_leaves_both_unlinked(app: Flask, neighbours: dict[str, int]) -> None:
    sea, pdx = app.test_client(), app.test_client()
    login(sea, app, neighbours["sea_coordinator"])
    login(pdx, app, neighbours["pdx_coordinator"])
    sea.post("/solidarity/link", data={"network_id": neighbours["pdx"]})
    pdx_peer = peer_of(app, neighbours["pdx"])
    assert pdx_peer is not None
    pdx.post(f"/solidarity/peers/{pdx_peer[0]}/decline")
    assert peer_of(app, neighbours["sea"])[1] == PeerStatus.UNLINKED
    assert peer_of(app, neighbours["pdx"])[1] == PeerStatus.UNLINKED


def test_organizers_see_the_peers_but_change_nothing(
        app: Flask, neighbours: dict[str, int]) -> None:
    organizer = app.test_client()
    login(organizer, app, neighbours["sea_organizer"])
    page = organizer.get("/solidarity/").get_data(as_text=True)
    assert "A coordinator links the network with others." in page
    assert "Ask to link" not in page and "Make an invitation" not in page
    assert organizer.post("/solidarity/link", data={"network_id": neighbours["pdx"]}
                          ).status_code == 403
    assert peer_of(app, neighbours["sea"]) is None


def test_an_invitation_is_shown_once_and_works_once(
        app: Flask, neighbours: dict[str, int]) -> None:
    sea = app.test_client()
    login(sea, app, neighbours["sea_coordinator"])
    page = sea.post("/solidarity/invitations").get_data(as_text=True)
    assert "http://127.0.0.1:5000/federation/sea/invitations" in page
    assert "Made " in page and "is not shown again" in page
    assert "is not shown again" not in sea.get("/solidarity/").get_data(as_text=True)
    # From a network on the same installation, the list is the way.
    refused = sea.post("/solidarity/invitations/redeem", data={
        "url": "http://127.0.0.1:5000/federation/pdx/invitations", "code": "abc"})
    assert refused.status_code == 400
    assert "This invitation comes from this installation" in refused.get_data(as_text=True)


def test_the_page_is_in_spanish(app: Flask, neighbours: dict[str, int]) -> None:
    sea = app.test_client()
    login(sea, app, neighbours["sea_coordinator"])
    page = sea.get("/solidarity/", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Todavía no hay redes vinculadas." in page


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("url", "says"), [
    ("ftp://pdx.example/federation/pdx/invitations", "Paste the invitation"),
    ("https://pdx example/federation/pdx/invitations", "Paste the invitation"),
    ("https://pdx.example:99999/federation/pdx/invitations", "Paste the invitation"),
    ("https://pdx.éxample/federation/pdx/invitations", "Paste the invitation"),
    ("http://127.0.0.1:{down}/federation/pdx/invitations", "did not answer"),
    ("http://127.0.0.1:{receiver}/federation/pdx/invitations", "could not be read"),
])
def test_a_bad_invitation_address_is_refused_next_to_it(
        app: Flask, neighbours: dict[str, int], receiver: tuple[int, type[Receiver]],
        url: str, says: str) -> None:
    sea = app.test_client()
    login(sea, app, neighbours["sea_coordinator"])
    receiver[1].answers = [200]  # and no actor document
    response = sea.post("/solidarity/invitations/redeem", data={
        "url": url.format(down=free_port(), receiver=receiver[0]), "code": "abc"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    field_error = re.search(r'id="url-error" class="field-error">([^<]*)<', page)
    assert field_error and says in html.unescape(field_error.group(1))
    assert peer_of(app, neighbours["sea"]) is None


def test_a_new_name_in_the_settings_goes_to_every_linked_peer(
        app: Flask, remote: Remote, make_user: Callable[..., int]) -> None:
    from casework.network.services import NetworkSettings, update_settings

    coordinator_id = make_user(Role.COORDINATOR)
    with app.app_context():
        network = db.session.get_one(Network, remote.network_id)
        wanted = dataclasses.replace(NetworkSettings.of(network),
                                     name="Seattle Solidarity Network")
        update_settings(network, db.session.get_one(User, coordinator_id), wanted)
        db.session.commit()
        [body] = db.session.scalars(select(OutboxMessage.body))
    document = json.loads(body)
    assert (document["type"], document["object"]) == ("Update", {
        "type": "Organization", "id": "http://127.0.0.1:5000/federation/sea/actor",
        "name": "Seattle Solidarity Network"})


def test_the_actor_document_serves_the_public_key_only(
        app: Flask, client: FlaskClient, network_id: int) -> None:
    assert "publicKey" not in client.get("/federation/sea/actor").json  # none made by a GET
    with app.app_context():
        key = network_key(db.session.get_one(Network, network_id))
        db.session.commit()
        pem, secret = key.public_key_pem, key.private_key_encrypted
    document = client.get("/federation/sea/actor").json
    assert document["publicKey"] == {
        "id": "http://127.0.0.1:5000/federation/sea/actor#main-key",
        "owner": "http://127.0.0.1:5000/federation/sea/actor", "publicKeyPem": pem}
    assert (document["type"], document["inbox"]) == (
        "Organization", "http://127.0.0.1:5000/federation/sea/inbox")
    assert "PRIVATE" not in json.dumps(document) and "ENCRYPTED PRIVATE KEY" in secret
