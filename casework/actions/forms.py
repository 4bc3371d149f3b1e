"""Forms of the escalation ladder: planning, roles, the report, and the call list."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from casework.actions.calls import ANSWERS, CALLS_PER_CALLER, DEFAULT_CALLS_PER_CALLER
from casework.forms import options, plausible_date, printable_text, strip_whitespace
from casework.models import ActionKind, ActionRoleKind

NEEDED = _l("This is needed.")
MAX_PEOPLE = 100_000
# Who the call list rings. "kind" follows the kind of action: supporters too for big ones.
CALLS_CHOICES = [("kind", _l("Members, and supporters too for a big action (delivery, picket, "
                             "secondary target)")),
                 ("all", _l("Members and supporters")), ("members", _l("Members only"))]


def text(label: Any, max_length: int, *, required: bool = False, area: bool = True,
         **kwargs: Any) -> Any:
    first = DataRequired(message=NEEDED) if required else Optional()
    field_class = TextAreaField if area else StringField
    return field_class(label, validators=[first, Length(max=max_length), printable_text],
                       filters=[strip_whitespace], **kwargs)


def people_count(label: Any, *, required: bool = True, **kwargs: Any) -> IntegerField:
    first = InputRequired(message=_l("Enter a number (0 if none).")) if required else Optional()
    return IntegerField(label, validators=[first, NumberRange(
        min=0, max=MAX_PEOPLE, message=_l("Enter a number from 0 to 100,000."))], **kwargs)


class ActionPlanForm(FlaskForm):
    kind = SelectField(_l("Kind of action"),
                       choices=options((k.value, k.label) for k in ActionKind))
    title = text(_l("Title"), 200, area=False,
                 description=_l("Leave empty to call it by its kind, e.g. 'Picket'."))
    starts_at = DateTimeLocalField(_l("When"), format="%Y-%m-%dT%H:%M",
                                   validators=[InputRequired(message=NEEDED), plausible_date])
    place = text(_l("Place"), 300, area=False,
                 description=_l("Where to meet, or 'by phone'."))
    # No Optional() on selects with an empty choice: it would hide "Not a valid choice".
    pressure_point_id = SelectField(_l("Presses"), choices=options([("", _l("The target"))]),
                                    default="")
    turnout_goal = people_count(_l("Turnout goal"), default=10)
    calls = RadioField(_l("Who the call list rings"), choices=options(CALLS_CHOICES),
                       default="kind")
    materials = text(_l("Materials"), 10_000,
                     description=_l("What to bring or print: banners, sign-up sheets, leaflets."))
    leaflet_id = SelectField(_l("Leaflet handed out"), choices=options([("", _l("None"))]),
                            default="")


class ActionRoleForm(FlaskForm):
    role = SelectField(_l("Role"), choices=options((r.value, r.label) for r in ActionRoleKind))
    person_id = SelectField(_l("Person"), choices=options([("", _l("Someone not listed"))]),
                            default="")
    name = text(_l("Or their name"), 120, area=False,
                description=_l("For someone not in the list above."))

    def validate(self, extra_validators: Any = None) -> bool:
        is_valid = super().validate(extra_validators)
        if is_valid and bool(self.person_id.data) == bool(self.name.data):
            self.name.errors = [_("Choose a person or type a name (one of the two).")]
            return False
        return is_valid


class ActionDoneForm(FlaskForm):
    result = text(_l("Result"), 10_000, required=True,
                  description=_l("What happened: the target's reaction, what changed."))
    incidents = text(_l("Incidents"), 10_000,
                     description=_l("Threats, violence, arrests, damage."))
    police_present = BooleanField(_l("Police were called or present"))
    turnout_actual = people_count(_l("Turnout (people who came)"))

    def __init__(self, *args: Any, checked_in: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if checked_in:  # the check-ins are the turnout: nothing to type
            del self.turnout_actual


class CancelActionForm(FlaskForm):
    reason = text(_l("Why"), 2000, area=False)


class CallerCheckboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # Bound per form, during the request: the lazy messages become text in its language,
        # escaped when shown like any other text (a lazy string is shown unescaped).
        for name in ("invalid_choice_message", "invalid_value_message"):
            if kwargs.get(name) is not None:
                kwargs[name] = str(kwargs[name])
        super().__init__(*args, **kwargs)


class SplitForm(FlaskForm):
    """Callers among the network's organizers and its members marked as callers."""

    callers = CallerCheckboxes(
        _l("Organizers"), coerce=int,
        invalid_choice_message=_l("Choose callers among the network's organizers."),
        invalid_value_message=_l("Choose callers among the network's organizers."))
    member_callers = CallerCheckboxes(
        _l("Members who call"), coerce=int,
        invalid_choice_message=_l("Choose among the members marked as callers."),
        invalid_value_message=_l("Choose among the members marked as callers."))
    size = IntegerField(_l("People per caller"), default=DEFAULT_CALLS_PER_CALLER, validators=[
        InputRequired(message=NEEDED),
        NumberRange(min=min(CALLS_PER_CALLER), max=max(CALLS_PER_CALLER),
                    message=_l("Enter a number from 10 to 20."))])

    def validate(self, extra_validators: Any = None) -> bool:
        is_valid = super().validate(extra_validators)
        if not (self.callers.data or self.member_callers.data or self.callers.errors
                or self.member_callers.errors):
            self.callers.errors = [*self.callers.errors, _("Choose at least one caller.")]
            return False
        return is_valid


class AnswerForm(FlaskForm):
    answer = SelectField(_l("Answer"), choices=options((a.value, a.label) for a in ANSWERS))


class CheckInForm(FlaskForm):
    present = SelectField(_l("Present"), choices=options([("yes", _l("Checked in")),
                                                          ("no", _l("Not here"))]))
