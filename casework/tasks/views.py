"""Adding and completing tasks on a case."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response

from casework.errors import PermissionDenied
from casework.extensions import db
from casework.forms import ActionForm
from casework.models import STAFF_ROLES, Case, Task, User
from casework.permissions import acting_user, load_case, roles_required
from casework.tasks.forms import TaskForm, assignee_choices
from casework.tasks.services import add_task, set_task_done, set_task_no_longer_needed

bp = Blueprint("tasks", __name__)


@bp.route("/cases/<int:case_id>/tasks", methods=["POST"])
@roles_required(*STAFF_ROLES)
def create(case_id: int) -> Response | tuple[str, int]:
    case = load_case(case_id, edit=True)
    form = TaskForm()
    form.assignee_id.choices = assignee_choices(case)
    if not form.validate_on_submit():
        return render_template("tasks/new.html", form=form, case=case), 400
    assignee = db.session.get(User, int(form.assignee_id.data)) if form.assignee_id.data else None
    try:
        add_task(case, acting_user(), form.title.data or "", assignee, form.due_on.data)
    except PermissionDenied as error:
        form.assignee_id.errors = [str(error)]
        return render_template("tasks/new.html", form=form, case=case), 400
    db.session.commit()
    flash(_("Task added."), "success")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="tasks"))


def load_task(task_id: int) -> Task:
    """A task of the user's network (404) on a case they may edit (403)."""
    user = acting_user()
    task = db.session.scalars(
        select(Task).join(Case).where(Task.id == task_id, Case.network_id == user.network_id)
    ).one_or_none()
    if task is None:
        abort(404)
    load_case(task.case_id, edit=True)
    return task


@bp.route("/tasks/<int:task_id>/done", methods=["POST"])
@roles_required(*STAFF_ROLES)
def toggle_done(task_id: int) -> Response:
    user = acting_user()
    task = load_task(task_id)
    form = ActionForm()
    if form.validate_on_submit():
        set_task_done(task, user, not task.is_done)
        db.session.commit()
        flash(_("Task done.") if task.is_done else _("Task open again."), "success")
    return redirect(url_for("cases.show", case_id=task.case_id, _anchor="tasks"))


@bp.route("/tasks/<int:task_id>/no-longer-needed", methods=["POST"])
@roles_required(*STAFF_ROLES)
def no_longer_needed(task_id: int) -> Response:
    task = load_task(task_id)
    if ActionForm().validate_on_submit():
        set_task_no_longer_needed(task, acting_user())
        db.session.commit()
        flash(_("Task closed as no longer needed."), "success")
    return redirect(url_for("cases.show", case_id=task.case_id, _anchor="tasks"))
