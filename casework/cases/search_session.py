"""Search texts kept in the session, so that what was typed never appears in a URL.

People search the case list by member names. A URL ends up in the server's and any proxy's
access log and in the browser's history, so the search box POSTs its text, the text is kept
here, and the list's URLs carry only a random token that stands for it. The session is
emptied at login and logout, so after logging out a URL from the history finds nothing.
"""

from __future__ import annotations

import json
import secrets

from flask import request, session
from werkzeug.datastructures import MultiDict
from wtforms import Field

SESSION_KEY = "case_searches"
KEPT = 5  # recent searches whose links (back button, pages, other tabs) keep working
# The session is a cookie, and browsers drop cookies over 4 KB: older searches go first.
BUDGET_BYTES = 1500
SEARCH_FORGOTTEN = ("This search is no longer kept (searches last as long as the session): "
                    "type it again.")


def remember_search(text: str) -> str:
    """Keep ``text`` for this session; returns the token that stands for it in URLs."""
    kept = stored_searches()
    # The same text again keeps its token, so the links already made for it keep working.
    token = next((token for token, kept_text in kept if kept_text == text), None)
    token = token or secrets.token_urlsafe(12)
    kept = [pair for pair in kept if pair[0] != token] + [[token, text]]  # newest last
    while len(kept) > 1 and (len(kept) > KEPT or size_of(kept) > BUDGET_BYTES):
        kept.pop(0)
    session[SESSION_KEY] = kept
    return token


def recall_search(token: str) -> str | None:
    """The text a token stands for, or None when this session does not know it (any more)."""
    return next((text for kept_token, text in stored_searches() if kept_token == token), None)


def stored_searches() -> list[list[str]]:
    """The session's searches as [token, text] pairs, oldest first (a list keeps the order)."""
    kept = session.get(SESSION_KEY)
    if not isinstance(kept, list):
        return []
    return [list(pair) for pair in kept if isinstance(pair, list | tuple) and len(pair) == 2
            and all(isinstance(part, str) for part in pair)]


def size_of(kept: list[list[str]]) -> int:
    """About what the searches add to the cookie (JSON escapes non-ASCII characters)."""
    return len(json.dumps(kept))


def args_without_query() -> MultiDict[str, str]:
    """The list page's query string, less any hand-made ``?q=``: searches are POSTed, and a
    text in the URL is neither read nor put into the page's links."""
    args = request.args.copy()
    args.poplist("q")
    return args


def recall_into(search_field: Field) -> str:
    """Fill the search box from the page's ``?search=`` token (after the form was validated);
    returns the token, or "" when there is none or the session forgot it (said on the field)."""
    token = request.args.get("search", "")
    text = recall_search(token) if token else ""
    if text is None:
        search_field.errors = [*search_field.errors, SEARCH_FORGOTTEN]
        text, token = "", ""
    search_field.data = text
    return token
