"""The answer where the retention purge removed something: 410 Gone, saying when and why."""

from __future__ import annotations

from datetime import datetime

from flask import render_template


def purged_page(what: str, purged_at: datetime, back_url: str) -> tuple[str, int]:
    """A 410 page for a purged letter version or document: not an error, a record."""
    return render_template("privacy/purged.html", what=what, purged_at=purged_at,
                           back_url=back_url), 410
