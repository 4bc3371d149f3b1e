"""The coordinator's page of users: accounts, invitations waiting for a first login."""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from werkzeug.wrappers import Response

from casework.errors import DuplicateEmail, PermissionDenied
from casework.extensions import db
from casework.forms import ActionForm
from casework.models import Invitation, Role, User
from casework.permissions import acting_user, roles_required
from casework.users.forms import RoleForm, UserForm
from casework.users.invitations import (
    INVITATION_DAYS,
    expires_on,
    invite_user,
    waiting_invitations,
    withdraw_invitation,
)
from casework.users.services import (
    ROLE_POWERS,
    Revoked,
    change_role,
    credentials_of,
    reset_password,
    set_user_disabled,
)

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def index() -> Response | str | tuple[str, int]:
    """The network's accounts and invitations, and the form to invite someone."""
    coordinator = acting_user()
    form = UserForm()
    if form.validate_on_submit():
        try:
            invitation = invite_user(coordinator.network, coordinator, form.name.data or "",
                                     form.email.data or "", Role(form.role.data),
                                     form.password.data or "")
        except DuplicateEmail as error:
            form.email.errors = [str(error)]
        else:
            db.session.commit()
            # The same words whether or not the email has an account in another network.
            flash(_("An invitation was recorded for %(email)s. Their account is made when they "
                    "first log in with this email and the first password you give them, within "
                    "%(days)s days.", email=invitation.email, days=INVITATION_DAYS), "success")
            return redirect(url_for("users.index"))
    users = db.session.scalars(
        select(User).where(User.network_id == coordinator.network_id).order_by(User.name)
    )
    status = 400 if form.errors else 200
    return render_template("users/index.html", form=form, users=list(users),
                           invitations=waiting_invitations(coordinator.network_id),
                           expires_on=expires_on, invitation_days=INVITATION_DAYS,
                           action_form=ActionForm()), status


@bp.route("/<int:user_id>/disable", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def disable(user_id: int) -> Response | str:
    """Disable an account, ending every credential it holds. The Disable button opens this
    page (GET, which changes nothing): what disabling ends, then Confirm (POST) or Cancel."""
    user = network_user(user_id)
    if request.method == "POST":
        return set_disabled(user, is_disabled=True)
    return render_template("users/confirm_disable.html", user=user,
                           held=credentials_of(user), action_form=ActionForm())


@bp.route("/<int:user_id>/enable", methods=["POST"])
@roles_required(Role.COORDINATOR)
def enable(user_id: int) -> Response:
    """Enable a disabled account again (what disabling ended stays ended)."""
    return set_disabled(network_user(user_id), is_disabled=False)


@bp.route("/<int:user_id>/role", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def role(user_id: int) -> Response | str | tuple[str, int]:
    """Change a user's role: choose it (GET), see what changes, then Confirm (POST twice)."""
    user = network_user(user_id)
    form = RoleForm(role=user.role.value)
    page = {"user": user, "form": form, "powers": ROLE_POWERS,
            "held": credentials_of(user), "refused": ""}
    if not form.validate_on_submit():
        return render_template("users/role.html", **page), 400 if form.is_submitted() else 200
    new_role = Role(form.role.data)
    if new_role == user.role:
        flash(_("%(name)s is already %(role)s: nothing changed.", name=user.name,
                role=new_role.label.lower()), "success")
        return redirect(url_for("users.index"))
    if form.confirmed.data != new_role.value:  # the page that says what changes
        form.confirmed.data = new_role.value
        return render_template("users/role.html", **page, new_role=new_role)
    old_role = user.role
    try:
        change_role(user, acting_user(), new_role)
    except PermissionDenied as error:
        db.session.rollback()
        return render_template("users/role.html", **{**page, "refused": str(error)}), 403
    db.session.commit()
    flash(_("%(name)s is now %(role)s (was %(old_role)s); they were logged out everywhere and "
            "log in again with their own password.", name=user.name,
            role=new_role.label.lower(), old_role=old_role.label.lower()), "success")
    return redirect(url_for("users.index"))


@bp.route("/<int:user_id>/password", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def password(user_id: int) -> Response | str | tuple[str, int]:
    """Reset a user's password: what it does (GET), then Confirm (POST) shows a temporary
    password once, on this response only (never in a flash message, a URL or a log)."""
    user = network_user(user_id)
    form = ActionForm()
    if request.method == "GET" or not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("users/password.html", user=user, action_form=form), status
    try:
        temporary = reset_password(user, acting_user())
    except PermissionDenied as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("users.index"))
    db.session.commit()
    response = make_response(render_template("users/password_shown.html", user=user,
                                             temporary=temporary))
    response.headers["Cache-Control"] = "no-store"
    return response


def network_user(user_id: int) -> User:
    """A user of the coordinator's network, or 404."""
    user = db.session.get(User, user_id)
    if user is None or user.network_id != acting_user().network_id:
        abort(404)
    return user


def set_disabled(user: User, *, is_disabled: bool) -> Response:
    """Disable or enable ``user`` if the form's CSRF token holds; pressing twice is harmless."""
    if ActionForm().validate_on_submit() and user.is_disabled != is_disabled:
        try:
            revoked = set_user_disabled(user, acting_user(), is_disabled)
        except PermissionDenied as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(disabled_message(user.name, revoked) if revoked
                  else _("%(name)s is enabled.", name=user.name), "success")
    return redirect(url_for("users.index"))


@bp.route("/invitations/<int:invitation_id>/withdraw", methods=["POST"])
@roles_required(Role.COORDINATOR)
def withdraw(invitation_id: int) -> Response:
    """Withdraw an invitation: its first password no longer makes an account."""
    coordinator = acting_user()
    invitation = db.session.get(Invitation, invitation_id)
    if invitation is None or invitation.network_id != coordinator.network_id:
        abort(404)
    if ActionForm().validate_on_submit():
        email = invitation.email
        withdraw_invitation(invitation, coordinator)
        db.session.commit()
        flash(_("The invitation for %(email)s is withdrawn.", email=email), "success")
    return redirect(url_for("users.index"))


def disabled_message(name: str, revoked: Revoked) -> str:
    """What disabling ended, in one message."""
    sentences = [_("%(name)s is disabled: they are logged out everywhere, and any calendar "
                   "address they held stopped working.", name=name)]
    if revoked.network_feed:
        sentences.append(_("The network calendar feed's address was theirs: make a new one on "
                           "the Calendar page and give it to those who follow it."))
    if revoked.invitations:
        sentences.append(ngettext(
            "The invitation they recorded is withdrawn: invite that person again.",
            "The %(num)d invitations they recorded are withdrawn: invite those people again.",
            revoked.invitations))
    return " ".join(sentences)
