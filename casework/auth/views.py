"""Log in and log out."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.wrappers import Response

from casework.auth.forms import LoginForm
from casework.auth.services import authenticate
from casework.models import STAFF_ROLES, Role
from casework.permissions import public, roles_required

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Response | str:
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.my_work"))
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.email.data or "", form.password.data or "")
        if user is None:
            form.password.errors.append("That email and password do not match an active account.")
        else:
            login_user(user, remember=bool(form.remember.data))
            flash(f"Welcome, {user.name}.", "success")
            return redirect(safe_next_url(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@roles_required(*STAFF_ROLES, Role.MEMBER)
def logout() -> Response:
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))


def safe_next_url(target: str | None) -> str:
    """Only follow ``next`` to a path on this site, never to another host."""
    if target:
        parts = urlsplit(target)
        is_local_path = target.startswith("/") and not target.startswith("//")
        if is_local_path and not parts.scheme and not parts.netloc and "\\" not in target:
            return target
    return url_for("dashboard.my_work")
