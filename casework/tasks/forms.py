"""Task form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from casework.forms import options, plausible_date, printable_text, strip_whitespace
from casework.models import Case


class TaskForm(FlaskForm):
    title = StringField(
        _l("Task"), validators=[DataRequired(message=_l("Say what needs doing.")),
                                Length(max=200), printable_text],
        filters=[strip_whitespace],
    )
    # No Optional(): it would also clear "Not a valid choice" for whitespace ("\n" reached
    # int() in the view); "" (nobody) is one of the choices, and the default when left out.
    assignee_id = SelectField(_l("Assigned to"), choices=options([("", _l("Nobody yet"))]),
                              default="")
    due_on = DateField(_l("Due"), validators=[Optional(), plausible_date])


def assignee_choices(case: Case) -> list[SelectChoice]:
    """The case team, and whoever logged the case, can be assigned its tasks."""
    people = {member.id: member.name for member in case.team}
    if case.created_by is not None:  # a web-form inquiry has no one who logged it
        people.setdefault(case.created_by.id, case.created_by.name)
    ordered = sorted(people.items(), key=lambda item: item[1])
    return options([("", _l("Nobody yet")), *((str(uid), name) for uid, name in ordered)])
