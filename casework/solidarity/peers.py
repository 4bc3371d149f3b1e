"""Peers as the messages describe them: reading another network's actor document safely."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select

from casework.extensions import db
from casework.forms import _FORBIDDEN_CHARACTERS
from casework.models import Network, Peer, PeerStatus
from casework.models.base import utcnow
from casework.solidarity.keys import load_public_key
from casework.solidarity.messages import MalformedMessage

# Statuses whose key this network accepts a signed message under (the handlers then decide).
SENDING_STATUSES = (PeerStatus.LINKED, PeerStatus.REQUESTED, PeerStatus.ASKED)


@dataclass(frozen=True)
class PeerDetails:
    """What one network learns of another: its name, identity, key and inbox."""

    name: str
    actor_id: str
    key_id: str
    public_key_pem: str
    inbox_url: str

    def apply_to(self, peer: Peer) -> None:
        peer.name, peer.actor_id, peer.key_id = self.name, self.actor_id, self.key_id
        peer.public_key_pem, peer.inbox_url = self.public_key_pem, self.inbox_url


def clean_name(value: Any) -> str:
    """A network's name as another installation sent it; MalformedMessage when unusable."""
    if not isinstance(value, str) or not value.strip() or len(value) > 120 or any(
            ch in _FORBIDDEN_CHARACTERS or ch in "\r\n" for ch in value):
        raise MalformedMessage("bad name")
    return value.strip()


def web_address(value: Any) -> str:
    if not isinstance(value, str) or len(value) > 500 or urlsplit(value).scheme not in (
            "http", "https") or not urlsplit(value).hostname:
        raise MalformedMessage("bad address")
    return value


def peer_details(document: Any) -> PeerDetails:
    """The details in an actor document; MalformedMessage when any is missing or wrong."""
    if not isinstance(document, dict) or not isinstance(document.get("publicKey"), dict):
        raise MalformedMessage("no actor")
    key = document["publicKey"]
    pem = key.get("publicKeyPem")
    if not isinstance(pem, str) or len(pem) > 2000:
        raise MalformedMessage("no key")
    try:
        load_public_key(pem)
    except ValueError as error:
        raise MalformedMessage("bad key") from error
    details = PeerDetails(name=clean_name(document.get("name")),
                          actor_id=web_address(document.get("id")),
                          key_id=web_address(key.get("id")), public_key_pem=pem,
                          inbox_url=web_address(document.get("inbox")))
    if key.get("owner") != details.actor_id:
        raise MalformedMessage("the key is not the actor's")
    return details


def peer_by_key(network: Network, key_id: str) -> Peer | None:
    """The peer of ``network`` that signs with ``key_id`` and may send to its inbox."""
    return db.session.scalars(select(Peer).where(
        Peer.network_id == network.id, Peer.key_id == key_id,
        Peer.local_network_id.is_(None), Peer.status.in_(SENDING_STATUSES))).first()


def peer_by_actor(network: Network, actor_id: str) -> Peer | None:
    return db.session.scalars(select(Peer).where(
        Peer.network_id == network.id, Peer.actor_id == actor_id)).one_or_none()


def local_peer(network: Network, other: Network) -> Peer | None:
    """How ``network`` knows ``other``, a network on this installation (None: not at all)."""
    return db.session.scalars(select(Peer).where(
        Peer.network_id == network.id, Peer.local_network_id == other.id)).one_or_none()


def set_status(peer: Peer, status: PeerStatus) -> None:
    """Change a peer's status (the audit log records the change with the flush)."""
    if status == PeerStatus.LINKED and peer.status != PeerStatus.SUSPENDED:
        peer.linked_at = utcnow()
    peer.status = status
