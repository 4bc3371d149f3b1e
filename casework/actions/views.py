"""The escalation ladder's pages: plan an action, re-plan or reorder it, its roles, its report."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from casework.actions import services
from casework.actions.calls import summary_of
from casework.actions.form_data import plan_form, plan_from, role_form
from casework.actions.forms import ActionDoneForm, CancelActionForm
from casework.actions.services import ActionRefused, ActionReport, can_run_actions
from casework.errors import PermissionDenied
from casework.extensions import db
from casework.forms import ActionForm
from casework.mobilize.page import email_section
from casework.models import CASE_TEAM_ROLES, Action, ActionRole, ActionRoleKind, Case
from casework.permissions import acting_user, load_case, roles_required

bp = Blueprint("actions", __name__, url_prefix="/cases/<int:case_id>/actions")

Page = Response | str | tuple[str, int]


def load_team_case(case_id: int) -> Case:
    """The case (404 outside the network), for its case team and coordinators only (403)."""
    case = load_case(case_id, full_record=True)
    if not can_run_actions(case, acting_user()):
        abort(403)
    return case


def action_of(case: Case, action_id: int) -> Action:
    """One of the case's actions (404 otherwise)."""
    action = db.session.scalars(select(Action).where(
        Action.id == action_id, Action.case_id == case.id)).one_or_none()
    if action is None:
        abort(404)
    return action


def load_action(case_id: int, action_id: int) -> tuple[Case, Action]:
    """The case and one of its actions, for the case team."""
    case = load_team_case(case_id)
    return case, action_of(case, action_id)


def attempt(form: FlaskForm, change: Callable[[], object]) -> bool:
    """Run a service and commit; a refusal becomes the form's message and nothing is kept."""
    try:
        change()
        db.session.commit()
    except ActionRefused as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return False
    except PermissionDenied:
        abort(403)
    return True


def action_url(action: Action, anchor: str | None = None) -> str:
    return url_for("actions.show", case_id=action.case_id, action_id=action.id, _anchor=anchor)


@bp.route("/new", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def new(case_id: int) -> Page:
    case = load_team_case(case_id)
    form = plan_form(case, submitted=request.method == "POST")
    if form.validate_on_submit() and attempt(form, lambda: services.plan_action(
            case, acting_user(), plan_from(form, case))):
        flash(_("Action planned."), "success")
        return redirect(url_for("cases.show", case_id=case.id, _anchor="actions"))
    status = 400 if request.method == "POST" else 200
    return render_template("actions/plan.html", case=case, form=form, action=None), status


@bp.route("/<int:action_id>")
@roles_required(*CASE_TEAM_ROLES)
def show(case_id: int, action_id: int) -> str:
    case, action = load_action(case_id, action_id)
    return render_show(case, action)


def render_show(case: Case, action: Action, **forms: FlaskForm) -> str:
    """The action page; a form that was just refused is passed in, with its messages."""
    summary = summary_of(action)
    values = {
        "done_form": ActionDoneForm(formdata=None, checked_in=summary.checked_in),
        "cancel_form": CancelActionForm(formdata=None),
        "role_form": role_form(action, submitted=False),
        **email_section(action),
        **forms,
    }
    return render_template("actions/show.html", case=case, action=action, summary=summary,
                           action_form=ActionForm(), **values)


@bp.route("/<int:action_id>/edit", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def edit(case_id: int, action_id: int) -> Page:
    case, action = load_action(case_id, action_id)
    form = plan_form(case, action, submitted=request.method == "POST")
    changed: list[str] = []
    if form.validate_on_submit() and attempt(form, lambda: changed.extend(
            services.update_action(action, acting_user(), plan_from(form, case)))):
        flash(_("Rescheduled.") if "starts_at" in changed else
              _("Saved.") if changed else _("Nothing changed."), "success")
        return redirect(action_url(action))
    status = 400 if request.method == "POST" else 200
    return render_template("actions/plan.html", case=case, form=form, action=action), status


@bp.route("/<int:action_id>/move/<any(up, down):direction>", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def move(case_id: int, action_id: int, direction: str) -> Response:
    case, action = load_action(case_id, action_id)
    step = -1 if direction == "up" else 1
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if attempt(form, lambda: services.move_action(action, acting_user(), step)):
        flash(_("Moved %(title)s up.", title=action.display_title) if direction == "up" else
              _("Moved %(title)s down.", title=action.display_title), "success")
    else:
        flash(" ".join(form.form_errors), "error")
    return redirect(url_for("cases.show", case_id=case.id, _anchor="actions"))


@bp.route("/<int:action_id>/roles", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def add_role(case_id: int, action_id: int) -> Page:
    case, action = load_action(case_id, action_id)
    form = role_form(action)
    if form.validate_on_submit() and attempt(form, lambda: services.add_role(
            action, acting_user(), ActionRoleKind(form.role.data),
            int(form.person_id.data) if form.person_id.data else None, form.name.data or "")):
        flash(_("Role added."), "success")
        return redirect(action_url(action, "roles"))
    return render_show(case, action, role_form=form), 400


@bp.route("/<int:action_id>/roles/<int:role_id>/delete", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def remove_role(case_id: int, action_id: int, role_id: int) -> Response:
    _case, action = load_action(case_id, action_id)
    role = db.session.scalars(select(ActionRole).where(
        ActionRole.id == role_id, ActionRole.action_id == action.id)).one_or_none()
    if role is None:
        abort(404)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if attempt(form, lambda: services.remove_role(role, acting_user())):
        flash(_("Role removed."), "success")
    return redirect(action_url(action, "roles"))


@bp.route("/<int:action_id>/done", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def done(case_id: int, action_id: int) -> Page:
    case, action = load_action(case_id, action_id)
    form = ActionDoneForm(checked_in=services.checked_in_count(action))
    if form.validate_on_submit() and attempt(form, lambda: services.record_done(
            action, acting_user(), ActionReport(
                result=form.result.data or "", incidents=form.incidents.data or "",
                police_present=bool(form.police_present.data),
                turnout_actual=form.turnout_actual.data if "turnout_actual" in form else None))):
        flash(_("%(title)s recorded as done: turnout %(turnout)s.", title=action.display_title,
                turnout=action.turnout_actual), "success")
        return redirect(url_for("cases.show", case_id=case.id, _anchor="actions"))
    return render_show(case, action, done_form=form), 400


@bp.route("/<int:action_id>/cancel", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def cancel(case_id: int, action_id: int) -> Page:
    case, action = load_action(case_id, action_id)
    form = CancelActionForm()
    if form.validate_on_submit() and attempt(form, lambda: services.cancel_action(
            action, acting_user(), form.reason.data or "")):
        flash(_("%(title)s cancelled.", title=action.display_title), "success")
        return redirect(url_for("cases.show", case_id=case.id, _anchor="actions"))
    return render_show(case, action, cancel_form=form), 400
