"""What a coordinator does with peers: link (on this installation, or by invitation with
another), answer a link request, suspend, resume, unlink, check a link. Services flush and
never commit; each change and the messages it causes are one transaction."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask_babel import gettext as _
from http_message_signatures import HTTPMessageSignaturesException
from sqlalchemy import func, select

from casework.errors import CaseworkError
from casework.extensions import db
from casework.models import (
    InboxMessage,
    Network,
    OutboxMessage,
    OutboxStatus,
    Peer,
    PeerInvitation,
    PeerStatus,
    User,
)
from casework.models.base import utcnow
from casework.solidarity import (  # noqa: F401 - register the message handlers
    handlers,
    joint,
)
from casework.solidarity.keys import network_key, private_key
from casework.solidarity.messages import (
    LINK,
    MEDIA_TYPE,
    MalformedMessage,
    activity,
    actor_document,
    actor_url,
    base_url,
    encode,
    inbox_url,
    key_id,
)
from casework.solidarity.outbox import cancel_pending, enqueue
from casework.solidarity.peers import (
    PeerDetails,
    local_peer,
    peer_by_actor,
    peer_details,
    set_status,
)
from casework.solidarity.signing import signed_headers
from casework.solidarity.transport import TransportError, check_url, post

INVITATION_LIFETIME = timedelta(hours=48)
ACTIVE = (PeerStatus.LINKED, PeerStatus.REQUESTED, PeerStatus.ASKED, PeerStatus.SUSPENDED)


class PeerError(CaseworkError):
    """A link that cannot be made or changed; the message says why, for the coordinator
    (``field``: the form field it is about)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class PeerRow:
    """A peer as the solidarity page lists it."""

    peer: Peer
    last_received_at: datetime | None
    waiting: int  # messages to it not delivered yet
    failed: int  # messages to it given up on

    @property
    def host(self) -> str:
        """The other installation's address, as the coordinator knows it."""
        return urlsplit(self.peer.inbox_url).netloc


def peer_rows(network: Network) -> list[PeerRow]:
    """The network's peers, the active ones first, with their messages' state."""
    peers = list(db.session.scalars(select(Peer).where(Peer.network_id == network.id)
                                    .order_by(Peer.name, Peer.id)))
    received = dict(db.session.execute(
        select(InboxMessage.peer_id, func.max(InboxMessage.received_at))
        .where(InboxMessage.network_id == network.id).group_by(InboxMessage.peer_id)).all())
    counts = db.session.execute(
        select(OutboxMessage.peer_id, OutboxMessage.status, func.count())
        .where(OutboxMessage.network_id == network.id,
               OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED]))
        .group_by(OutboxMessage.peer_id, OutboxMessage.status)).all()
    by_peer = {(peer_id, status): count for peer_id, status, count in counts}
    rows = [PeerRow(peer, received.get(peer.id), by_peer.get((peer.id, OutboxStatus.PENDING), 0),
                    by_peer.get((peer.id, OutboxStatus.FAILED), 0)) for peer in peers]
    return sorted(rows, key=lambda row: row.peer.status == PeerStatus.UNLINKED)


def get_peer(network: Network, peer_id: int) -> Peer | None:
    """One of the network's peers (None for another network's)."""
    return db.session.scalars(select(Peer).where(
        Peer.id == peer_id, Peer.network_id == network.id)).one_or_none()


def local_candidates(network: Network) -> list[Network]:
    """Networks on this installation the network may ask to link with."""
    taken = select(Peer.local_network_id).where(
        Peer.network_id == network.id, Peer.local_network_id.is_not(None),
        Peer.status.in_(ACTIVE))
    return list(db.session.scalars(select(Network).where(
        Network.id != network.id, Network.id.not_in(taken)).order_by(Network.name)))


def details_of(network: Network) -> PeerDetails:
    """How another network on this installation records ``network``."""
    return PeerDetails(name=network.name, actor_id=actor_url(network), key_id=key_id(network),
                       public_key_pem=network_key(network).public_key_pem,
                       inbox_url=inbox_url(network))


def request_local_link(network: Network, other_id: int) -> Peer:
    """Ask a network on this installation to link; its coordinator answers (DESIGN.md §8:
    each network chooses who it fights with, so a link needs both sides' yes)."""
    other = next((n for n in local_candidates(network) if n.id == other_id), None)
    if other is None:
        raise PeerError(_("Choose one of the networks in the list."))
    details, peer = details_of(other), local_peer(network, other)
    if peer is None:
        peer = Peer(network_id=network.id, local_network_id=other.id,
                    status=PeerStatus.REQUESTED)
        db.session.add(peer)
    details.apply_to(peer)
    set_status(peer, PeerStatus.REQUESTED)
    db.session.flush()
    enqueue(network, peer, activity(network, peer.actor_id, "Offer",
                                    {"type": LINK, "network": actor_document(network)}))
    return peer


def answer_link_request(network: Network, peer: Peer, accept: bool) -> None:
    """Say yes or no to a network that asked to link."""
    if peer.status != PeerStatus.ASKED:
        raise PeerError(_("This network is not waiting for an answer."))
    set_status(peer, PeerStatus.LINKED if accept else PeerStatus.UNLINKED)
    enqueue(network, peer, activity(network, peer.actor_id, "Accept" if accept else "Reject",
                                    {"type": LINK, "network": actor_document(network)}))


def suspend_peer(peer: Peer) -> None:
    """Refuse the peer's messages and hold ours, until resumed (the peer is not told)."""
    if peer.status != PeerStatus.LINKED:
        raise PeerError(_("Only a linked network can be suspended."))
    set_status(peer, PeerStatus.SUSPENDED)
    db.session.flush()


def resume_peer(peer: Peer) -> None:
    if peer.status != PeerStatus.SUSPENDED:
        raise PeerError(_("This network is not suspended."))
    set_status(peer, PeerStatus.LINKED)
    db.session.flush()


def unlink_peer(network: Network, peer: Peer) -> None:
    """End the link (or withdraw a request): the peer is told, what waited for it is dropped."""
    if peer.status == PeerStatus.UNLINKED:
        raise PeerError(_("This network is already unlinked."))
    was_linked = peer.status in (PeerStatus.LINKED, PeerStatus.SUSPENDED)
    set_status(peer, PeerStatus.UNLINKED)
    db.session.flush()
    cancel_pending(peer)
    enqueue(network, peer, activity(network, peer.actor_id, "Leave" if was_linked else "Reject",
                                    {"type": LINK}))


def check_link(network: Network, peer: Peer) -> None:
    """Send the network's name to a linked peer: it arrives when the link works."""
    if peer.status != PeerStatus.LINKED:
        raise PeerError(_("Only a linked network can be sent a message."))
    enqueue(network, peer, name_update(network, peer))


def name_update(network: Network, peer: Peer) -> dict[str, object]:
    return activity(network, peer.actor_id, "Update",
                    {"type": "Organization", "id": actor_url(network), "name": network.name})


def announce_name(network: Network) -> None:
    """Tell every linked peer the network's (new) name."""
    for peer in db.session.scalars(select(Peer).where(
            Peer.network_id == network.id, Peer.status == PeerStatus.LINKED)):
        enqueue(network, peer, name_update(network, peer))


# Invitations: linking with a network on another installation.

def invitation_url(network: Network) -> str:
    """Where another installation redeems the network's invitations."""
    return f"{base_url()}/federation/{network.code.lower()}/invitations"


def code_hash(code: str) -> str:
    return hashlib.sha256(code.strip().encode()).hexdigest()


def create_invitation(network: Network, coordinator: User) -> tuple[PeerInvitation, str]:
    """A one-time invitation; returns it and its code (shown once, only its hash is kept)."""
    code = secrets.token_urlsafe(18)
    invitation = PeerInvitation(network_id=network.id, code_sha256=code_hash(code),
                                created_by_id=coordinator.id,
                                expires_at=utcnow() + INVITATION_LIFETIME)
    db.session.add(invitation)
    db.session.flush()
    return invitation, code


def open_invitations(network: Network) -> list[PeerInvitation]:
    return list(db.session.scalars(select(PeerInvitation).where(
        PeerInvitation.network_id == network.id, PeerInvitation.used_at.is_(None),
        PeerInvitation.expires_at > utcnow()).order_by(PeerInvitation.created_at)))


def withdraw_invitation(network: Network, invitation_id: int) -> None:
    invitation = db.session.scalars(select(PeerInvitation).where(
        PeerInvitation.id == invitation_id, PeerInvitation.network_id == network.id,
        PeerInvitation.used_at.is_(None))).one_or_none()
    if invitation is None:
        raise PeerError(_("This invitation was used or withdrawn already."))
    invitation.expires_at = utcnow()
    db.session.flush()


class InvitationRefused(Exception):
    """The code is wrong, used by another network or expired."""


def accept_redemption(network: Network, code: str, details: PeerDetails) -> Peer:
    """The inviting side: a network on another installation presented the code. Used once:
    the claim is one conditional UPDATE. The same network presenting it again (its answer
    was lost) gets the same link."""
    invitation = db.session.scalars(select(PeerInvitation).where(
        PeerInvitation.network_id == network.id,
        PeerInvitation.code_sha256 == code_hash(code))).one_or_none()
    if invitation is None or not hmac.compare_digest(invitation.code_sha256, code_hash(code)):
        raise InvitationRefused
    if invitation.used_at is not None:
        peer = db.session.get(Peer, invitation.peer_id) if invitation.peer_id else None
        if peer is not None and peer.actor_id == details.actor_id \
                and peer.status == PeerStatus.LINKED:
            return peer
        raise InvitationRefused
    if invitation.expires_at <= utcnow():
        raise InvitationRefused
    table = cast(sa.Table, PeerInvitation.__table__)
    claimed = db.session.connection().execute(sa.update(table).where(
        table.c.id == invitation.id, table.c.used_at.is_(None)).values(used_at=utcnow()))
    if claimed.rowcount != 1:
        raise InvitationRefused
    peer = remember_remote_peer(network, details)
    invitation.peer_id = peer.id
    db.session.flush()
    return peer


def remember_remote_peer(network: Network, details: PeerDetails) -> Peer:
    """Record (or renew) a linked peer on another installation."""
    peer = peer_by_actor(network, details.actor_id)
    if peer is None:
        peer = Peer(network_id=network.id, status=PeerStatus.LINKED)
        db.session.add(peer)
    details.apply_to(peer)
    set_status(peer, PeerStatus.LINKED)
    db.session.flush()
    return peer


def redeem_invitation(network: Network, url: str, code: str) -> Peer:
    """The invited side: present the code, signed with the network's key, to the inviting
    installation; its answer is its network's actor document. Talks to the other server
    while the request runs (the coordinator waits for the outcome)."""
    url, code = url.strip(), code.strip()
    try:
        check_url(url)
    except ValueError as error:
        raise PeerError(_("Paste the invitation's address as you were given it "
                          "(it starts with https://)."), "url") from error
    if urlsplit(url).netloc == urlsplit(base_url()).netloc:
        raise PeerError(_("This invitation comes from this installation: choose the network "
                          "in the list above instead."), "url")
    document = activity(network, url, "Offer", {"type": LINK, "network": actor_document(network),
                                                "invitation": code})
    body = encode(document)
    try:
        headers = signed_headers(url, body, MEDIA_TYPE, key_id(network),
                                 private_key(network_key(network)))
    except (HTTPMessageSignaturesException, ValueError) as error:  # an address it cannot sign
        raise PeerError(_("Paste the invitation's address as you were given it "
                          "(it starts with https://)."), "url") from error
    try:
        answer = post(url, body, headers)
    except TransportError as error:
        raise PeerError(_("The other installation did not answer. Check the address, or try "
                          "again later."), "url") from error
    if answer.status == 401:
        raise PeerError(_("The other installation refused the invitation: the code is wrong, "
                          "was used already or expired. Ask for a new one."))
    if answer.status != 200:
        raise PeerError(_("The other installation answered with an error (%(status)s). Try "
                          "again later.", status=answer.status), "url")
    try:
        details = peer_details(json.loads(answer.body.decode("utf-8")))
    except (MalformedMessage, ValueError) as error:
        raise PeerError(_("The other installation's answer could not be read."), "url") from error
    if {urlsplit(details.actor_id).netloc, urlsplit(details.inbox_url).netloc} != {
            urlsplit(url).netloc}:
        raise PeerError(_("The other installation's answer could not be read."), "url")
    return remember_remote_peer(network, details)
