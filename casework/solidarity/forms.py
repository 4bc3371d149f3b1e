"""The solidarity pages' forms: links, invitations, appeals and their answers."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    DateTimeLocalField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from casework.actions.forms import people_count
from casework.cases.forms import lazy_label
from casework.forms import options, plausible_date, printable_text, strip_whitespace
from casework.models import ActionKind, AppealKind

NEEDED = _l("This is needed.")


class LocalLinkForm(FlaskForm):
    """Choose a network on this installation to ask to link."""

    network_id = SelectField(_l("Network"), validators=[DataRequired(
        message=_l("Choose a network."))])


class RedeemForm(FlaskForm):
    """The invitation another installation's coordinator gave: its address and code."""

    url = URLField(_l("Invitation address"), filters=[strip_whitespace], validators=[
        DataRequired(message=_l("Paste the invitation's address.")),
        Length(max=500, message=_l("An invitation's address is at most 500 characters.")),
        printable_text], render_kw={"placeholder": "https://", "autocomplete": "off"})
    code = StringField(_l("Code"), filters=[strip_whitespace], validators=[
        DataRequired(message=_l("Paste the invitation's code.")),
        Length(max=100, message=_l("An invitation's code is at most 100 characters.")),
        printable_text], render_kw={"autocomplete": "off", "spellcheck": "false"})


def appeal_text(label: Any, max_length: int = 4000, *, required: bool = False,
                area: bool = True, **kwargs: Any) -> Any:
    first = DataRequired(message=NEEDED) if required else Optional()
    field_class = TextAreaField if area else StringField
    return field_class(label, validators=[first, Length(max=max_length, message=_l(
        "At most %(max)d characters.", max=max_length)), printable_text],
        filters=[strip_whitespace], **kwargs)


class StrategyForm(FlaskForm):
    """The fight's strategy and end conditions, written before asking other networks."""

    strategy = appeal_text(_l("Strategy"), description=_l(
        "How you mean to win: the escalation you plan, where the target is weak."))
    end_conditions = appeal_text(_l("End conditions"), description=_l(
        "We end the fight when…"))


class AppealForm(FlaskForm):
    """An appeal to linked networks: a one-off action, or to join the fight on its terms."""

    kind = RadioField(_l("What you ask"), choices=options(
        [(k.value, lazy_label(k)) for k in AppealKind]), default=AppealKind.ONE_OFF.value,
        validators=[InputRequired(message=_l("Choose what you ask."))])
    peer_ids = SelectMultipleField(_l("Networks"), coerce=int, choices=[],
                                   widget=ListWidget(prefix_label=False),
                                   option_widget=CheckboxInput(), validators=[
                                       DataRequired(message=_l("Choose at least one network."))])
    ask = appeal_text(_l("What you ask of them"), required=True, description=_l(
        "They read this as you write it: no member's name or details."))
    why = appeal_text(_l("Why"))
    action_kind = SelectField(_l("Kind of action"), choices=options(
        [(k.value, k.label) for k in ActionKind if k != ActionKind.DELIVERY]),
        default=ActionKind.PICKET.value)
    place = appeal_text(_l("Where"), 300, area=False, description=_l(
        "For example the target's branch or property in their city."))
    when = DateTimeLocalField(_l("When"), format="%Y-%m-%dT%H:%M",
                              validators=[Optional(), plausible_date])


class AnswerForm(FlaskForm):
    """Accept or decline an appeal; no counter-proposals."""

    verdict = RadioField(_l("Your answer"), choices=options(
        [("accept", _l("Accept")), ("decline", _l("Decline"))]),
        validators=[InputRequired(message=_l("Choose an answer."))])
    note = appeal_text(_l("Note to them"), 2000)
    offer = appeal_text(_l("Instead, we can offer (when declining)"), 2000, description=_l(
        "A one-off action you can do for them, if any."))


class ForwardForm(FlaskForm):
    """A contact from the target, referred to the network that leads the joint fight."""

    note = appeal_text(_l("What the target said or did"), 4000, required=True)


class ReportForm(FlaskForm):
    """How a one-off action another network asked for went: it goes to them."""

    done_on = DateField(_l("Done on"), validators=[InputRequired(message=NEEDED),
                                                   plausible_date])
    place = appeal_text(_l("Where"), 300, area=False)
    turnout = people_count(_l("Turnout (people who came)"), required=False)
    result = appeal_text(_l("How it went"), 2000, description=_l(
        "They read this as you write it: no member's name or details."))
