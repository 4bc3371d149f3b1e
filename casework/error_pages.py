"""Error pages: every HTTP error the app answers with is a page in the app's layout, in plain
words, with a way back. They never repeat the request's query string or any personal data."""

from __future__ import annotations

from typing import Any, NamedTuple

from flask import Flask, Response, make_response, render_template
from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from casework.extensions import db


class ErrorText(NamedTuple):
    title: LazyString
    message: LazyString


ERROR_TEXTS: dict[int, ErrorText] = {
    400: ErrorText(_l("Bad request"), _l("The form could not be read. Go back and try again.")),
    403: ErrorText(_l("Not allowed"), _l("Your role does not give access to this page.")),
    404: ErrorText(_l("Not found"),
                   _l("There is nothing here, or it is not in your network.")),
    405: ErrorText(_l("Use the button"),
                   _l("This address only works from its button: go back to the page before and "
                      "press the button again.")),
    409: ErrorText(_l("This changed"),
                   _l("Someone changed this a moment ago. Reload the page to see what changed, "
                      "then try again.")),
    410: ErrorText(_l("Gone"), _l("This was removed and is no longer kept here.")),
    413: ErrorText(_l("Too large"), _l("What you sent is larger than this server accepts.")),
    429: ErrorText(_l("Too many tries"),
                   _l("Too many tries in a short time. Wait a few minutes, then try again.")),
    500: ErrorText(_l("Something went wrong"), _l("Nothing was saved. Try again in a moment.")),
    503: ErrorText(_l("Not available right now"),
                   _l("Casework is not available for a moment, perhaps for maintenance. Nothing "
                      "was saved. Try again in a few minutes.")),
}
CSRF_TEXT = ErrorText(_l("Form expired"),
                      _l("The form expired or was not sent from this site. Go back, reload the "
                         "page and try again."))
# Headers an error must keep: Allow tells what a 405 accepts, Retry-After when to come back.
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def text_for(code: int) -> ErrorText:
    """The title and message for a status; any other error gets a general one by its class."""
    if code in ERROR_TEXTS:
        return ERROR_TEXTS[code]
    if code >= 500:
        return ERROR_TEXTS[500]
    return ErrorText(_l("This did not work"), _l("This request could not be answered. Go back "
                                                  "and try again."))


def error_page(error: HTTPException, text: ErrorText | None = None) -> Response | Any:
    """The app's error page for ``error``, with its status and the headers it must keep."""
    if error.response is not None:  # a view that aborted with its own answer keeps it
        return error.response
    code = error.code or 500
    text = text or text_for(code)
    body = render_template("error.html", code=code, title=text.title, message=text.message)
    response = make_response(body, code)
    for name, value in error.get_headers():
        if name in KEPT_HEADERS:
            response.headers[name] = value
    return response


def register_error_pages(app: Flask) -> None:
    """Answer every HTTP error, raised or aborted, with the app's error page."""

    @app.errorhandler(CSRFError)
    def csrf_failed(error: CSRFError) -> Response:
        return error_page(error, CSRF_TEXT)

    @app.errorhandler(InternalServerError)
    def server_error(error: InternalServerError) -> Response:
        db.session.rollback()
        return error_page(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return error_page(error)
