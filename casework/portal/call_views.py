"""The member portal's calling pages: a member marked as a caller rings the people given to
them and records each answer. They see those people's names, phones, languages and safe-contact
notes, and nothing else of any case (same blueprint as ``views``)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from casework.actions import calls
from casework.actions.call_views import record_people_shown
from casework.actions.forms import AnswerForm
from casework.actions.services import ActionRefused
from casework.errors import PermissionDenied
from casework.extensions import db
from casework.models import CallAnswer, Role
from casework.permissions import acting_user, roles_required
from casework.portal import calls as member_calls
from casework.portal.views import ANY_LOGGED_IN, bp


@bp.route("/my-calls")
@roles_required(Role.MEMBER)
def my_calls() -> str:
    """The actions the member has people to call for."""
    return render_template("portal/my_calls.html",
                           actions=member_calls.member_call_actions(acting_user()))


@bp.route("/my-calls/<int:action_id>")
@roles_required(*ANY_LOGGED_IN)
def action_calls(action_id: int) -> str:
    """One card per person the member is to call for the action (404 for anyone else)."""
    member = acting_user()
    action = member_calls.member_action(member, action_id)
    if action is None:
        abort(404)
    entries = calls.my_calls(action, member)
    record_people_shown(action.case, [e.person_id for e in entries], "person.view_contact")
    return render_template("portal/action_calls.html", action=action, entries=entries,
                           answer_form=AnswerForm(formdata=None), answers=calls.ANSWERS,
                           answer_url=lambda e: url_for("portal.answer", action_id=action.id,
                                                        call_id=e.id))


@bp.route("/my-calls/<int:action_id>/<int:call_id>/answer", methods=["POST"])
@roles_required(*ANY_LOGGED_IN)
def answer(action_id: int, call_id: int) -> Response:
    """Record what a person the member called answered (only the member's own calls)."""
    member = acting_user()
    action = member_calls.member_action(member, action_id)
    entry = member_calls.member_entry(member, action, call_id) if action is not None else None
    if action is None or entry is None:
        abort(404)
    form = AnswerForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            flash(" ".join(str(e) for e in errors), "error")
    else:
        given = CallAnswer(form.answer.data)
        try:
            calls.record_answer(entry, member, given)
            db.session.commit()
        except ActionRefused as error:
            db.session.rollback()
            flash(str(error), "error")
        except PermissionDenied:
            abort(404)
        else:
            flash(_("Answer saved: %(answer)s.", answer=given.label), "success")
    return redirect(url_for("portal.action_calls", action_id=action.id,
                            _anchor=f"call-{entry.id}"))
