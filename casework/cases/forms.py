"""Intake and case edit forms: the critical facts first, the rest optional."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
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
from casework.people.languages import lazy_language_name
from casework.workflow.states import CaseState

NO_ORGANIZER = "none"  # the case list's organizer filter: cases with no organizer yet
ANY_OPEN_STATE = "open"  # the case list's state filter: every state but the ended ones
TRI_STATE = options([("unknown", _l("Not known yet")), ("yes", _l("Yes")), ("no", _l("No"))])
# Every language a person can be recorded with (the people directory's list), so editing a
# case never replaces a preferred language the form does not know.
LANGUAGES = options((code, lazy_language_name(code)) for code in PERSON_LANGUAGES)
MAX_AMOUNT = Decimal("99999999.99")


def lazy_label(member: Any) -> Any:
    """An enum member's label, read in the user's language each time a page shows it (choices
    are made once, at import)."""
    return LazyString(getattr, member, "label")


def choices_of(enum_class: Any, any_label: Any = None) -> list[SelectChoice]:
    """Options for an enum with labels; with ``any_label``, a first 'no filter' option."""
    pairs = [(member.value, lazy_label(member)) for member in enum_class]
    return options([("", any_label), *pairs] if any_label else pairs)


def text(label: Any, max_length: int, *, required: bool = False, **kwargs: Any) -> StringField:
    first = DataRequired(message=_l("This is needed.")) if required else Optional()
    return StringField(
        label,
        validators=[first, Length(max=max_length), printable_text],
        filters=[strip_whitespace],
        **kwargs,
    )


def long_text(label: Any, *, required: bool = False, **kwargs: Any) -> TextAreaField:
    first = DataRequired(message=_l("This is needed.")) if required else Optional()
    return TextAreaField(
        label,
        validators=[first, Length(max=10_000), printable_text],
        filters=[strip_whitespace],
        **kwargs,
    )


class CaseFactsForm(FlaskForm):
    """The fields shared by intake and editing."""

    person_name = text(_l("Name or alias"), 120, required=True)
    person_phone = TelField(
        _l("Phone"),
        validators=[Optional(), Length(max=40), printable_text],
        filters=[strip_whitespace],
        render_kw=PHONE_INPUT,
    )
    person_email = EmailField(
        _l("Email"),
        validators=[Optional(), Email(message=_l("This is not an email address.")),
                    Length(max=254)],
        filters=[strip_whitespace],
    )
    safe_contact_notes = long_text(
        _l("How to reach them safely"),
        description=_l("Best times, who may answer, whether texts are safe. Never shared."),
    )
    language = SelectField(_l("Preferred language"), choices=LANGUAGES, default="en")
    target_name = text(
        _l("Boss or landlord"), 200, required=True,
        description=_l("Company or person. An existing target with this name is reused as it "
                       "is; a different kind or address goes to an organizer to review."),
    )
    target_kind = SelectField(
        _l("Target is a"),
        choices=options((kind.value, lazy_label(kind)) for kind in TargetKind),
        default=TargetKind.COMPANY.value,
    )
    target_address = long_text(_l("Target's address"))
    issue_type = SelectField(_l("Issue"), choices=choices_of(IssueType),
                             validators=[DataRequired()])
    summary = text(
        _l("Summary"), 200, required=True,
        description=_l("One line, e.g. 'Three weeks of unpaid wages at a restaurant'."),
    )
    what_happened = long_text(_l("What happened"))
    amount_claimed = DecimalField(
        _l("Amount claimed ($)"),
        places=2,
        validators=[Optional(), finite_amount,
                    NumberRange(min=0, max=MAX_AMOUNT,
                                message=_l("Enter an amount from 0 to 99,999,999.99."))],
    )
    urgency = SelectField(_l("Urgency"), choices=choices_of(Urgency),
                          default=Urgency.NORMAL.value)
    retaliation_risk = SelectField(
        _l("Retaliation risk"), choices=choices_of(RetaliationRisk),
        default=RetaliationRisk.UNKNOWN.value,
    )
    still_employed_or_housed = RadioField(
        _l("Still employed or housed there?"), choices=TRI_STATE, default="unknown"
    )

    def validate_amount_claimed(self, field: DecimalField) -> None:
        if field.data is not None and not field.data.is_finite():
            raise ValidationError(_l("Enter an amount such as 1250 or 1250.50."))


class IntakeForm(CaseFactsForm):
    """Log a new inquiry."""

    # Sent by the buttons of the possible-duplicate warning: "new", or "person:<id>".
    duplicate = StringField(_l("Possible duplicate"), validators=[Optional(), Length(max=40)])

    def validate(self, extra_validators: Any = None) -> bool:
        is_valid = super().validate(extra_validators)
        if not (self.person_phone.data or self.person_email.data or self.safe_contact_notes.data):
            self.person_phone.errors = [
                *self.person_phone.errors,
                _l("Give a phone, an email or a safe way to reach them."),
            ]
            return False
        return is_valid


class CaseEditForm(CaseFactsForm, VersionedForm):
    """Edit the facts of a case."""


class CaseFilterForm(FlaskForm):
    """The case list's search and filters. The form POSTs (with a CSRF token), so the search
    text, often a member's name, never goes into a URL; the list's links carry the filters and
    a token for the search. Reading those links builds the form with ``csrf=False``."""

    q = StringField(_l("Search"), validators=[Optional(), Length(max=200), printable_text],
                    filters=[strip_whitespace])
    # Every filter defaults to "any", so a link carrying only ?q= still validates.
    state = SelectField(_l("State"), default="", choices=options([
        ("", _l("Any state")), (ANY_OPEN_STATE, _l("Any open state")),
        *((state.value, lazy_label(state)) for state in CaseState)]))
    issue_type = SelectField(_l("Issue"), choices=choices_of(IssueType, _l("Any issue")),
                             default="")
    urgency = SelectField(_l("Urgency"), choices=choices_of(Urgency, _l("Any urgency")),
                          default="")
    organizer = SelectField(_l("Organizer"), choices=options([("", _l("Anyone"))]), default="")
    # 'My work' links to its lists here: its deadlines and the cases of its tasks.
    deadline = SelectField(_l("Deadline"), default="", choices=options([
        ("", _l("Any deadline")), (DeadlineFilter.SET.value, _l("Open, with a deadline")),
        (DeadlineFilter.PASSED.value, _l("Past deadline"))]))
    my_tasks = SelectField(_l("My tasks"), default="", choices=options([
        ("", _l("Any")), (TaskFilter.UPCOMING.value, _l("Coming up")),
        (TaskFilter.OVERDUE.value, _l("Overdue"))]))


def drop_empty(values: list[str] | None) -> list[str]:
    """The team picker's values without the empty one that marks 'nobody ticked'."""
    return [value for value in values or [] if value]


class TeamForm(FlaskForm):
    """A coordinator sets the case team: organizers of the network, ticked."""

    # The page sends one empty value too, so that ticking nobody still sends the field.
    member_ids = SelectMultipleField(
        _l("Set the team"), filters=[drop_empty],
        invalid_choice_message=_l("Tick organizers from the list: one of those sent is not an "
                                  "organizer of this network (any more). Reload the page."))
