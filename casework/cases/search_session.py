"""Search texts kept on the server, so that what was typed appears in no URL and no cookie.

People search the case list and the people directory by member names. A URL ends up in the
server's and any proxy's access log and in the browser's history, and the session cookie is
signed but readable by whoever holds it. So the search box POSTs its text, the text is stored
in the database (``SavedSearch``: with the user who typed it, for as long as a session can
last), the list's URLs carry only a random token that stands for it, and the session cookie
holds only the tokens of this session's searches. A token works for that session alone: the
session is emptied at login and logout (and logging out deletes the user's searches), so after
logging out a URL from the history finds nothing.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Any

from flask import current_app, request, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, exists, select
from werkzeug.datastructures import MultiDict
from wtforms import Field

from casework.extensions import db
from casework.models import SavedSearch, User
from casework.models.base import utcnow

SESSION_KEY = "search_tokens"
KEPT = 5  # recent searches whose links (back button, pages, other tabs) keep working
SEARCH_FORGOTTEN = _l("This search is no longer kept (searches last as long as the session): "
                      "type it again.")


def remember_search(user: User, text: str) -> str:
    """Keep ``text`` for this session of ``user``; returns the token that stands for it in
    URLs. Flushes; the view commits."""
    now = utcnow()
    forget_matching(SavedSearch.expires_at <= now)
    tokens = session_tokens()
    kept = {search.token: search for search in db.session.scalars(select(SavedSearch).where(
        SavedSearch.token.in_(tokens), SavedSearch.user_id == user.id))} if tokens else {}
    # The same text again keeps its token, so the links already made for it keep working.
    search = next((search for search in kept.values() if search.text == text), None)
    if search is None:
        search = SavedSearch(token=secrets.token_urlsafe(12), user_id=user.id, text=text,
                             expires_at=now + session_lifetime())
        db.session.add(search)
    tokens = [token for token in tokens if token in kept and token != search.token]
    tokens.append(search.token)  # newest last
    for dropped in tokens[:-KEPT]:
        db.session.delete(kept[dropped])
    session[SESSION_KEY] = tokens[-KEPT:]
    db.session.flush()
    return search.token


def recall_search(user: User, token: str) -> str | None:
    """The text a token stands for, or None when this session does not know it (any more)."""
    if token not in session_tokens():
        return None
    return db.session.scalars(select(SavedSearch.text).where(
        SavedSearch.token == token, SavedSearch.user_id == user.id,
        SavedSearch.expires_at > utcnow())).first()


def forget_searches(user: User) -> None:
    """Delete every search ``user`` made (at logout, which ends all their sessions)."""
    forget_matching(SavedSearch.user_id == user.id)


def forget_matching(*conditions: Any) -> None:
    """Delete the searches matching ``conditions``; no statement (and so no audit entry of a
    bulk delete) when there are none."""
    if db.session.scalar(select(exists().where(*conditions))):
        db.session.execute(delete(SavedSearch).where(*conditions))


def session_tokens() -> list[str]:
    """The tokens of this session's searches, oldest first."""
    tokens = session.get(SESSION_KEY)
    if not isinstance(tokens, list):
        return []
    return [token for token in tokens if isinstance(token, str)]


def session_lifetime() -> timedelta:
    """How long a search is kept: no session lives longer (see casework.security.sessions)."""
    return timedelta(hours=int(current_app.config["CASEWORK_SESSION_HOURS"]))


def args_without_query() -> MultiDict[str, str]:
    """The list page's query string, less any hand-made ``?q=``: searches are POSTed, and a
    text in the URL is neither read nor put into the page's links."""
    args = request.args.copy()
    args.poplist("q")
    return args


def recall_into(search_field: Field, user: User) -> str:
    """Fill the search box from the page's ``?search=`` token (after the form was validated);
    returns the token, or "" when there is none or the session forgot it (said on the field)."""
    token = request.args.get("search", "")
    text = recall_search(user, token) if token else ""
    if text is None:
        search_field.errors = [*search_field.errors, str(SEARCH_FORGOTTEN)]
        text, token = "", ""
    search_field.data = text
    return token
