"""The person form, the directory's filters and the CSV import forms."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    RadioField,
    SelectField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError
from wtforms.widgets import HiddenInput

from casework.forms import PHONE_INPUT, options, printable_text, strip_whitespace
from casework.models import Tier
from casework.people import rules
from casework.people.languages import LANGUAGES, lazy_language_name
from casework.people.rules import Invalid, PersonDetails

TIER_CHOICES = [(tier.value, label) for tier, label in rules.TIER_LABELS.items()]
LANGUAGE_CHOICES = [(code, lazy_language_name(code)) for code in LANGUAGES]
MAX_STRAY_SHOWN = 5  # a forged form may name thousands of lines: a few say enough


def checked_by(check: Callable[[str], Any]) -> Callable[[Any, Field], None]:
    """A WTForms validator from one of the record's checks (its message next to the field)."""

    def validate(_form: Any, field: Field) -> None:
        try:
            check(field.data or "")
        except Invalid as error:
            raise ValidationError(str(error)) from error

    return validate


class PersonForm(FlaskForm):
    """Add or edit a person."""

    name = StringField(_l("Name or alias"), filters=[strip_whitespace],
                       validators=[DataRequired(_l("A name or an alias is needed.")),
                                   checked_by(rules.check_name)])
    phone = TelField(_l("Phone"), filters=[strip_whitespace], validators=[
        checked_by(rules.check_phone)], description=_l("Written any way, e.g. (206) 555-0100."),
        render_kw=PHONE_INPUT)
    email = EmailField(_l("Email"), filters=[strip_whitespace], validators=[
        checked_by(rules.check_email)])
    languages = StringField(
        _l("Languages"), filters=[strip_whitespace], default="en",
        validators=[checked_by(rules.check_languages)],
        description=_l("Codes or names, the one they prefer first: e.g. “es, en” or "
                        "“Spanish, English”."))
    tier = SelectField(_l("Tier"), choices=options(TIER_CHOICES), default=Tier.SUPPORTER.value)
    sms_consent = BooleanField(_l("Agreed to receive text messages"))
    email_consent = BooleanField(_l("Agreed to receive emails"))
    safe_contact_notes = TextAreaField(
        _l("How to reach them safely"), filters=[strip_whitespace],
        validators=[checked_by(rules.check_notes)],
        description=_l("Best times, who may answer, whether texts are safe. Never shared."))
    is_caller = BooleanField(
        _l("Calls people for actions"),
        description=_l("Organizers can give them people to call; with a login they see only "
                       "those calls."))
    # For a person in a fight the case requires a way to reach them.
    needs_contact_route = False

    def validate(self, extra_validators: Any = None) -> bool:
        is_valid = super().validate(extra_validators)
        if self.needs_contact_route and not (self.phone.data or self.email.data
                                             or self.safe_contact_notes.data):
            self.phone.errors = [*self.phone.errors, _("They are in a fight: give a phone, an "
                                                   "email or a safe way to reach them.")]
            return False
        return is_valid

    def details(self) -> PersonDetails:
        """The validated form as the record's values."""
        return PersonDetails(
            name=rules.check_name(self.name.data or ""),
            phone=rules.check_phone(self.phone.data or ""),
            email=rules.check_email(self.email.data or ""),
            languages=rules.check_languages(self.languages.data or ""),
            tier=Tier(self.tier.data), sms_consent=bool(self.sms_consent.data),
            email_consent=bool(self.email_consent.data),
            safe_contact_notes=rules.check_notes(self.safe_contact_notes.data or ""),
            is_caller=bool(self.is_caller.data))

    def fill(self, details: PersonDetails) -> None:
        """Show a person's current record."""
        for name, value in vars(details).items():
            getattr(self, name).data = value.value if isinstance(value, Tier) else value
        self.languages.data = details.languages.replace(",", ", ")


class PeopleFilterForm(FlaskForm):
    """The directory's search and filters. It POSTs, so the name searched for never goes into
    a URL; the list's links carry the filters and a token for the search (the case list's
    ``search_session``). Reading those links builds the form with ``csrf=False``."""

    q = StringField(_l("Name"), filters=[strip_whitespace],
                    validators=[Optional(), Length(max=120), printable_text])
    tier = SelectField(_l("Tier"), choices=options([("", _l("Any tier")), *TIER_CHOICES]),
                       default="")
    language = SelectField(_l("Language"), choices=options([("", _l("Any language")),
                                                        *LANGUAGE_CHOICES]), default="")


class ImportUploadForm(FlaskForm):
    """The spreadsheet to import, checked for size, type and content by the import service."""

    upload = FileField(_l("Spreadsheet (CSV)"),
                       validators=[FileRequired(_l("Choose a CSV file."))])


class ImportConfirmForm(FlaskForm):
    """Import the previewed file; the fingerprint says which file the user reviewed.

    A choice sent for a row the preview asks nothing about (a forged or out-of-date form)
    refuses the whole confirmation rather than being ignored: only the rows the preview
    offers a choice for (``line_<n>`` fields) may carry one."""

    fingerprint = StringField(widget=HiddenInput(), validators=[DataRequired(), Length(max=64)])
    posted_names: list[str]

    def process(self, formdata: Any = None, obj: Any = None, data: Any = None,
                extra_filters: Any = None, **kwargs: Any) -> None:
        formdata = self.meta.wrap_formdata(self, formdata)
        self.posted_names = list(formdata.keys()) if formdata else []
        super().process(formdata, obj, data, extra_filters, **kwargs)

    def validate(self, extra_validators: Any = None) -> bool:
        is_valid = super().validate(extra_validators)
        stray = [name for name in self.posted_names
                 if name.startswith("line_") and name not in self._fields]
        for name in stray[:MAX_STRAY_SHOWN]:
            line = name.removeprefix("line_")
            self.form_errors.append(
                _("The form sent a choice for line %(line)s, but this preview offers no choice "
                  "for that row: review the preview and confirm again.", line=line)
                if line.isascii() and line.isdigit() and len(line) <= 6 else
                _("This form is out of date or damaged: reload the page and try again."))
        return is_valid and not stray


def confirm_form(choices_by_line: dict[int, list[tuple[str, str]]], **kwargs: Any
                 ) -> ImportConfirmForm:
    """The confirm form with one choice per duplicate row (``line_<n>``), the first offered
    (merge into the earliest match) preselected."""

    class Form(ImportConfirmForm):
        pass

    for line, choices in choices_by_line.items():
        setattr(Form, f"line_{line}", RadioField(
            _("Line %(line)s", line=line), choices=options(choices), default=choices[0][0],
            validators=[DataRequired(_("Choose what to do with this row."))]))
    return Form(**kwargs)
