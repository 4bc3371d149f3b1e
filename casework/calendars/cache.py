"""Feeds as last built, kept by each worker process until anything in the database changes.

A feed is fetched again and again by calendar apps while nothing in it changes, and building
one (up to a few thousand events through ``icalendar``) costs far more than serving it. Every
change the app makes writes an audit entry in the same transaction, so the newest audit
entry's id says whether anything changed since a feed was built; the network's date is in
the key too, since the feed's window moves with it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from sqlalchemy import func, select

from casework.extensions import db
from casework.models import AuditEntry

MAX_KEPT = 64  # feeds kept per process; the least recently fetched goes first


@dataclass(frozen=True)
class Built:
    body: bytes
    etag: str


_kept: OrderedDict[Hashable, Built] = OrderedDict()
_lock = threading.Lock()


def latest_change() -> int:
    """The id of the newest audit entry: it grows with every change (the primary key)."""
    return db.session.scalar(select(func.max(AuditEntry.id))) or 0


def kept_or_built(key: Hashable, build: Callable[[], bytes]) -> Built:
    """The body kept under ``key`` (which must name the latest change), or a new one."""
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found
    body = build()
    built = Built(body, hashlib.sha256(body).hexdigest()[:32])
    with _lock:
        _kept[key] = built
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return built

