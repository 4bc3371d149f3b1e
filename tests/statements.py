"""Counting the SQL statements a request sends (the pages' fixed, small SQL)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask

from casework.extensions import db


@contextmanager
def counting_statements(app: Flask, *, keep_pages: bool = False) -> Iterator[list[str]]:
    """Every SQL statement the app sends inside the block; pages are made anew unless
    ``keep_pages`` (a repeat view is otherwise sent from memory: casework/kept_pages.py)."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    keep_before, app.config["CASEWORK_KEEP_PAGES"] = app.config["CASEWORK_KEEP_PAGES"], keep_pages
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
        app.config["CASEWORK_KEEP_PAGES"] = keep_before
