"""HTTP Message Signatures (RFC 9421) with Ed25519, through the ``http-message-signatures``
library: it builds the signature base and the Content-Digest (RFC 9530); we choose the
covered components, the key and the time window."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from http_message_signatures import (
    HTTPMessageSigner,
    HTTPMessageVerifier,
    HTTPSignatureKeyResolver,
    InvalidSignature,
    algorithms,
)
from http_message_signatures.exceptions import HTTPMessageSignaturesException
from werkzeug.datastructures import Headers

from casework.models.base import utcnow

COVERED_COMPONENTS = ("@method", "@target-uri", "content-type", "content-digest")
SIGNATURE_LABEL = "casework"
MAX_AGE = timedelta(minutes=5)  # a signature older than this is refused (replays, stale queues)
CLOCK_SKEW = timedelta(minutes=1)  # how far ahead of us another server's clock may be


class SignatureRefused(Exception):
    """The request's signature is missing, malformed, stale or made with an unknown key."""


class DigestMismatch(Exception):
    """The signature is good but the body is not the one its Content-Digest names."""


@dataclass
class HTTPRequestMessage:
    """A request as the library reads it: method, absolute URL, headers."""

    method: str
    url: str
    headers: Any = field(default_factory=dict)


class OneKeyResolver(HTTPSignatureKeyResolver):
    """Signing: our network's private key, under its key id."""

    def __init__(self, key_id: str, private: Ed25519PrivateKey) -> None:
        self.key_id, self.private = key_id, private

    def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
        if key_id != self.key_id:
            raise KeyError(key_id)
        return self.private

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey | None:
        return self.private.public_key() if key_id == self.key_id else None


class LookupKeyResolver(HTTPSignatureKeyResolver):
    """Verification: ``lookup(key_id)`` gives the public key of a peer allowed to send to
    this inbox, or None; the key id it accepted is remembered for the caller."""

    def __init__(self, lookup: Callable[[str], Ed25519PublicKey | None]) -> None:
        self.lookup = lookup
        self.accepted_key_id: str | None = None

    def resolve_public_key(self, key_id: str) -> Ed25519PublicKey | None:
        key = self.lookup(key_id)
        if key is not None:
            self.accepted_key_id = key_id
        return key

    def resolve_private_key(self, key_id: str) -> Ed25519PrivateKey:
        raise KeyError(key_id)  # never: a verifier does not sign


class Verifier(HTTPMessageVerifier):
    max_clock_skew = CLOCK_SKEW


def signed_headers(url: str, body: bytes, content_type: str, key_id: str,
                   private: Ed25519PrivateKey, created: datetime | None = None
                   ) -> dict[str, str]:
    """The headers of a signed POST of ``body`` to ``url``: Content-Type, Content-Digest,
    Signature-Input and Signature (``created``: now, unless a test says otherwise)."""
    message = HTTPRequestMessage("POST", url, {"Content-Type": content_type})
    signer = HTTPMessageSigner(signature_algorithm=algorithms.ED25519,
                               key_resolver=OneKeyResolver(key_id, private))
    signer.sign(message, key_id=key_id, label=SIGNATURE_LABEL, created=created or utcnow(),
                covered_component_ids=COVERED_COMPONENTS, body=body)
    return dict(message.headers)


def verify_request(method: str, url: str, headers: Iterable[tuple[str, str]] | Mapping[str, str],
                   body: bytes, lookup: Callable[[str], Ed25519PublicKey | None]) -> str:
    """Check a request's signature, then its body against the signed digest; returns the key
    id that signed it. SignatureRefused or DigestMismatch otherwise."""
    if not isinstance(headers, Mapping | Headers):
        headers = Headers(list(headers))  # field lines, in order
    resolver = LookupKeyResolver(lookup)
    verifier = Verifier(signature_algorithm=algorithms.ED25519, key_resolver=resolver)
    message = HTTPRequestMessage(method, url, headers)
    try:
        results = verifier.verify(message, max_age=MAX_AGE,
                                  require_components=COVERED_COMPONENTS)
    except (InvalidSignature, HTTPMessageSignaturesException, ValueError) as error:
        raise SignatureRefused(str(error)[:200]) from error
    if resolver.accepted_key_id is None:
        raise SignatureRefused("no key")
    try:
        verifier.verify_body(message, results, body)
    except (InvalidSignature, HTTPMessageSignaturesException) as error:
        raise DigestMismatch(str(error)[:200]) from error
    return resolver.accepted_key_id
