"""Ids and page cursors read from URLs and forms: only what a database id can be.

``int()`` is too generous for request data: it takes "²" (after ``str.isdigit()`` said yes,
then fails), Arabic-Indic digits, " 12 ", "1_000" and 5,000-digit numbers, and the databases
refuse integers beyond 64 bits (SQLite raises OverflowError, PostgreSQL a DataError): each of
those was a 500. An id here is plain ASCII digits for 1 .. 2**63 - 1, or nothing.
"""

from __future__ import annotations

import re
from typing import Any

from flask import request
from werkzeug.routing import IntegerConverter, Map

MAX_ID = 2**63 - 1  # the largest BIGINT, and SQLite's largest INTEGER
_ID = re.compile(r"[1-9][0-9]{0,18}")


def parse_id(raw: str | None) -> int | None:
    """``raw`` as an id, or None when it cannot be one (no exception, whatever was sent)."""
    if raw is None or not _ID.fullmatch(raw):
        return None
    value = int(raw)
    return value if value <= MAX_ID else None


class IdConverter(IntegerConverter):
    """``<int:...>`` in routes: ASCII digits up to ``MAX_ID``; anything else is a 404."""

    regex = r"[0-9]+"  # not \d, which also matches other scripts' digits

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


MAX_PAGE = 10_000


def page_number() -> int:
    """The ``?page=`` asked for, kept within 1..MAX_PAGE (anything unreadable is page 1)."""
    return min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
