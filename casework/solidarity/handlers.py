"""What a network does on receiving each kind of message about the link itself.

The appeals and joint fights register their own handlers the same way (``inbox.handles``).
"""

from __future__ import annotations

from casework.extensions import db
from casework.models import Peer, PeerStatus
from casework.solidarity.inbox import Received, Refused, handles
from casework.solidarity.messages import LINK, MalformedMessage, activity, actor_document
from casework.solidarity.outbox import cancel_pending, enqueue
from casework.solidarity.peers import clean_name, peer_details, set_status


@handles("Offer", LINK, handshake=True)
def link_requested(message: Received) -> None:
    """A network on this installation asks to link: its coordinator's request waits for ours
    (both asking at once links them). Other installations link through invitations only."""
    if message.local_sender is None:
        raise Refused(401, "links between installations are made with an invitation")
    try:
        details = peer_details(message.object.get("network"))
    except MalformedMessage as error:
        raise Refused(400, str(error)) from error
    peer = message.peer
    if peer is None:
        peer = Peer(network_id=message.network.id, local_network_id=message.local_sender.id,
                    status=PeerStatus.ASKED)
        details.apply_to(peer)
        db.session.add(peer)
    elif peer.status == PeerStatus.REQUESTED:
        set_status(peer, PeerStatus.LINKED)
        enqueue(message.network, peer, activity(
            message.network, peer.actor_id, "Accept",
            {"type": LINK, "network": actor_document(message.network)}))
    elif peer.status == PeerStatus.UNLINKED:
        details.apply_to(peer)
        set_status(peer, PeerStatus.ASKED)
    db.session.flush()


@handles("Accept", LINK, handshake=True)
def link_accepted(message: Received) -> None:
    """The other coordinator said yes to our request."""
    if message.peer is not None and message.peer.status == PeerStatus.REQUESTED:
        set_status(message.peer, PeerStatus.LINKED)


@handles("Reject", LINK, handshake=True)
def link_declined(message: Received) -> None:
    """The other coordinator said no (or withdrew their own request)."""
    if message.peer is not None and message.peer.status in (PeerStatus.REQUESTED,
                                                             PeerStatus.ASKED):
        set_status(message.peer, PeerStatus.UNLINKED)


@handles("Leave", LINK, handshake=True)
def peer_left(message: Received) -> None:
    """The other network unlinked: nothing more goes to it, and nothing from it is taken."""
    if message.peer is not None and message.peer.status != PeerStatus.UNLINKED:
        set_status(message.peer, PeerStatus.UNLINKED)
        cancel_pending(message.peer)


@handles("Update", "Organization")
def peer_renamed(message: Received) -> None:
    """The other network's name, sent when it changes (and by "Check the link")."""
    assert message.peer is not None  # noqa: S101 - only linked peers reach this handler
    try:
        message.peer.name = clean_name(message.object.get("name"))
    except MalformedMessage as error:
        raise Refused(400, str(error)) from error
