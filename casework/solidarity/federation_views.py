"""What other installations talk to: each network's actor document, inbox and invitation
redemption. No session, no CSRF token: a request is trusted only for its signature
(RFC 9421, Ed25519) by a key the network knows. A refused request stores nothing."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from casework.audit.recorder import acting_as
from casework.extensions import csrf, db
from casework.models import Network
from casework.permissions import public
from casework.solidarity import inbox
from casework.solidarity.keys import has_key, load_public_key
from casework.solidarity.messages import (
    ACCEPTED_MEDIA_TYPES,
    MAX_BODY_BYTES,
    MEDIA_TYPE,
    MalformedMessage,
    actor_document,
    decode,
    inbox_url,
)
from casework.solidarity.peers import peer_by_key, peer_details
from casework.solidarity.services import InvitationRefused, accept_redemption, invitation_url
from casework.solidarity.signing import DigestMismatch, SignatureRefused, verify_request

bp = Blueprint("federation", __name__, url_prefix="/federation")
log = logging.getLogger(__name__)


def network_or_404(code: str) -> Network:
    network = db.session.scalars(
        select(Network).where(func.lower(Network.code) == code.lower()[:8])).one_or_none()
    if network is None:
        abort(404)
    return network


def answer(http_status: int, **fields: Any) -> tuple[Response, int]:
    response = jsonify(fields)
    response.mimetype = MEDIA_TYPE
    return response, http_status


def refuse(status: int, reason: str) -> tuple[Response, int]:
    """Nothing of the request is kept; the log line names the reason, never the body."""
    db.session.rollback()
    log.info("Federation request refused (%s): %s", status, reason)
    return answer(status, error=reason)


def signed_body() -> bytes | None:
    """The request's body when it is a JSON document of a sane size (None otherwise)."""
    if request.mimetype not in ACCEPTED_MEDIA_TYPES or (request.content_length or 0) > \
            MAX_BODY_BYTES:
        return None
    return request.get_data(cache=True)


@bp.get("/<code>/actor")
@public
def actor(code: str) -> tuple[Response, int]:
    """The network's name, inbox and public key (once it has one: a GET makes none)."""
    network = network_or_404(code)
    document = actor_document(network, with_key=has_key(network))
    return answer(200, **document)


@bp.post("/<code>/inbox")
@csrf.exempt
@public
def inbox_post(code: str) -> tuple[Response, int]:
    """A signed message from a linked peer: acted on once, a copy is a no-op."""
    network = network_or_404(code)
    body = signed_body()
    if body is None:
        return refuse(400, "expected an application/activity+json body")
    try:
        key_id = verify_request(request.method, inbox_url(network), request.headers,
                                body, lambda kid: key_of_peer(network, kid))
    except SignatureRefused as error:
        return refuse(401, f"signature refused: {error}")
    except DigestMismatch:
        return refuse(400, "the body does not match its Content-Digest")
    peer = peer_by_key(network, key_id)
    try:
        document = decode(body)
    except MalformedMessage as error:
        return refuse(400, f"malformed message: {error}")
    try:
        with acting_as("inbox", network_id=network.id):
            is_new = inbox.receive(network, document, peer)
            db.session.commit()
    except inbox.Refused as refusal:
        return refuse(refusal.status, refusal.reason)
    except IntegrityError:  # the same message, received at this very moment by another worker
        db.session.rollback()
        is_new = False
    return answer(202 if is_new else 200, status="accepted" if is_new else "already received")


def key_of_peer(network: Network, key_id: str) -> Any:
    peer = peer_by_key(network, key_id)
    return load_public_key(peer.public_key_pem) if peer is not None else None


@bp.post("/<code>/invitations")
@csrf.exempt
@public
def redeem(code: str) -> tuple[Response, int]:
    """A network on another installation presents one of this network's invitation codes,
    signed with the key its message carries; the answer is this network's actor document."""
    network = network_or_404(code)
    body = signed_body()
    if body is None:
        return refuse(400, "expected an application/activity+json body")
    try:
        document = decode(body)
        obj = document["object"] if isinstance(document["object"], dict) else {}
        details = peer_details(obj.get("network"))
        invitation_code = obj.get("invitation")
        if document["type"] != "Offer" or not isinstance(invitation_code, str) \
                or document["actor"] != details.actor_id:
            raise MalformedMessage("not an invitation")
    except MalformedMessage as error:
        return refuse(400, f"malformed message: {error}")
    try:
        verify_request(request.method, invitation_url(network), request.headers, body,
                       lambda kid: load_public_key(details.public_key_pem)
                       if kid == details.key_id else None)
    except SignatureRefused as error:
        return refuse(401, f"signature refused: {error}")
    except DigestMismatch:
        return refuse(400, "the body does not match its Content-Digest")
    try:
        with acting_as("inbox", network_id=network.id):
            accept_redemption(network, invitation_code, details)
            document = actor_document(network)
            db.session.commit()
    except InvitationRefused:
        return refuse(401, "the invitation is unknown, used or expired")
    return answer(200, **document)
