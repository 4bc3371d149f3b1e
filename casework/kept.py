"""Values kept by each worker process until anything in the database changes.

Some pages are read again and again while nothing they show changes: a calendar feed fetched
by calendar apps, the targets list's fight counts, a network's report. Values are kept under
the database's token (casework/data_version.py), which changes with every transaction that
writes, in any process: a kept value is never stale. Each process keeps the ``MAX_KEPT`` most
recently used values.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from casework.data_version import current_token
from casework.extensions import db

MAX_KEPT = 128
T = TypeVar("T")

_kept: OrderedDict[Hashable, Any] = OrderedDict()
_lock = threading.Lock()


def kept_or_made(key: Hashable, make: Callable[[], T]) -> T:
    """The value kept under ``key`` while the database is unchanged, or a new one (made and
    not kept when this transaction has written and not committed: what it reads is its own,
    not the token's)."""
    token = current_token(db.session.connection())
    if token is None:
        return make()
    kept_key = (token, key)
    with _lock:
        if kept_key in _kept:
            _kept.move_to_end(kept_key)
            return _kept[kept_key]
    value = make()
    with _lock:
        _kept[kept_key] = value
        while len(_kept) > MAX_KEPT:
            _kept.popitem(last=False)
    return value


def forget_kept() -> None:
    """Make every value anew (benchmarks; the query-plan check reads the reports' statements)."""
    with _lock:
        _kept.clear()
