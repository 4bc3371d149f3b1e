"""Task form."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from casework.forms import options, printable_text, strip_whitespace
from casework.models import Case


class TaskForm(FlaskForm):
    title = StringField(
        "Task", validators=[DataRequired(message="Say what needs doing."), Length(max=200),
                            printable_text],
        filters=[strip_whitespace],
    )
    assignee_id = SelectField("Assigned to", choices=options([("", "Nobody yet")]),
                              validators=[Optional()])
    due_on = DateField("Due", validators=[Optional()])


def assignee_choices(case: Case) -> list[SelectChoice]:
    """The case team, and whoever logged the case, can be assigned its tasks."""
    people = {member.id: member.name for member in case.team}
    people.setdefault(case.created_by.id, case.created_by.name)
    ordered = sorted(people.items(), key=lambda item: item[1])
    return options([("", "Nobody yet"), *((str(uid), name) for uid, name in ordered)])
