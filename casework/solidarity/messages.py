"""The JSON documents networks exchange: actor documents and activities (ActivityStreams 2.0).

The format is documented, with an example, in docs/federation.md.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from flask import current_app

from casework.models import Network
from casework.models.base import utcnow
from casework.solidarity.keys import network_key

AS_CONTEXT = "https://www.w3.org/ns/activitystreams"
CASEWORK_NS = "https://casework.example/ns/federation#"
CONTEXT: list[Any] = [AS_CONTEXT, {"casework": CASEWORK_NS}]
MEDIA_TYPE = "application/activity+json"
ACCEPTED_MEDIA_TYPES = {MEDIA_TYPE, "application/json"}
MAX_BODY_BYTES = 256 * 1024
# Activity types the protocol speaks (ActivityStreams 2.0 names).
ACTIVITY_TYPES = {"Offer", "Accept", "Reject", "Update", "Announce", "Leave"}
# The object of the link handshake (Offer / Accept / Reject / Leave).
LINK = "casework:Link"


class MalformedMessage(ValueError):
    """A message body that is not an activity this installation can read."""


def base_url() -> str:
    """Where this installation is reached from other installations (``CASEWORK_BASE_URL``)."""
    return str(current_app.config.get("CASEWORK_BASE_URL") or "http://127.0.0.1:5000").rstrip("/")


def actor_url(network: Network) -> str:
    """The network's identity: the URL of its actor document."""
    return f"{base_url()}/federation/{network.code.lower()}/actor"


def key_id(network: Network) -> str:
    return f"{actor_url(network)}#main-key"


def inbox_url(network: Network) -> str:
    return f"{base_url()}/federation/{network.code.lower()}/inbox"


def actor_document(network: Network, with_key: bool = True) -> dict[str, Any]:
    """What a network publishes about itself: name, inbox and public key (nothing else)."""
    document: dict[str, Any] = {
        "@context": CONTEXT,
        "id": actor_url(network),
        "type": "Organization",
        "name": network.name,
        "inbox": inbox_url(network),
    }
    if with_key:
        document["publicKey"] = {"id": key_id(network), "owner": actor_url(network),
                                 "publicKeyPem": network_key(network).public_key_pem}
    return document


def activity(network: Network, to_actor: str, kind: str, obj: dict[str, Any]) -> dict[str, Any]:
    """A new activity from ``network`` to the actor ``to_actor``, with a fresh unique id."""
    if kind not in ACTIVITY_TYPES:
        raise ValueError(f"unknown activity type {kind}")
    return {
        "@context": CONTEXT,
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": kind,
        "actor": actor_url(network),
        "to": [to_actor],
        "published": utcnow().strftime("%Y-%m-%dT%H:%M:%SZ"),
        "object": obj,
    }


def encode(document: dict[str, Any]) -> bytes:
    """The bytes sent: compact UTF-8 JSON (the signature's digest covers exactly these)."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode()


def decode(body: bytes) -> dict[str, Any]:
    """An activity from a request body; MalformedMessage when it is not one."""
    if len(body) > MAX_BODY_BYTES:
        raise MalformedMessage("too large")
    try:
        document = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:
        raise MalformedMessage("not JSON") from error
    if not isinstance(document, dict):
        raise MalformedMessage("not an object")
    for name in ("id", "type", "actor"):
        if not isinstance(document.get(name), str) or not document[name]:
            raise MalformedMessage(f"no {name}")
    if len(document["id"]) > 100 or document["type"] not in ACTIVITY_TYPES:
        raise MalformedMessage("bad id or type")
    if not isinstance(document.get("object"), dict | str):
        raise MalformedMessage("no object")
    return document


def object_type(document: dict[str, Any]) -> str:
    """The type of the activity's object ("" when the object is a bare URL)."""
    obj = document.get("object")
    return str(obj.get("type", "")) if isinstance(obj, dict) else ""
