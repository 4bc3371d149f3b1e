"""PLACEHOLDER for the public "get in touch" form: only its address, so that posters can point
at it. The real form (issue 14, point 2) replaces this file when the branches are merged."""

from __future__ import annotations

from flask import Blueprint, abort, render_template_string
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import Network
from casework.permissions import public

bp = Blueprint("public", __name__)

PAGE = """{% extends "base.html" %}{% block title %}{{ name }}{% endblock %}
{% block content %}<h1>{{ name }}</h1><p>Call us: {{ phone }}</p>{% endblock %}"""


@bp.route("/n/<code>/get-in-touch")
@public
def inquiry_form(code: str) -> str:
    network = db.session.scalars(
        select(Network).where(func.lower(Network.code) == code.lower()[:8])).one_or_none()
    if network is None:
        abort(404)
    return render_template_string(PAGE, name=network.name, phone=network.hotline_phone)
