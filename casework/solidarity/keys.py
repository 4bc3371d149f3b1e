"""A network's Ed25519 key pair: made on first need, the private half stored encrypted.

The private key is kept as encrypted PKCS#8 PEM; its password is derived from the
installation's ``SECRET_KEY``, so a copy of the database alone does not let anyone sign as
the network. Changing ``SECRET_KEY`` makes the stored keys unreadable: peers must then be
linked again. The private key is never shown, logged or put in an error message.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from casework.extensions import db
from casework.models import Network, NetworkKey


def network_key(network: Network) -> NetworkKey:
    """The network's key pair, made (and flushed) the first time it is asked for; the one
    another transaction made at the same moment, if it did."""
    key = db.session.scalars(
        select(NetworkKey).where(NetworkKey.network_id == network.id)).one_or_none()
    if key is None:
        private = Ed25519PrivateKey.generate()
        key = NetworkKey(network_id=network.id, public_key_pem=public_pem(private.public_key()),
                         private_key_encrypted=private.private_bytes(
                             serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(_password()),
                         ).decode("ascii"))
        try:
            with db.session.begin_nested():  # two ticks at once may both make one
                db.session.add(key)
        except IntegrityError:
            key = db.session.scalars(
                select(NetworkKey).where(NetworkKey.network_id == network.id)).one()
    return key


def has_key(network: Network) -> bool:
    return db.session.get(NetworkKey, network.id) is not None


def private_key(key: NetworkKey) -> Ed25519PrivateKey:
    """The signing half, decrypted for this use only."""
    loaded = serialization.load_pem_private_key(key.private_key_encrypted.encode("ascii"),
                                                password=_password())
    if not isinstance(loaded, Ed25519PrivateKey):
        raise TypeError("a network key must be Ed25519")
    return loaded


def public_pem(public: Ed25519PublicKey) -> str:
    """The public key as SubjectPublicKeyInfo PEM, as actor documents carry it."""
    return public.public_bytes(serialization.Encoding.PEM,
                               serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def load_public_key(pem: str) -> Ed25519PublicKey:
    """A peer's public key from its PEM; ValueError when it is not an Ed25519 key."""
    try:
        loaded = serialization.load_pem_public_key(pem.encode("ascii"))
    except (ValueError, TypeError, UnicodeEncodeError) as error:
        raise ValueError("not a PEM public key") from error
    if not isinstance(loaded, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return loaded


def _password() -> bytes:
    """The private keys' encryption password, derived from the installation's secret key."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, b"casework federation private keys", hashlib.sha256).digest()
