"""The auth blueprint, shared by the login pages (views.py) and the account pages (account.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, make_response, render_template
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from casework.security.ratelimit import too_many_attempts_message

bp = Blueprint("auth", __name__)


def too_many_attempts(form: FlaskForm, template: str, wait: timedelta, **context: Any
                      ) -> Response:
    """The form again with the lockout message, as HTTP 429 with a Retry-After header."""
    form.form_errors.append(too_many_attempts_message(wait))
    response = make_response(render_template(template, form=form, **context), 429)
    response.headers["Retry-After"] = str(max(1, int(wait.total_seconds())))
    return response
