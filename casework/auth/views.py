"""Log in (password, then a code when two-factor is on) and log out."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext

from flask import flash, redirect, render_template, request, url_for
from flask_babel import force_locale, refresh
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from casework.auth import account, language  # noqa: F401 - register the account pages on bp
from casework.auth.blueprint import bp, too_many_attempts
from casework.auth.forms import WRONG_CODE, CodeForm, LoginForm
from casework.auth.services import (
    authenticate,
    begin_second_step,
    home_url,
    log_in,
    log_out,
    pending_login,
    safe_next_url,
)
from casework.extensions import db
from casework.i18n import LANGUAGES
from casework.models import STAFF_ROLES, Role, User
from casework.permissions import acting_user, public, roles_required
from casework.security.mfa import verify_code
from casework.security.ratelimit import login_wait, record_login_attempt

__all__ = ["bp", "safe_next_url"]


@bp.route("/login", methods=["GET", "POST"])
@public
def login() -> Response | str:
    """Email and password; refused for a while after too many failures (HTTP 429)."""
    if current_user.is_authenticated:
        return redirect(home_url(acting_user()))
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form)
    email = form.email.data or ""
    wait = login_wait(email)
    if wait is not None:  # refused before the password is even checked
        return too_many_attempts(form, "auth/login.html", wait)
    user = authenticate(email, form.password.data or "")
    if user is None:
        record_login_attempt(email, succeeded=False)
        db.session.commit()
        form.password.errors.append(_("That email and password do not match an active account."))
        return render_template("auth/login.html", form=form)
    next_url = safe_next_url(request.args.get("next"), default=home_url(user))
    if user.has_second_factor:
        begin_second_step(user, next_url)
        return redirect(url_for("auth.login_code"))
    log_in(user)
    db.session.commit()
    refresh()  # the user's own language from this message on
    flash(_("Welcome, %(name)s.", name=user.name), "success")
    return redirect(next_url)


@bp.route("/login/code", methods=["GET", "POST"])
@public
def login_code() -> Response | str:
    """The second step of logging in for users with two-factor on."""
    if current_user.is_authenticated:
        return redirect(home_url(acting_user()))
    pending = pending_login()
    if pending is None:
        flash(_("Log in with your email and password first."), "info")
        return redirect(url_for("auth.login"))
    user, next_url = pending
    form = CodeForm()
    if form.validate_on_submit():
        wait = login_wait(user.email)
        if wait is not None:
            with in_language_of(user):
                return too_many_attempts(form, "auth/login_code.html", wait)
        if verify_code(user, form.code.data or ""):
            log_in(user, second_factor=True)
            db.session.commit()
            refresh()
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(next_url)
        record_login_attempt(user.email, succeeded=False)
        db.session.commit()
        with in_language_of(user):
            form.code.errors.append(str(WRONG_CODE))
    with in_language_of(user):
        return render_template("auth/login_code.html", form=form)


def in_language_of(user: User) -> AbstractContextManager[None]:
    """The second step of a login speaks the language the user chose: they gave their
    password, so who they are is known (the browser's language, else)."""
    return force_locale(user.ui_language) if user.ui_language in LANGUAGES else nullcontext()


@bp.route("/logout", methods=["POST"])
@roles_required(*STAFF_ROLES, Role.MEMBER)
def logout() -> Response:
    """Log out here and on every other device (see casework.security.sessions)."""
    log_out(acting_user())
    db.session.commit()
    refresh()  # the visitor's language again
    flash(_("You are logged out, on this device and any other."), "info")
    return redirect(url_for("auth.login"))
