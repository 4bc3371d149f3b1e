"""Stable pseudonyms: the same person always gets the same stand-in, and it reveals nothing."""

from __future__ import annotations

import hashlib
import hmac

PSEUDONYM_HEX_DIGITS = 8  # 32 bits: collisions stay unlikely in a network of ~10,000 people


def pseudonym(person_id: int, secret_key: str | bytes, prefix: str = "Member") -> str:
    """``Member-3F9A2C1D``: HMAC-SHA256 of the person's id keyed with the app's secret key.

    Keyed, so no one without the key can work back from a pseudonym to an id (ids are
    small, sequential numbers; a plain hash would be reversed by trying them all).
    """
    key = secret_key.encode() if isinstance(secret_key, str) else secret_key
    digest = hmac.new(key, f"casework-person:{person_id}".encode(), hashlib.sha256).hexdigest()
    return f"{prefix}-{digest[:PSEUDONYM_HEX_DIGITS].upper()}"
