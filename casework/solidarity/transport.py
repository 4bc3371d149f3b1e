"""POSTing a signed document to another installation over HTTP(S). No redirects are
followed, answers are read up to a limit, and only the status line is ever logged."""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import current_app

TIMEOUT_SECONDS = 10
MAX_ANSWER_BYTES = 256 * 1024


class TransportError(Exception):
    """The other installation could not be reached or did not answer."""


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes


def check_url(url: str) -> None:
    """ValueError unless ``url`` is an https URL (or http where the installation allows it,
    for development and tests: ``CASEWORK_FEDERATION_ALLOW_HTTP``)."""
    if not url.isascii() or any(ch.isspace() for ch in url):
        raise ValueError("not an address another installation can be reached at")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as error:
        raise ValueError("not an address another installation can be reached at") from error
    allowed = {"https", "http"} if current_app.config.get("CASEWORK_FEDERATION_ALLOW_HTTP") \
        else {"https"}
    if parts.scheme not in allowed or not parts.hostname or parts.username or parts.password:
        raise ValueError("not an address another installation can be reached at")


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST ``body`` to ``url``; TransportError when no answer came."""
    check_url(url)
    parts = urlsplit(url)
    connection_class = (http.client.HTTPSConnection if parts.scheme == "https"
                        else http.client.HTTPConnection)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection = connection_class(parts.hostname or "", parts.port, timeout=TIMEOUT_SECONDS)
    except ValueError as error:
        raise TransportError("bad address") from error
    try:
        connection.request("POST", path, body, {**headers, "Accept": "application/activity+json"})
        response = connection.getresponse()
        return Answer(response.status, response.read(MAX_ANSWER_BYTES))
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise TransportError(type(error).__name__) from error
    finally:
        connection.close()
