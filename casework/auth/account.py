"""The logged-in user's own account: change the password, set up or turn off two-factor."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from casework.auth.blueprint import bp, too_many_attempts
from casework.auth.forms import (
    WRONG_CODE,
    ChangePasswordForm,
    CodeForm,
    EnableTwoFactorForm,
)
from casework.auth.services import (
    change_password,
    home_url,
    is_local_path,
    safe_next_url,
    turn_off_two_factor,
    turn_on_two_factor,
)
from casework.extensions import db
from casework.models import STAFF_ROLES, Role, User
from casework.permissions import acting_user, roles_required
from casework.reminders.forms import ReminderSettingsForm
from casework.reminders.services import set_reminder_preference
from casework.security import mfa
from casework.security.ratelimit import login_wait, record_login_attempt

EVERYONE = (*STAFF_ROLES, Role.MEMBER)
WRONG_PASSWORD = _l("That is not your current password.")
Page = Response | str


@bp.route("/account/password", methods=["GET", "POST"], endpoint="change_password")
@roles_required(*EVERYONE)
def change_password_page() -> Page:
    """Change one's own password; other devices are logged out."""
    user = acting_user()
    form = ChangePasswordForm(user)
    if form.validate_on_submit():
        wait = login_wait(user.email)
        if wait is not None:
            return too_many_attempts(form, "auth/password.html", wait)
        if password_matches(user, form.current_password.data or ""):
            change_password(user, form.new_password.data or "")
            db.session.commit()
            flash(_("Your password is changed. Any other device you were logged in on is now "
                    "logged out."), "success")
            return redirect(url_for("auth.change_password"))
        form.current_password.errors.append(str(WRONG_PASSWORD))
    return render_template("auth/password.html", form=form)


@bp.route("/account/reminders", methods=["GET", "POST"])
@roles_required(*STAFF_ROLES)
def reminders() -> Page:
    """Choose whether `flask casework tick` emails you reminders (members get none)."""
    user = acting_user()
    form = ReminderSettingsForm()
    if form.validate_on_submit():
        set_reminder_preference(user, bool(form.wants_email_reminders.data))
        db.session.commit()
        flash(_("Email reminders are on.") if user.wants_email_reminders
              else _("Email reminders are off."), "success")
        return redirect(url_for("auth.reminders"))
    if not form.is_submitted():
        form.wants_email_reminders.data = user.wants_email_reminders
    return render_template("auth/reminders.html", form=form)


@bp.route("/account/two-factor", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def two_factor() -> Page:
    """Set up two-factor: scan or type the secret, then confirm with a code and the password."""
    user = acting_user()
    if user.has_second_factor:
        return render_template("auth/two_factor_on.html", form=CodeForm())
    form = EnableTwoFactorForm()
    secret = mfa.secret_from_token(user, form.token.data or "") if form.is_submitted() else None
    if form.validate_on_submit():
        wait = login_wait(user.email)
        if secret is None:
            form.form_errors.append(_("This setup expired: add the new key below to your app."))
        elif wait is not None:
            return too_many_attempts(form, "auth/two_factor.html", wait,
                                     **enrolment_context(user, secret))
        elif not password_matches(user, form.password.data or ""):
            form.password.errors.append(str(WRONG_PASSWORD))
        elif (step := mfa.matching_step(secret, form.code.data or "")) is None:
            form.code.errors.append(str(WRONG_CODE))
        else:
            turn_on_two_factor(user, secret, step)
            db.session.commit()
            flash(_("Two-factor authentication is on. Other devices were logged out."),
                  "success")
            return redirect(safe_next_url(request.args.get("next"),
                                          url_for("auth.two_factor")))
    if secret is None:
        secret = mfa.new_secret()
        form.token.data = mfa.enrolment_token(user, secret)
    return render_template("auth/two_factor.html", form=form, **enrolment_context(user, secret))


@bp.route("/account/two-factor/disable", methods=["POST"])
@roles_required(*EVERYONE)
def disable_two_factor() -> Page:
    """Turn two-factor off, with a current code."""
    user = acting_user()
    if not user.has_second_factor:
        return redirect(url_for("auth.two_factor"))
    form = CodeForm()
    if form.validate_on_submit():
        wait = login_wait(user.email)
        if wait is not None:
            return too_many_attempts(form, "auth/two_factor_on.html", wait)
        if code_matches(user, form.code.data or ""):
            turn_off_two_factor(user)
            db.session.commit()
            flash(_("Two-factor authentication is off. Other devices were logged out."), "info")
            return redirect(url_for("auth.two_factor"))
        form.code.errors.append(str(WRONG_CODE))
    return render_template("auth/two_factor_on.html", form=form)


@bp.route("/account/two-factor/verify", methods=["GET", "POST"])
@roles_required(*EVERYONE)
def verify_second_factor() -> Page:
    """Confirm it is you with a code, before a page that needs a fresh second factor."""
    user = acting_user()
    requested = request.args.get("next")
    requested = requested if is_local_path(requested) else None
    if not user.has_second_factor:
        flash(_("That page needs two-factor authentication: set it up first."), "info")
        return redirect(url_for("auth.two_factor", next=requested))
    form = CodeForm()
    if form.validate_on_submit():
        wait = login_wait(user.email)
        if wait is not None:
            return too_many_attempts(form, "auth/verify.html", wait)
        if code_matches(user, form.code.data or ""):
            mfa.mark_second_factor_verified()
            db.session.commit()
            return redirect(safe_next_url(requested, home_url(user)))
        form.code.errors.append(str(WRONG_CODE))
    return render_template("auth/verify.html", form=form)


def enrolment_context(user: User, secret: str) -> dict[str, str]:
    """What the setup page shows: the key as text, the otpauth:// URI and its QR code."""
    uri = mfa.provisioning_uri(secret, user.email)
    return {"secret": mfa.grouped(secret), "otpauth_uri": uri,
            "qr_code": mfa.qr_code_data_uri(uri)}


def password_matches(user: User, password: str) -> bool:
    """Check the user's own password; a wrong one counts as a failed login attempt."""
    if user.check_password(password):
        return True
    record_login_attempt(user.email, succeeded=False)
    db.session.commit()
    return False


def code_matches(user: User, code: str) -> bool:
    """Check a code of the user's authenticator; a wrong one counts as a failed attempt."""
    if mfa.verify_code(user, code):
        return True
    record_login_attempt(user.email, succeeded=False)
    db.session.commit()
    return False
