"""The board: open cases by workflow state, filterable by organizer."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField

from casework.board.queries import board_columns
from casework.cases.views import organizer_choices
from casework.forms import options
from casework.ids import parse_id
from casework.kept_pages import keep_page
from casework.models import Role
from casework.permissions import acting_user, roles_required

bp = Blueprint("board", __name__, url_prefix="/board")


class BoardFilterForm(FlaskForm):
    """The board's organizer filter (GET, so no CSRF token)."""

    class Meta:
        csrf = False

    organizer = SelectField(_l("Organizer"), choices=options([("", _l("Anyone"))]), default="")


@bp.route("")
@roles_required(Role.ORGANIZER, Role.COORDINATOR)
@keep_page
def index() -> str:
    user = acting_user()
    form = BoardFilterForm(request.args)
    form.organizer.choices = options([("", _("Anyone")), *organizer_choices(user)])
    if not form.validate():
        # A stale or hand-edited link (?organizer=abc, a disabled user) means "anyone".
        form.organizer.data = ""
        form.organizer.errors = []
    organizer = form.organizer.data or ""
    organizer_id = parse_id(organizer)
    return render_template(
        "board/index.html", form=form, organizer=organizer,
        columns=board_columns(user, organizer_id),
    )
