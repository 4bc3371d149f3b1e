"""The coordinator's page of users."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from sqlalchemy import select
from werkzeug.wrappers import Response

from casework.errors import DuplicateEmail, PermissionDenied
from casework.extensions import db
from casework.forms import ActionForm
from casework.models import Role, User
from casework.permissions import acting_user, roles_required
from casework.users.forms import UserForm
from casework.users.services import create_user, set_user_disabled

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.route("/", methods=["GET", "POST"])
@roles_required(Role.COORDINATOR)
def index() -> Response | str | tuple[str, int]:
    coordinator = acting_user()
    form = UserForm()
    if form.validate_on_submit():
        try:
            user = create_user(coordinator.network, form.name.data or "", form.email.data or "",
                               Role(form.role.data), form.password.data or "")
        except DuplicateEmail as error:
            form.email.errors = [str(error)]
        else:
            db.session.commit()
            flash(f"{user.name} can now log in as {user.role.label.lower()}.", "success")
            return redirect(url_for("users.index"))
    users = db.session.scalars(
        select(User).where(User.network_id == coordinator.network_id).order_by(User.name)
    )
    status = 400 if form.errors else 200
    return render_template("users/index.html", form=form, users=list(users),
                           action_form=ActionForm()), status


@bp.route("/<int:user_id>/disable", methods=["POST"])
@roles_required(Role.COORDINATOR)
def toggle_disabled(user_id: int) -> Response:
    coordinator = acting_user()
    user = db.session.get(User, user_id)
    if user is None or user.network_id != coordinator.network_id:
        abort(404)
    if ActionForm().validate_on_submit():
        try:
            set_user_disabled(user, coordinator, not user.is_disabled)
        except PermissionDenied as error:
            flash(str(error), "error")
        else:
            db.session.commit()
            flash(f"{user.name} is {'disabled' if user.is_disabled else 'enabled'}.", "success")
    return redirect(url_for("users.index"))
