"""Pages a worker sends again, unchanged, while nothing they show can have changed.

A page is made from the database, the person asking, their session, the language and the
time. When the same session asks for the same URL again, the database's token
(casework/data_version.py: it changes with every transaction that writes, in every process
and on every app server) is the same and under ``KEEP_SECONDS`` have passed, the worker sends
the HTML it made last time instead of reading and rendering it all again. Reloading My work,
going back to a case page or a busy coordinator's reports then cost a few reads.

A page is kept only when its view answered 200 without writing or changing the session, and
never while a flashed message waits to be shown. Pages are kept in the worker's memory only
(never on disk), keyed by a digest of the session, the ``MAX_BYTES`` most recently used.

The audit log's "was shown a member's contact details" entry is written once per person and
24 hours (casework/audit/recorder.py); a view answered with a page kept from under a minute
before writes none: it shows again, to the same session, what that earlier view showed.
"""

from __future__ import annotations

import functools
import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NamedTuple

from flask import current_app, make_response, request, session
from flask_babel import get_locale
from flask_login import current_user
from werkzeug.wrappers import Response

from casework.data_version import current_token, token_of_request
from casework.extensions import db
from casework.security.sessions import SEEN_AT

KEEP_SECONDS = 60.0
MAX_BYTES = 16 * 1024 * 1024
FLASHES = "_flashes"


class PageKey(NamedTuple):
    """Everything a page is made from, but the records themselves and the time."""

    token: str  # the database's: the same token, the same records
    host: str
    path_and_query: str
    user_id: str | None
    session: str  # session_digest()
    language: str


@dataclass(frozen=True)
class KeptPage:
    body: bytes
    headers: list[tuple[str, str]]
    made_at: float


_kept: OrderedDict[PageKey, KeptPage] = OrderedDict()
_kept_bytes = 0
_lock = threading.Lock()


def keep_page(view: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a GET page view (inside its login and permission checks) to be kept."""

    @functools.wraps(view)
    def kept_view(*args: Any, **kwargs: Any) -> Any:
        if not current_app.config["CASEWORK_KEEP_PAGES"]:
            return view(*args, **kwargs)
        key = page_key()
        if key is None:
            return view(*args, **kwargs)
        kept = _kept_page(key)
        if kept is not None:
            return Response(kept.body, status=200, headers=kept.headers)
        response = make_response(view(*args, **kwargs))
        if _may_keep(response, key):
            _keep(key, KeptPage(response.get_data(), _view_headers(response), time.monotonic()))
        return response

    return kept_view


def page_key() -> PageKey | None:
    """What the page is made from, or None when it must be made anew (not a plain GET, a
    flashed message waiting, a transaction that wrote)."""
    if request.method != "GET" or FLASHES in session:
        return None
    token = token_of_request(db.session.connection())
    if token is None:
        return None
    return PageKey(token, request.host_url, request.full_path, current_user.get_id(),
                   session_digest(), str(get_locale()))


def session_digest() -> str:
    """A digest of the session, without the moment it was last seen (new on every request)."""
    items = sorted((name, value) for name, value in session.items() if name != SEEN_AT)
    return hashlib.sha256(repr(items).encode()).hexdigest()


def _kept_page(key: PageKey) -> KeptPage | None:
    with _lock:
        kept = _kept.get(key)
        if kept is None:
            return None
        if time.monotonic() - kept.made_at > KEEP_SECONDS:
            _drop(key)
            return None
        _kept.move_to_end(key)
        return kept


def _may_keep(response: Response, key: PageKey) -> bool:
    """Kept only when it can be sent again as it is: a whole 200 page, made without writing
    (the token is unchanged) or touching the session."""
    if response.status_code != 200 or response.direct_passthrough or response.is_streamed:
        return False
    if FLASHES in session or "Set-Cookie" in response.headers:
        return False
    return (current_token(db.session.connection()) == key.token
            and session_digest() == key.session)


def _view_headers(response: Response) -> list[tuple[str, str]]:
    return [(name, value) for name, value in response.headers.items()
            if name.lower() != "content-length"]


def _keep(key: PageKey, page: KeptPage) -> None:
    global _kept_bytes
    if len(page.body) > MAX_BYTES // 8:
        return
    with _lock:
        if key in _kept:
            _drop(key)
        _kept[key] = page
        _kept_bytes += len(page.body)
        while _kept_bytes > MAX_BYTES:
            _drop(next(iter(_kept)))


def _drop(key: PageKey) -> None:
    global _kept_bytes
    _kept_bytes -= len(_kept.pop(key).body)
