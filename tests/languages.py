"""Helpers for tests of the UI in another language."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from casework import create_app
from casework.extensions import db
from casework.models import User


def app_without_data(tmp_path: Path) -> Flask:
    """An app without a database to speak of: for what needs only a request's language."""
    return create_app({"TESTING": True, "SECRET_KEY": "test", "SQLALCHEMY_DATABASE_URI":
                       "sqlite://", "CASEWORK_UPLOAD_DIR": str(tmp_path / "uploads")})


def speak(app: Flask, client: FlaskClient, user_id: int, language: str) -> None:
    """Make the user's UI speak ``language``: their account's choice where accounts have one,
    and the language switch's cookie."""
    client.set_cookie("lang", language)
    with app.app_context():
        user = db.session.get_one(User, user_id)
        if hasattr(user, "ui_language"):
            user.ui_language = language
            db.session.commit()
