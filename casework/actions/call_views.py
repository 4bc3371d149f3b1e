"""Call list pages: build and split the list, each caller's calls, and the check-in."""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.wrappers import Response

from casework.actions import calls
from casework.actions.forms import AnswerForm, CheckInForm, SplitForm
from casework.actions.services import ActionRefused, can_run_actions
from casework.actions.views import action_of, attempt, load_action
from casework.audit.recorder import current_actor
from casework.database import SAFE_METHODS, write_intent
from casework.errors import PermissionDenied
from casework.extensions import db
from casework.forms import ActionForm
from casework.ids import page_number
from casework.models import CASE_TEAM_ROLES, Action, AuditEntry, CallAnswer, CallListEntry, Case
from casework.permissions import acting_user, load_case, roles_required

bp = Blueprint("calls", __name__, url_prefix="/cases/<int:case_id>/actions/<int:action_id>")

Page = Response | str | tuple[str, int]
PER_PAGE = 100  # CALL_LIST_PER_PAGE in the config overrides it


def load_entry(action: Action, call_id: int) -> CallListEntry:
    entry = db.session.scalars(select(CallListEntry).where(
        CallListEntry.id == call_id, CallListEntry.action_id == action.id)).one_or_none()
    if entry is None:
        abort(404)
    return entry


def run(form: FlaskForm, change: Callable[[], str]) -> None:
    """Validate, run the service, commit and flash what it says (or why it was refused)."""
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
        return
    try:
        message = change()
        db.session.commit()
    except ActionRefused as error:
        db.session.rollback()
        flash(str(error), "error")
    except PermissionDenied:
        abort(403)
    else:
        flash(message, "success")


def record_people_shown(case: Case, people: list[int], what: str) -> None:
    """Audit a page that showed people's names (or contact details), one entry per person."""
    if not people:
        return
    actor = current_actor()
    rows = [{"user_id": actor.user_id, "network_id": case.network_id, "action": what,
             "object_type": "person", "object_id": str(person_id), "case_id": case.id,
             "origin": actor.origin, "detail": "call list"} for person_id in people]
    if request.method in SAFE_METHODS:  # GET never commits: the entries get their own
        with write_intent(), db.engine.begin() as connection:
            connection.execute(sa.insert(AuditEntry), rows)
    else:  # a refused form shown again: its request holds the write lock (and wrote nothing)
        db.session.execute(sa.insert(AuditEntry), rows)
        db.session.commit()


def split_form(action: Action, *, submitted: bool = True) -> SplitForm:
    """Callers to choose from; those already calling (or else the case team) are ticked."""
    form = SplitForm() if submitted else SplitForm(formdata=None)
    form.callers.choices = [(u.id, u.name) for u in calls.caller_choices(action)]
    form.member_callers.choices = [(p.id, p.name) for p in calls.member_caller_choices(action)]
    if not submitted:
        current = sorted({e.caller_id for e in action.calls if e.caller_id is not None})
        members = sorted({e.caller_person_id for e in action.calls
                          if e.caller_person_id is not None})
        form.callers.data = current or ([] if members else [u.id for u in action.case.team])
        form.member_callers.data = members
    return form


@bp.route("/calls")
@roles_required(*CASE_TEAM_ROLES)
def call_list(case_id: int, action_id: int) -> str:
    case, action = load_action(case_id, action_id)
    return render_call_list(case, action, split_form(action, submitted=False))


def render_call_list(case: Case, action: Action, form: SplitForm) -> str:
    page = page_number()
    entries, has_more = calls.call_list_page(action, page, current_app.config.get(
        "CALL_LIST_PER_PAGE", PER_PAGE))
    record_people_shown(case, [e.person_id for e in entries], "person.view_name")
    return render_template(
        "actions/calls.html", case=case, action=action, entries=entries, page=page,
        has_more=has_more, summary=calls.summary_of(action), split_form=form,
        reliability=calls.reliability(e.person_id for e in entries), action_form=ActionForm())


@bp.route("/calls/build", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def build(case_id: int, action_id: int) -> Response:
    _case, action = load_action(case_id, action_id)

    def change() -> str:
        added = calls.build_call_list(action, acting_user())
        return ngettext("%(num)d person added to the call list.",
                        "%(num)d people added to the call list.", added) \
            if added else _("Everyone with a phone is already on the list.")

    run(ActionForm(), change)
    return redirect(url_for("calls.call_list", case_id=case_id, action_id=action.id))


@bp.route("/calls/split", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def split(case_id: int, action_id: int) -> Page:
    case, action = load_action(case_id, action_id)
    form = split_form(action)
    done: list[calls.SplitResult] = []
    if form.validate_on_submit() and attempt(form, lambda: done.append(calls.split_call_list(
            action, acting_user(), form.callers.data or [], form.size.data or 0,
            form.member_callers.data or []))):
        result = done[0]
        flash(_("Split: %(assigned)s people to call; %(left)s left without a caller: add "
                "callers.", assigned=result.assigned, left=result.unassigned)
              if result.unassigned else
              _("Split: %(assigned)s people to call.", assigned=result.assigned), "success")
        return redirect(url_for("calls.call_list", case_id=case.id, action_id=action.id))
    return render_call_list(case, action, form), 400


@bp.route("/calls/mine")
@roles_required(*CASE_TEAM_ROLES)
def mine(case_id: int, action_id: int) -> str:
    case = load_case(case_id)  # a caller need not be on the case team
    action = action_of(case, action_id)
    user = acting_user()
    if not (can_run_actions(case, user) or calls.is_caller(action, user)):
        abort(403)
    entries = calls.my_calls(action, user)
    record_people_shown(case, [e.person_id for e in entries], "person.view_contact")
    return render_template("actions/mine.html", case=case, action=action, entries=entries,
                           reliability=calls.reliability(e.person_id for e in entries),
                           answer_form=AnswerForm(formdata=None), answers=calls.ANSWERS,
                           answer_url=lambda e: url_for("calls.answer", case_id=case.id,
                                                        action_id=action.id, call_id=e.id))


@bp.route("/calls/<int:call_id>/answer", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def answer(case_id: int, action_id: int, call_id: int) -> Response:
    case = load_case(case_id)  # the caller, or the team (checked by the service)
    action = action_of(case, action_id)
    entry = load_entry(action, call_id)
    form = AnswerForm()

    def change() -> str:
        given = CallAnswer(form.answer.data)
        calls.record_answer(entry, acting_user(), given)
        return _("Answer saved: %(answer)s.", answer=given.label)

    run(form, change)
    return redirect(url_for("calls.mine", case_id=case.id, action_id=action.id,
                            _anchor=f"call-{entry.id}"))


@bp.route("/check-in")
@roles_required(*CASE_TEAM_ROLES)
def check_in(case_id: int, action_id: int) -> str:
    case, action = load_action(case_id, action_id)
    page = page_number()
    entries, has_more = calls.call_list_page(action, page, current_app.config.get(
        "CALL_LIST_PER_PAGE", PER_PAGE), for_check_in=True)
    record_people_shown(case, [e.person_id for e in entries], "person.view_name")
    return render_template(
        "actions/check_in.html", case=case, action=action, entries=entries, page=page,
        has_more=has_more, summary=calls.summary_of(action), action_form=ActionForm(),
        reliability=calls.reliability(e.person_id for e in entries))


@bp.route("/calls/<int:call_id>/check-in", methods=["POST"])
@roles_required(*CASE_TEAM_ROLES)
def set_check_in(case_id: int, action_id: int, call_id: int) -> Response:
    _case, action = load_action(case_id, action_id)
    entry = load_entry(action, call_id)
    form = CheckInForm()

    def change() -> str:
        present = form.present.data == "yes"
        calls.set_checked_in(entry, acting_user(), present)
        return _("Checked in.") if present else _("Check-in undone.")

    run(form, change)
    return redirect(url_for("calls.check_in", case_id=case_id, action_id=action.id,
                            page=request.args.get("page", type=int), _anchor=f"call-{entry.id}"))
