"""Solidarity between networks: a network's key pair, its peers, invitations, and the
outbox and inbox of the signed messages they exchange (see docs/federation.md)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model
from casework.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from casework.models.network import Network


class NetworkKey(Model):
    """A network's Ed25519 key pair, made the first time it is needed. The private key is
    stored encrypted with a key derived from the installation's secret key."""

    __tablename__ = "network_key"

    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"), primary_key=True)
    public_key_pem: Mapped[str] = mapped_column(sa.Text)
    private_key_encrypted: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:  # never the key material
        return f"<NetworkKey of network {self.network_id}>"


class PeerStatus(StrEnum):
    # We asked a network on this installation to link; its coordinator has not answered.
    REQUESTED = "requested"
    # A network on this installation asked us to link; our coordinator answers.
    ASKED = "asked"
    LINKED = "linked"
    SUSPENDED = "suspended"  # our choice: their messages are refused, ours are held
    UNLINKED = "unlinked"  # by either side; a new link starts again from scratch

    @property
    def label(self) -> str:
        return str(PEER_STATUS_LABELS[self])


PEER_STATUS_LABELS = {
    PeerStatus.REQUESTED: _l("Waiting for their answer"),
    PeerStatus.ASKED: _l("Asks to link"),
    PeerStatus.LINKED: _l("Linked"),
    PeerStatus.SUSPENDED: _l("Suspended"),
    PeerStatus.UNLINKED: _l("Unlinked"),
}


class Peer(Model):
    """Another network, as one network knows it: its name, key and inbox."""

    __tablename__ = "peer"
    __table_args__ = (
        sa.UniqueConstraint("network_id", "actor_id"),
        sa.Index("ix_peer_network_key", "network_id", "key_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # The peer's actor document URL (its identity) and its key's id, as signed messages name it.
    actor_id: Mapped[str] = mapped_column(sa.String(500))
    key_id: Mapped[str] = mapped_column(sa.String(500))
    public_key_pem: Mapped[str] = mapped_column(sa.Text)
    inbox_url: Mapped[str] = mapped_column(sa.String(500))
    # Set when the peer is a network on this installation: messages go without HTTP.
    local_network_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("network.id", ondelete="SET NULL"), index=True)
    status: Mapped[PeerStatus] = mapped_column(enum_column(PeerStatus))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    local_network: Mapped[Network | None] = relationship(foreign_keys=[local_network_id])

    @property
    def is_local(self) -> bool:
        return self.local_network_id is not None

    def __repr__(self) -> str:
        return f"<Peer {self.id} of network {self.network_id} {self.status}>"


class PeerInvitation(Model):
    """A one-time invitation to link, for a network on another installation. Only the
    code's SHA-256 is kept: the code is shown once, to the coordinator who made it."""

    __tablename__ = "peer_invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"), index=True)
    code_sha256: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The peer the invitation made, once redeemed.
    peer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("peer.id", ondelete="SET NULL"), index=True)


class OutboxStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    FAILED = "failed"  # gave up after the last retry
    CANCELLED = "cancelled"  # the peer was unlinked before it went


class OutboxMessage(Model):
    """A signed message waiting to go to a peer, written in the transaction of the change
    that caused it; ``flask casework tick`` delivers it, retrying with backoff."""

    __tablename__ = "outbox_message"
    __table_args__ = (sa.Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"), index=True)
    peer_id: Mapped[int] = mapped_column(sa.ForeignKey("peer.id"), index=True)
    message_id: Mapped[str] = mapped_column(sa.String(100), unique=True)
    activity_type: Mapped[str] = mapped_column(sa.String(40))
    body: Mapped[str] = mapped_column(sa.Text)  # the JSON document, exactly as sent
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus),
                                                 default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A tick that claimed the message owns it until then (a crashed tick's claim runs out).
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Why the last attempt failed, e.g. "HTTP 503" (never a body: it may quote anything).
    last_error: Mapped[str] = mapped_column(sa.String(200), default="")

    peer: Mapped[Peer] = relationship()


class InboxMessage(Model):
    """A message a network received and acted on; its id makes a second copy a no-op."""

    __tablename__ = "inbox_message"
    __table_args__ = (sa.UniqueConstraint("network_id", "message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"))
    peer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("peer.id", ondelete="SET NULL"), index=True)
    message_id: Mapped[str] = mapped_column(sa.String(100))
    activity_type: Mapped[str] = mapped_column(sa.String(40))
    body: Mapped[str] = mapped_column(sa.Text)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
