"""Intake and case edit forms: the critical facts first, the rest optional."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    DecimalField,
    EmailField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from casework.cases.queries import DeadlineFilter, TaskFilter
from casework.forms import (
    PHONE_INPUT,
    VersionedForm,
    finite_amount,
    options,
    printable_text,
    strip_whitespace,
)
from casework.models import IssueType, RetaliationRisk, TargetKind, Urgency
from casework.people.languages import LANGUAGES as PERSON_LANGUAGES
from casework.workflow.states import CaseState

NO_ORGANIZER = "none"  # the case list's organizer filter: cases with no organizer yet
ANY_OPEN_STATE = "open"  # the case list's state filter: every state but the ended ones
TRI_STATE = options([("unknown", "Not known yet"), ("yes", "Yes"), ("no", "No")])
# Every language a person can be recorded with (the people directory's list), so editing a
# case never replaces a preferred language the form does not know.
LANGUAGES = options((code, names[0]) for code, names in PERSON_LANGUAGES.items())
MAX_AMOUNT = Decimal("99999999.99")


def choices_of(enum_class: Any, any_label: str | None = None) -> list[SelectChoice]:
    """Options for an enum with labels; with ``any_label``, a first 'no filter' option."""
    pairs = [(member.value, member.label) for member in enum_class]
    return options([("", any_label), *pairs] if any_label else pairs)


def text(label: str, max_length: int, *, required: bool = False, **kwargs: Any) -> StringField:
    first = DataRequired(message="This is needed.") if required else Optional()
    return StringField(
        label,
        validators=[first, Length(max=max_length), printable_text],
        filters=[strip_whitespace],
        **kwargs,
    )


def long_text(label: str, *, required: bool = False, **kwargs: Any) -> TextAreaField:
    first = DataRequired(message="This is needed.") if required else Optional()
    return TextAreaField(
        label,
        validators=[first, Length(max=10_000), printable_text],
        filters=[strip_whitespace],
        **kwargs,
    )


class CaseFactsForm(FlaskForm):
    """The fields shared by intake and editing."""

    person_name = text("Name or alias", 120, required=True)
    person_phone = TelField(
        "Phone",
        validators=[Optional(), Length(max=40), printable_text],
        filters=[strip_whitespace],
        render_kw=PHONE_INPUT,
    )
    person_email = EmailField(
        "Email",
        validators=[Optional(), Email(message="This is not an email address."), Length(max=254)],
        filters=[strip_whitespace],
    )
    safe_contact_notes = long_text(
        "How to reach them safely",
        description="Best times, who may answer, whether texts are safe. Never shared.",
    )
    language = SelectField("Preferred language", choices=LANGUAGES, default="en")
    target_name = text(
        "Boss or landlord", 200, required=True,
        description="Company or person. An existing target with this name is reused as it is; "
                    "a different kind or address goes to an organizer to review.",
    )
    target_kind = SelectField(
        "Target is a",
        choices=options((kind.value, kind.value.capitalize()) for kind in TargetKind),
        default=TargetKind.COMPANY.value,
    )
    target_address = long_text("Target's address")
    issue_type = SelectField("Issue", choices=choices_of(IssueType), validators=[DataRequired()])
    summary = text(
        "Summary", 200, required=True,
        description="One line, e.g. 'Three weeks of unpaid wages at a restaurant'.",
    )
    what_happened = long_text("What happened")
    amount_claimed = DecimalField(
        "Amount claimed ($)",
        places=2,
        validators=[Optional(), finite_amount,
                    NumberRange(min=0, max=MAX_AMOUNT,
                                message="Enter an amount from 0 to 99,999,999.99.")],
    )
    urgency = SelectField("Urgency", choices=choices_of(Urgency), default=Urgency.NORMAL.value)
    retaliation_risk = SelectField(
        "Retaliation risk", choices=choices_of(RetaliationRisk),
        default=RetaliationRisk.UNKNOWN.value,
    )
    still_employed_or_housed = RadioField(
        "Still employed or housed there?", choices=TRI_STATE, default="unknown"
    )

    def validate_amount_claimed(self, field: DecimalField) -> None:
        if field.data is not None and not field.data.is_finite():
            raise ValidationError("Enter an amount such as 1250 or 1250.50.")


class IntakeForm(CaseFactsForm):
    """Log a new inquiry."""

    # Sent by the buttons of the possible-duplicate warning: "new", or "person:<id>".
    duplicate = StringField("Possible duplicate", validators=[Optional(), Length(max=40)])

    def validate(self, extra_validators: Any = None) -> bool:
        is_valid = super().validate(extra_validators)
        if not (self.person_phone.data or self.person_email.data or self.safe_contact_notes.data):
            self.person_phone.errors = [
                *self.person_phone.errors,
                "Give a phone, an email or a safe way to reach them.",
            ]
            return False
        return is_valid


class CaseEditForm(CaseFactsForm, VersionedForm):
    """Edit the facts of a case."""


class CaseFilterForm(FlaskForm):
    """The case list's search and filters. The form POSTs (with a CSRF token), so the search
    text, often a member's name, never goes into a URL; the list's links carry the filters and
    a token for the search. Reading those links builds the form with ``csrf=False``."""

    q = StringField("Search", validators=[Optional(), Length(max=200), printable_text],
                    filters=[strip_whitespace])
    # Every filter defaults to "any", so a link carrying only ?q= still validates.
    state = SelectField("State", default="", choices=options([
        ("", "Any state"), (ANY_OPEN_STATE, "Any open state"),
        *((state.value, state.label) for state in CaseState)]))
    issue_type = SelectField("Issue", choices=choices_of(IssueType, "Any issue"), default="")
    urgency = SelectField("Urgency", choices=choices_of(Urgency, "Any urgency"), default="")
    organizer = SelectField("Organizer", choices=options([("", "Anyone")]), default="")
    # 'My work' links to its lists here: its deadlines and the cases of its tasks.
    deadline = SelectField("Deadline", default="", choices=options([
        ("", "Any deadline"), (DeadlineFilter.SET.value, "Open, with a deadline"),
        (DeadlineFilter.PASSED.value, "Past deadline")]))
    my_tasks = SelectField("My tasks", default="", choices=options([
        ("", "Any"), (TaskFilter.UPCOMING.value, "Coming up"),
        (TaskFilter.OVERDUE.value, "Overdue")]))


def drop_empty(values: list[str] | None) -> list[str]:
    """The team picker's values without the empty one that marks 'nobody ticked'."""
    return [value for value in values or [] if value]


class TeamForm(FlaskForm):
    """A coordinator sets the case team: organizers of the network, ticked."""

    # The page sends one empty value too, so that ticking nobody still sends the field.
    member_ids = SelectMultipleField(
        "Set the team", filters=[drop_empty],
        invalid_choice_message="Tick organizers from the list: one of those sent is not an "
                               "organizer of this network (any more). Reload the page.")
