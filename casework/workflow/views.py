"""Moving a fight: the move forms, and the workflow diagram."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.wrappers import Response as BaseResponse

from casework.clock import network_today
from casework.errors import PermissionDenied, StaleCase
from casework.extensions import db
from casework.fight.forms import MOVE_FORMS
from casework.fight.services import RecordRefused
from casework.letters.services import LetterRefused
from casework.models import CASE_TEAM_ROLES, STAFF_ROLES
from casework.permissions import acting_user, load_case, roles_required
from casework.workflow.diagram import workflow_svg
from casework.workflow.form_data import move_input_from
from casework.workflow.service import TransitionNotAllowed, apply_transition
from casework.workflow.states import CaseState
from casework.workflow.table import BY_TRIGGER

bp = Blueprint("moves", __name__)


@bp.route("/cases/<int:case_id>/moves/<trigger>", methods=["GET", "POST"])
@roles_required(*CASE_TEAM_ROLES)
def move(case_id: int, trigger: str) -> BaseResponse | tuple[str, int] | str:
    case = load_case(case_id, edit=True)
    transition = BY_TRIGGER.get(trigger)
    if transition is None:
        abort(404)
    form = MOVE_FORMS[transition.asks_for[0] if transition.asks_for else ""]()
    page = {"case": case, "transition": transition, "form": form,
            "today": network_today(case.network)}
    if request.method == "GET":
        form.version.data = case.version
        return render_template("fight/move.html", **page)
    if not form.validate_on_submit():
        return render_template("fight/move.html", **page), 400
    try:
        apply_transition(case.id, trigger, acting_user(), move_input_from(form, case),
                         form.version.data)
        db.session.commit()
    except (StaleCase, StaleDataError) as error:
        db.session.rollback()
        form.form_errors.append(str(error) if isinstance(error, StaleCase) else str(StaleCase()))
        return render_template("fight/move.html", **page), 409
    except TransitionNotAllowed as error:
        db.session.rollback()
        form.form_errors.extend(error.reasons)
        return render_template("fight/move.html", **page), 400
    except RecordRefused as error:  # e.g. a date that cannot be: shown next to its field
        db.session.rollback()
        field = getattr(form, error.field, None) if error.field else None
        (field.errors if field is not None else form.form_errors).append(str(error))
        return render_template("fight/move.html", **page), 400
    except LetterRefused as error:  # the demand letter, frozen at delivery, did not render
        db.session.rollback()
        form.form_errors.append(str(error))
        return render_template("fight/move.html", **page), 400
    except PermissionDenied:
        abort(403)
    flash(_("%(move)s: the fight is now “%(state)s”.", move=transition.label,
            state=case.state.label), "success")
    return redirect(url_for("cases.show", case_id=case.id))


@bp.route("/workflow/diagram.svg")
@roles_required(*STAFF_ROLES)
def diagram() -> Response:
    state = request.args.get("state", "")
    current = CaseState(state) if state in CaseState._value2member_map_ else None
    response = Response(workflow_svg(current), mimetype="image/svg+xml")
    response.cache_control.max_age = 3600
    response.cache_control.private = True
    return response
