"""Reads of the reports that run on a second connection while the request's own goes on.

Worked out anew, a large network's report spends about half its time on its two per-person
figures (reliable members, load per organizer): each groups every call-list entry or open
fight of the network. They do not depend on the other figures, so they are read in a
thread of the worker, with its own session, while the request reads the rest; the
database (SQLite in WAL mode, PostgreSQL) serves both at once, and the page waits for the
longer of the two instead of their sum.

Another connection does not see what this transaction wrote and has not committed, nor an
in-memory SQLite database: the work is then done here, in the request's session.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from flask import current_app

from casework.data_version import WROTE
from casework.extensions import db

T = TypeVar("T")

_pool: tuple[int, ThreadPoolExecutor] | None = None
_pool_lock = threading.Lock()


def _executor() -> ThreadPoolExecutor:
    """The process's pool (made anew in a forked worker: threads do not survive a fork)."""
    global _pool
    with _pool_lock:
        if _pool is None or _pool[0] != os.getpid():
            _pool = (os.getpid(), ThreadPoolExecutor(max_workers=2,
                                                     thread_name_prefix="report-read"))
        return _pool[1]


def can_read_alongside() -> bool:
    """Whether a second connection sees what the request's session sees."""
    connection = db.session.connection()
    if connection.info.get(WROTE):
        return False
    database = connection.engine.url.database
    return connection.dialect.name != "sqlite" or database not in (None, "", ":memory:")


def alongside(work: Callable[[], T], prepare: Callable[[], None]) -> Callable[[], T]:
    """Start ``work`` (reads only) in another thread; returns what waits for its result.

    ``prepare`` runs first in the thread's session (the request's session settings)."""
    if not can_read_alongside():
        return work
    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def in_its_own_session() -> T:
        with app.app_context():  # its own session, removed (connection returned) at the end
            prepare()
            return work()

    future: Future[T] = _executor().submit(in_its_own_session)
    return future.result
