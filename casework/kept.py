"""Values kept by each worker process until anything in the database changes.

Some pages are read again and again while nothing they show changes: a calendar feed fetched
by calendar apps, the targets list's fight counts. The database's token
(casework/data_version.py) changes with every transaction that writes, in any process, so a
key holding it is a key that is never stale. Each process keeps the ``MAX_KEPT`` most
recently used values.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from casework.data_version import current_token
from casework.extensions import db

MAX_KEPT = 64
T = TypeVar("T")

_kept: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def latest_change() -> Hashable:
    """The database's token; a new object, found under no key, when this transaction has
    written and not committed (what it reads is its own, not the token's)."""
    return current_token(db.session.connection()) or object()


def kept_or_made(key: Hashable, make: Callable[[], T]) -> T:
    """The value kept under ``key`` (which must name the latest change), or a new one."""
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]
    value = make()
    with _lock:
        _kept[key] = value
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return value
