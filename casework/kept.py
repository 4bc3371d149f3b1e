"""Values kept by each worker process until anything in the database changes.

Some pages are read again and again while nothing they show changes: a calendar feed fetched
by calendar apps, the targets list's fight counts. Every change the app makes writes an audit
entry in the same transaction (casework/audit/recorder.py), so the newest audit entry's id
says whether anything changed since a value was made: a key holding it is a key that is
never stale. Each process keeps the ``MAX_KEPT`` most recently used values.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import func, select

from casework.extensions import db
from casework.models import AuditEntry

MAX_KEPT = 64
T = TypeVar("T")

_kept: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def latest_change() -> int:
    """The id of the newest audit entry: it grows with every change (one primary key read)."""
    return db.session.scalar(select(func.max(AuditEntry.id))) or 0


def kept_or_made(key: Hashable, make: Callable[[], T]) -> T:
    """The value kept under ``key`` (which must name the latest change), or a new one."""
    with _lock:
        if key in _kept:
            _kept.move_to_end(key)
            return _kept[key]  # type: ignore[no-any-return]
    value = make()
    with _lock:
        _kept[key] = value
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return value
