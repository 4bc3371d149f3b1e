"""Sending: messages wait in the outbox until delivered, exactly once as the receiver sees it.

``enqueue`` adds a message in the transaction of the change that caused it. ``deliver_due``
(from ``flask casework tick``, and at once after the request that queued it) claims each due
message with one conditional UPDATE, so two ticks at once never both send it; a tick that
dies keeps its claim only until ``CLAIM_SECONDS`` run out, then the message is due again. The
receiver ignores a second copy of a message id, so a message sent twice (a tick that died
after sending) still acts once. A peer that does not answer is tried again after 30 s, 1 min,
2 min, ... up to 6 h between tries; after ``MAX_ATTEMPTS`` the message is marked failed.

Messages to a network on this installation go through the same receiving code
(``inbox.receive``) in the same database transaction that marks them delivered.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

import sqlalchemy as sa
from flask import g, has_request_context
from sqlalchemy import select

from casework.audit.recorder import acting_as
from casework.extensions import db
from casework.models import Network, OutboxMessage, OutboxStatus, Peer, PeerStatus
from casework.models.base import utcnow
from casework.solidarity import inbox
from casework.solidarity.keys import network_key, private_key
from casework.solidarity.messages import LINK, MEDIA_TYPE, encode, key_id
from casework.solidarity.signing import signed_headers
from casework.solidarity.transport import TransportError, post

log = logging.getLogger(__name__)

CLAIM_SECONDS = 120
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)
MAX_ATTEMPTS = 20  # about three days of tries
MAX_PER_TICK = 500
HELD_WAIT = timedelta(hours=1)  # how often a message to a suspended peer is looked at again
# Core statements on the table: retry bookkeeping is not a change the audit log records.
OUTBOX = cast(sa.Table, OutboxMessage.__table__)


@dataclass
class DeliveryReport:
    delivered: int = 0
    retrying: int = 0
    failed: int = 0

    def summary(self) -> str:
        return (f"Messages to other networks: {self.delivered} delivered, {self.retrying} to "
                f"try again, {self.failed} given up.")


def enqueue(network: Network, peer: Peer, document: dict[str, Any]) -> OutboxMessage:
    """Queue ``document`` for ``peer`` in the current transaction (flushed, not committed)."""
    message = OutboxMessage(network_id=network.id, peer_id=peer.id, message_id=document["id"],
                            activity_type=document["type"], body=encode(document).decode(),
                            next_attempt_at=utcnow())
    db.session.add(message)
    db.session.flush()
    if has_request_context():  # sent at once after the request (views.deliver_queued)
        g.outbox_networks = {*g.get("outbox_networks", set()), network.id}
    return message


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try: doubling from 30 s, at most 6 h."""
    return min(FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20), LONGEST_WAIT)


def due_ids(now: datetime, network_id: int | None = None) -> list[int]:
    query = select(OutboxMessage.id).where(
        OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now,
        sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now))
    if network_id is not None:
        query = query.where(OutboxMessage.network_id == network_id)
    return list(db.session.scalars(query.order_by(OutboxMessage.id).limit(MAX_PER_TICK)))


def deliver_due(network_id: int | None = None) -> DeliveryReport:
    """Deliver the due messages (of one network, or all). Commits: each message is claimed
    and settled in transactions of its own."""
    report = DeliveryReport()
    ids = due_ids(utcnow(), network_id)
    db.session.commit()  # ends the reading transaction
    for message_id in ids:
        if claim(message_id):
            settle(message_id, report)
    return report


def claim(message_id: int) -> bool:
    """Take the message for this process, unless another took it first (one UPDATE whose
    WHERE both databases re-check under the row's write lock)."""
    now = utcnow()
    claimed = db.session.connection().execute(
        sa.update(OUTBOX).where(
            OUTBOX.c.id == message_id, OUTBOX.c.status == OutboxStatus.PENDING.value,
            OUTBOX.c.next_attempt_at <= now,
            sa.or_(OUTBOX.c.claimed_until.is_(None), OUTBOX.c.claimed_until < now))
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
                attempts=OUTBOX.c.attempts + 1)).rowcount == 1
    db.session.commit()
    return claimed


def settle(message_id: int, report: DeliveryReport) -> None:
    """Send a claimed message and record how it went."""
    message = db.session.get_one(OutboxMessage, message_id, populate_existing=True)
    peer = message.peer
    sender = db.session.get_one(Network, message.network_id)
    with acting_as("outbox", network_id=sender.id):
        if peer.status == PeerStatus.UNLINKED and not ends_link(message):
            finish(message_id, OutboxStatus.CANCELLED, "the peer was unlinked")
            return
        if peer.status == PeerStatus.SUSPENDED:  # held, not tried: no attempt counted
            retry_later(message_id, HELD_WAIT, "held: the peer is suspended",
                        undo_attempt=True)
            report.retrying += 1
            return
        try:
            error = (deliver_locally(message, sender, peer) if peer.local_network_id
                     else deliver_over_http(message, sender, peer))
        except TransportError as problem:
            error = f"no answer ({problem})"
        if error is None:
            finish(message_id, OutboxStatus.DELIVERED, "")
            report.delivered += 1
        elif error.startswith("HTTP 400") or message.attempts >= MAX_ATTEMPTS:
            finish(message_id, OutboxStatus.FAILED, error)  # retrying will not help
            report.failed += 1
        else:
            retry_later(message_id, backoff(message.attempts), error)
            report.retrying += 1
    log.info("Outbox message %s to peer %s: %s", message_id, peer.id,
             "delivered" if error is None else error)


def deliver_over_http(message: OutboxMessage, sender: Network, peer: Peer) -> str | None:
    """POST the signed message; None when the peer took it, else why not."""
    body = message.body.encode()
    key = network_key(sender)
    headers = signed_headers(peer.inbox_url, body, MEDIA_TYPE, key_id(sender), private_key(key))
    db.session.commit()  # no transaction held open while waiting for the other server
    answer = post(peer.inbox_url, body, headers)
    return None if 200 <= answer.status < 300 else f"HTTP {answer.status}"


def deliver_locally(message: OutboxMessage, sender: Network, peer: Peer) -> str | None:
    """Hand the message to the receiving network's dispatch, in this transaction."""
    receiver = db.session.get_one(Network, peer.local_network_id)
    sender_as_seen = db.session.scalars(select(Peer).where(
        Peer.network_id == receiver.id, Peer.local_network_id == sender.id)).one_or_none()
    document = inbox_document(message)
    try:
        with db.session.begin_nested(), acting_as("inbox", network_id=receiver.id):
            inbox.receive(receiver, document, sender_as_seen, local_sender=sender)
    except inbox.Refused as refusal:
        return f"HTTP {refusal.status}"
    return None


def ends_link(message: OutboxMessage) -> bool:
    """A Leave or Reject of the link itself: it goes to a peer that is unlinked already."""
    return message.activity_type in ("Leave", "Reject") and \
        inbox_document(message).get("object", {}).get("type") == LINK


def inbox_document(message: OutboxMessage) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(message.body)
    return document


def finish(message_id: int, status: OutboxStatus, error: str) -> None:
    db.session.connection().execute(sa.update(OUTBOX).where(OUTBOX.c.id == message_id).values(
        status=status.value, claimed_until=None, last_error=error[:200],
        delivered_at=utcnow() if status == OutboxStatus.DELIVERED else None))
    db.session.commit()


def retry_later(message_id: int, wait: timedelta, error: str, undo_attempt: bool = False
                ) -> None:
    """Release the claim; the message is due again after ``wait``."""
    db.session.connection().execute(sa.update(OUTBOX).where(OUTBOX.c.id == message_id).values(
        claimed_until=None, next_attempt_at=utcnow() + wait, last_error=error[:200],
        attempts=OUTBOX.c.attempts - (1 if undo_attempt else 0)))
    db.session.commit()


def cancel_pending(peer: Peer) -> None:
    """Drop what still waits for a peer that is being unlinked (flushed, not committed)."""
    db.session.connection().execute(sa.update(OUTBOX).where(
        OUTBOX.c.peer_id == peer.id, OUTBOX.c.status == OutboxStatus.PENDING.value).values(
        status=OutboxStatus.CANCELLED.value, last_error="the peer was unlinked"))
