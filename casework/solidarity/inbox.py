"""Receiving: one dispatch for messages from other installations (after their signature is
checked) and from networks on this installation (straight from the outbox, no HTTP).

Handlers register by activity type and object type::

    @handles("Offer", "casework:Appeal")
    def appeal_received(message: Received) -> None: ...

A handler runs inside the receiving transaction: what it changes is committed together with
the inbox row that makes a second copy of the message a no-op, or not at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from casework.extensions import db
from casework.models import InboxMessage, Network, Peer, PeerStatus
from casework.solidarity.messages import encode, object_type


class Refused(Exception):
    """A message the receiving network will not act on; ``status`` is the HTTP answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


@dataclass(frozen=True)
class Received:
    """A message being acted on: the receiving network, the sender as it knows it (None only
    for a first link request from a network on this installation) and the document."""

    network: Network
    peer: Peer | None
    document: dict[str, Any]
    # The sending network, when it is on this installation.
    local_sender: Network | None = None

    @property
    def object(self) -> dict[str, Any]:
        obj = self.document.get("object")
        return obj if isinstance(obj, dict) else {}


Handler = Callable[[Received], None]


@dataclass(frozen=True)
class Registration:
    handler: Handler
    # Handshake messages may come from a peer that is not (or no longer) linked.
    handshake: bool


HANDLERS: dict[tuple[str, str], Registration] = {}


def handles(activity_type: str, object_kind: str, *, handshake: bool = False
            ) -> Callable[[Handler], Handler]:
    """Register the handler of one activity type about one object type."""

    def register(handler: Handler) -> Handler:
        HANDLERS[(activity_type, object_kind)] = Registration(handler, handshake)
        return handler

    return register


def already_received(network: Network, message_id: str) -> bool:
    return db.session.scalar(select(InboxMessage.id).where(
        InboxMessage.network_id == network.id, InboxMessage.message_id == message_id)) is not None


def receive(network: Network, document: dict[str, Any], peer: Peer | None,
            local_sender: Network | None = None) -> bool:
    """Act on a message once and record it; False when it had been received before.
    Refused when no handler takes it or its sender may not send it. Flushes, never commits
    (a concurrent copy is stopped by the inbox's unique key at the commit)."""
    if already_received(network, document["id"]):
        return False
    registration = HANDLERS.get((document["type"], object_type(document)))
    if registration is None:
        raise Refused(400, "no handler for this activity")
    if peer is not None and peer.status == PeerStatus.SUSPENDED:
        raise Refused(401, "a suspended peer")
    if peer is not None and document["actor"] != peer.actor_id and local_sender is None:
        raise Refused(401, "the actor is not the signer")
    if not registration.handshake and (peer is None or peer.status != PeerStatus.LINKED):
        raise Refused(401, "not a linked peer")
    registration.handler(Received(network, peer, document, local_sender))
    db.session.add(InboxMessage(network_id=network.id, peer_id=peer.id if peer else None,
                                message_id=document["id"], activity_type=document["type"],
                                body=encode(document).decode()))
    db.session.flush()
    return True
