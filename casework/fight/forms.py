"""Forms for the fight's records and for the moves that ask for input."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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
NEEDED = "This is needed."
AMOUNT_RANGE = "Enter an amount from 0 to 99,999,999.99."


def text(label: str, max_length: int = 10_000, *, required: bool = False, area: bool = True,
         **kwargs: Any) -> Any:
    first = DataRequired(message=NEEDED) if required else Optional()
    field_class = TextAreaField if area else StringField
    return field_class(label, validators=[first, Length(max=max_length), printable_text],
                       filters=[strip_whitespace], **kwargs)


def amount(label: str, *, required: bool = False) -> DecimalField:
    first = InputRequired(message=NEEDED) if required else Optional()
    return DecimalField(label, places=2, validators=[
        first, finite_amount, NumberRange(min=0, max=MAX_AMOUNT, message=AMOUNT_RANGE)])


def count(label: str) -> IntegerField:
    return IntegerField(label, default=0, validators=[
        InputRequired(message="Enter a number (0 if none)."),
        NumberRange(min=0, max=100_000, message="Enter a number from 0 to 100,000."),
    ])


class ScreeningForm(FlaskForm):
    screening_notes = text("Screening notes",
                           description="Facts, evidence seen, research on the target.")
    winnability_notes = text("Winnability assessment",
                             description="Can we win this within a month or two, with our "
                                         "capacity? Will the person take an active part?")


class DecisionForm(FlaskForm):
    kind = SelectField("Decision about", choices=options((k.value, k.label) for k in DecisionKind))
    meeting_on = DateField("Meeting date", validators=[InputRequired(message=NEEDED),
                                                       plausible_date])
    proposal = text("Proposal", required=True)
    votes_for = count("Votes for")
    votes_against = count("Votes against")
    votes_abstain = count("Abstentions")
    offer_id = SelectField("Offer decided on", choices=options([("", "No offer")]), default="")


class ConsentForm(FlaskForm):
    """Made with ``prefix=CONSENT_PREFIX``: its ids must not clash with the case page's other
    forms (the decision's offer, the timeline's note)."""

    subject = RadioField("The member consents to",
                         choices=options((s.value, s.label) for s in (  # publication: its own page
                             ConsentSubject.DEMANDS, ConsentSubject.OFFER)),
                         default=ConsentSubject.DEMANDS.value,
                         validators=[InputRequired(message="Choose what they consent to.")])
    offer_id = SelectField("Which offer", choices=options([("", "No offer")]), default="")
    given_on = DateField("Given on", validators=[InputRequired(message=NEEDED), plausible_date])
    method = RadioField("How they gave it",
                        choices=options((m.value, m.label) for m in ConsentMethod),
                        validators=[InputRequired(message="Choose how they gave it.")])
    consented_to = text("What they consented to", 4000,
                        description="Leave empty to record the demands (or the offer's terms) "
                                    "as they read now.")
    note = text("Note", 2000)

    def validate(self, extra_validators: Any = None) -> bool:
        is_valid = super().validate(extra_validators)
        if self.subject.data == ConsentSubject.OFFER.value and not self.offer_id.data \
                and not self.offer_id.errors:
            self.offer_id.errors = ["Choose the offer the member consents to."]
            return False
        return is_valid


class DemandForm(FlaskForm):
    kind = RadioField("Demand", choices=options([("money", "Money"), ("action", "An action")]),
                      default="money")
    description = text("What we demand", MAX_DEMAND_DESCRIPTION, required=True,
                       description="e.g. 'Pay the unpaid wages' or 'Fix the heater'")
    amount = amount("Amount ($)")
    calculation = text("How the amount was calculated", MAX_DEMAND_CALCULATION,
                       description="e.g. '120 hours × $18'")

    def validate(self, extra_validators: Any = None) -> bool:
        is_valid = super().validate(extra_validators)
        if self.kind.data == "money" and self.amount.data is None and not self.amount.errors:
            self.amount.errors = ["A money demand needs an amount."]
            return False
        return is_valid


USUAL_DEADLINE_DAYS = (7, 10, 14, 21)


def deadline_choices(*days: int | None) -> list[SelectChoice]:
    """The usual deadlines, and ``days`` (the network's default, the fight's own rule)."""
    offered = sorted({*USUAL_DEADLINE_DAYS, *(day for day in days if day)})
    return options((str(day), f"{day} days after delivery") for day in offered)


class DeadlineRuleForm(FlaskForm):
    """Set its choices with ``deadline_choices`` before using it."""

    deadline_days = SelectField("Deadline", choices=deadline_choices(), default="14")
    planned_delivery_on = DateField("Planned delivery date",
                                    validators=[Optional(), plausible_date],
                                    description="The week's batch print reads it.")


class ContactForm(FlaskForm):
    happened_at = DateTimeLocalField("When", format="%Y-%m-%dT%H:%M",
                                     validators=[InputRequired(message=NEEDED), plausible_date])
    channel = SelectField("How", choices=options((c.value, c.label) for c in ContactChannel))
    summary = text("What they said", required=True)
    is_offer = BooleanField("This is an offer")
    offer_amount = amount("Amount offered ($)")
    offer_conditions = text("Conditions attached (NDA, 'legal agreement', …)", 4000)


class NoteForm(FlaskForm):
    note = text("Note for the timeline", required=True,
                description="e.g. 'Call-in: 24 calls to the owner's office'. Facts, not "
                            "opinions.")


class DeliveryDateForm(VersionedForm):
    delivered_at = DateTimeLocalField("Corrected delivery date and time", format="%Y-%m-%dT%H:%M",
                                      validators=[InputRequired(message=NEEDED), plausible_date])


# Forms of the moves that ask for input (keyed by Transition.asks_for).

class ConfirmMoveForm(VersionedForm):
    """A move that needs nothing but the version the user saw."""


class ReasonMoveForm(VersionedForm):
    reason = text("Reason", 2000, required=True)


class OptionalReasonMoveForm(VersionedForm):
    reason = text("Reason (needed if the deadline has not passed)", 2000)


class DeclineMoveForm(VersionedForm):
    decline_reason = RadioField("Why decline", choices=options(
        (r.value, r.label) for r in DeclineReason),
        validators=[InputRequired(message="Choose a reason.")])
    referred_to = text("Referred to (lawyer, union, agency)", 300, area=False)
    reason = text("Note", 2000)


class DeliveryMoveForm(VersionedForm):
    delivered_at = DateTimeLocalField("Delivered at", format="%Y-%m-%dT%H:%M",
                                      validators=[InputRequired(message=NEEDED), plausible_date])
    place = text("Place", 300, required=True, area=False)
    handed_over_by = text("Handed over by", 200, required=True, area=False)
    turnout = count("Turnout (people present)")
    target_reaction = text("The target's reaction", 4000)
    police_present = BooleanField("Police were called or present")
    notes = text("Notes", 4000)


class OutcomeMoveForm(VersionedForm):
    kind = RadioField("Outcome", validators=[InputRequired(message="Choose the outcome.")])
    decided_on = DateField("Date", validators=[InputRequired(message=NEEDED), plausible_date])
    amount_recovered = amount("Amount recovered ($)")
    conditions = text("Conditions agreed", 4000)
    debrief = text("Debrief: what happened, what we learned", 10_000)


class WinMoveForm(OutcomeMoveForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = options((k.value, k.label) for k in WIN_KINDS)
        self.amount_recovered.validators = [
            InputRequired(message="Record the amount recovered (0 if not money)."),
            finite_amount,
            NumberRange(min=0, max=MAX_AMOUNT, message=AMOUNT_RANGE),
        ]


class CloseMoveForm(OutcomeMoveForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = options((k.value, k.label) for k in CLOSE_KINDS)
        self.debrief.validators = [DataRequired(message="Write a short debrief."),
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
