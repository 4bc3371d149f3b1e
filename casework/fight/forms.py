"""Forms for the fight's records and for the moves that ask for input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from casework.cases.forms import lazy_label
from casework.forms import (
    VersionedForm,
    finite_amount,
    options,
    plausible_date,
    printable_text,
    strip_whitespace,
)
from casework.letters.limits import MAX_DEMAND_CALCULATION, MAX_DEMAND_DESCRIPTION
from casework.models import (
    CLOSE_KINDS,
    WIN_KINDS,
    ConsentMethod,
    ConsentSubject,
    ContactChannel,
    DecisionKind,
    DeclineReason,
)

MAX_AMOUNT = Decimal("99999999.99")
CONSENT_PREFIX = "consent"
NEEDED = _l("This is needed.")
AMOUNT_RANGE = _l("Enter an amount from 0 to 99,999,999.99.")


def text(label: Any, max_length: int = 10_000, *, required: bool = False, area: bool = True,
         **kwargs: Any) -> Any:
    first = DataRequired(message=NEEDED) if required else Optional()
    field_class = TextAreaField if area else StringField
    return field_class(label, validators=[first, Length(max=max_length), printable_text],
                       filters=[strip_whitespace], **kwargs)


def amount(label: Any, *, required: bool = False) -> DecimalField:
    first = InputRequired(message=NEEDED) if required else Optional()
    return DecimalField(label, places=2, validators=[
        first, finite_amount, NumberRange(min=0, max=MAX_AMOUNT, message=AMOUNT_RANGE)])


def count(label: Any) -> IntegerField:
    return IntegerField(label, default=0, validators=[
        InputRequired(message=_l("Enter a number (0 if none).")),
        NumberRange(min=0, max=100_000, message=_l("Enter a number from 0 to 100,000.")),
    ])


class ScreeningForm(FlaskForm):
    screening_notes = text(_l("Screening notes"),
                           description=_l("Facts, evidence seen, research on the target."))
    winnability_notes = text(_l("Winnability assessment"),
                             description=_l("Can we win this within a month or two, with our "
                                            "capacity? Will the person take an active part?"))


class DecisionForm(FlaskForm):
    kind = SelectField(_l("Decision about"),
                       choices=options((k.value, lazy_label(k)) for k in DecisionKind))
    meeting_on = DateField(_l("Meeting date"), validators=[InputRequired(message=NEEDED),
                                                       plausible_date])
    proposal = text(_l("Proposal"), required=True)
    votes_for = count(_l("Votes for"))
    votes_against = count(_l("Votes against"))
    votes_abstain = count(_l("Abstentions"))
    offer_id = SelectField(_l("Offer decided on"), choices=options([("", _l("No offer"))]),
                           default="")


class ConsentForm(FlaskForm):
    """Made with ``prefix=CONSENT_PREFIX``: its ids must not clash with the case page's other
    forms (the decision's offer, the timeline's note)."""

    subject = RadioField(_l("The member consents to"),
                         choices=options((s.value, lazy_label(s)) for s in (
                             ConsentSubject.DEMANDS, ConsentSubject.OFFER)),  # not publication
                         default=ConsentSubject.DEMANDS.value,
                         validators=[InputRequired(message=_l("Choose what they consent to."))])
    offer_id = SelectField(_l("Which offer"), choices=options([("", _l("No offer"))]),
                           default="")
    given_on = DateField(_l("Given on"),
                         validators=[InputRequired(message=NEEDED), plausible_date])
    method = RadioField(_l("How they gave it"),
                        choices=options((m.value, lazy_label(m)) for m in ConsentMethod),
                        validators=[InputRequired(message=_l("Choose how they gave it."))])
    consented_to = text(_l("What they consented to"), 4000,
                        description=_l("Leave empty to record the demands (or the offer's "
                                       "terms) as they read now."))
    note = text(_l("Note"), 2000)

    def validate(self, extra_validators: Any = None) -> bool:
        is_valid = super().validate(extra_validators)
        if self.subject.data == ConsentSubject.OFFER.value and not self.offer_id.data \
                and not self.offer_id.errors:
            self.offer_id.errors = [_l("Choose the offer the member consents to.")]
            return False
        return is_valid


class DemandForm(FlaskForm):
    kind = RadioField(_l("Demand"), choices=options([("money", _l("Money")),
                                                     ("action", _l("An action"))]),
                      default="money")
    description = text(_l("What we demand"), MAX_DEMAND_DESCRIPTION, required=True,
                       description=_l("e.g. 'Pay the unpaid wages' or 'Fix the heater'"))
    amount = amount(_l("Amount ($)"))
    calculation = text(_l("How the amount was calculated"), MAX_DEMAND_CALCULATION,
                       description=_l("e.g. '120 hours × $18'"))

    def validate(self, extra_validators: Any = None) -> bool:
        is_valid = super().validate(extra_validators)
        if self.kind.data == "money" and self.amount.data is None and not self.amount.errors:
            self.amount.errors = [_l("A money demand needs an amount.")]
            return False
        return is_valid


USUAL_DEADLINE_DAYS = (7, 10, 14, 21)


def deadline_choices(*days: int | None) -> list[SelectChoice]:
    """The usual deadlines, and ``days`` (the network's default, the fight's own rule)."""
    offered = sorted({*USUAL_DEADLINE_DAYS, *(day for day in days if day)})
    return options((str(day), lazy_ngettext("%(num)d day after delivery",
                                            "%(num)d days after delivery", day))
                   for day in offered)


class DeadlineRuleForm(FlaskForm):
    """Set its choices with ``deadline_choices`` before using it."""

    deadline_days = SelectField(_l("Deadline"), choices=deadline_choices(), default="14")
    planned_delivery_on = DateField(_l("Planned delivery date"),
                                    validators=[Optional(), plausible_date],
                                    description=_l("The week's batch print reads it."))


class ContactForm(FlaskForm):
    happened_at = DateTimeLocalField(_l("When"), format="%Y-%m-%dT%H:%M",
                                     validators=[InputRequired(message=NEEDED), plausible_date])
    channel = SelectField(_l("How"),
                          choices=options((c.value, lazy_label(c)) for c in ContactChannel))
    summary = text(_l("What they said"), required=True)
    is_offer = BooleanField(_l("This is an offer"))
    offer_amount = amount(_l("Amount offered ($)"))
    offer_conditions = text(_l("Conditions attached (NDA, 'legal agreement', …)"), 4000)


class NoteForm(FlaskForm):
    note = text(_l("Note for the timeline"), required=True,
                description=_l("e.g. 'Call-in: 24 calls to the owner's office'. Facts, not "
                               "opinions."))


class DeliveryDateForm(VersionedForm):
    delivered_at = DateTimeLocalField(_l("Corrected delivery date and time"),
                                      format="%Y-%m-%dT%H:%M",
                                      validators=[InputRequired(message=NEEDED), plausible_date])


# Forms of the moves that ask for input (keyed by Transition.asks_for).

class ConfirmMoveForm(VersionedForm):
    """A move that needs nothing but the version the user saw."""


class ReasonMoveForm(VersionedForm):
    reason = text(_l("Reason"), 2000, required=True)


class OptionalReasonMoveForm(VersionedForm):
    reason = text(_l("Reason (needed if the deadline has not passed)"), 2000)


class DeclineMoveForm(VersionedForm):
    decline_reason = RadioField(_l("Why decline"), choices=options(
        (r.value, lazy_label(r)) for r in DeclineReason),
        validators=[InputRequired(message=_l("Choose a reason."))])
    referred_to = text(_l("Referred to (lawyer, union, agency)"), 300, area=False)
    reason = text(_l("Note"), 2000)


class DeliveryMoveForm(VersionedForm):
    delivered_at = DateTimeLocalField(_l("Delivered at"), format="%Y-%m-%dT%H:%M",
                                      validators=[InputRequired(message=NEEDED), plausible_date])
    place = text(_l("Place"), 300, required=True, area=False)
    handed_over_by = text(_l("Handed over by"), 200, required=True, area=False)
    turnout = count(_l("Turnout (people present)"))
    target_reaction = text(_l("The target's reaction"), 4000)
    police_present = BooleanField(_l("Police were called or present"))
    notes = text(_l("Notes"), 4000)


class OutcomeMoveForm(VersionedForm):
    kind = RadioField(_l("Outcome"),
                      validators=[InputRequired(message=_l("Choose the outcome."))])
    decided_on = DateField(_l("Date"),
                           validators=[InputRequired(message=NEEDED), plausible_date])
    amount_recovered = amount(_l("Amount recovered ($)"))
    conditions = text(_l("Conditions agreed"), 4000)
    debrief = text(_l("Debrief: what happened, what we learned"), 10_000)


class WinMoveForm(OutcomeMoveForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = options((k.value, k.label) for k in WIN_KINDS)
        self.amount_recovered.validators = [
            InputRequired(message=_l("Record the amount recovered (0 if not money).")),
            finite_amount,
            NumberRange(min=0, max=MAX_AMOUNT, message=AMOUNT_RANGE),
        ]


class CloseMoveForm(OutcomeMoveForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = options((k.value, k.label) for k in CLOSE_KINDS)
        self.debrief.validators = [DataRequired(message=_l("Write a short debrief.")),
                                   Length(max=10_000), printable_text]


MOVE_FORMS: dict[str, type[VersionedForm]] = {
    "": ConfirmMoveForm,
    "reason": ReasonMoveForm,
    "optional_reason": OptionalReasonMoveForm,
    "decline_reason": DeclineMoveForm,
    "delivery": DeliveryMoveForm,
    "win_outcome": WinMoveForm,
    "close_outcome": CloseMoveForm,
}
