"""Stable pseudonyms: the same person always gets the same stand-in, and it reveals nothing.

A fight whose person the reader may not connect to their other fights gets a stand-in of
its own (``fight_pseudonym``), written the same way, so that nothing tells the two apart.
"""

from __future__ import annotations

import hashlib
import hmac

PSEUDONYM_HEX_DIGITS = 8  # 32 bits: collisions stay unlikely in a network of ~10,000 people


def pseudonym(person_id: int, secret_key: str | bytes, prefix: str = "Member") -> str:
    """``Member-3F9A2C1D``: HMAC-SHA256 of the person's id keyed with the app's secret key.

    Keyed, so no one without the key can work back from a pseudonym to an id (ids are
    small, sequential numbers; a plain hash would be reversed by trying them all).
    """
    return keyed_stand_in(f"casework-person:{person_id}", secret_key, prefix)


def fight_pseudonym(case_id: int, secret_key: str | bytes, prefix: str = "Member") -> str:
    """The person of one fight, as a stand-in shared with no other fight of theirs."""
    return keyed_stand_in(f"casework-fight-person:{case_id}", secret_key, prefix)


def keyed_stand_in(message: str, secret_key: str | bytes, prefix: str) -> str:
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    digest = hmac.new(key, message.encode(), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:PSEUDONYM_HEX_DIGITS].upper()}"
