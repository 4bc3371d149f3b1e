"""Forms of the letters pages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from casework.forms import options, printable_text, strip_whitespace
from casework.letters.context import LetterKind
from casework.letters.limits import MAX_TEXT_LENGTHS

KIND_LABELS = {
    LetterKind.DEMAND: "Demand letter",
    LetterKind.ESCALATION: "Escalation notice",
    LetterKind.FINAL_NOTICE: "Final notice",
    LetterKind.SETTLEMENT: "Settlement acknowledgement",
    LetterKind.LEAFLET: "Action leaflet / poster",
}


def optional_text(label: str, max_length: int, description: str = "") -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=max_length), printable_text],
                         filters=[strip_whitespace], description=description)


class NewLetterForm(FlaskForm):
    kind = SelectField("Kind", choices=options((k.value, v) for k, v in KIND_LABELS.items()))
    language = SelectField("Language", choices=options([
        ("", "The member's language (Spanish prints Spanish + English)"),
        ("en", "English"), ("es", "Spanish + English")]), default="")


class VersionTextsForm(FlaskForm):
    """The texts typed for a version, beyond the case's data."""

    headline = StringField("Leaflet headline (instead of 'Don't rent/shop here')",
                           validators=[Optional(), Length(max=MAX_TEXT_LENGTHS["headline"]),
                                       printable_text],
                           filters=[strip_whitespace])
    action_summary = optional_text("What the network is doing now (escalation notice)",
                                   MAX_TEXT_LENGTHS["action_summary"])
    terms = optional_text("Agreed terms (settlement acknowledgement)", MAX_TEXT_LENGTHS["terms"])
    note = optional_text("Closing paragraph", MAX_TEXT_LENGTHS["note"])


class ApproveVersionForm(FlaskForm):
    member_note = StringField(
        "How the member approved this version", validators=[Optional(), Length(max=500),
                                                             printable_text],
        filters=[strip_whitespace],
        description="Needed for a demand letter, e.g. 'Read it with Maria in Spanish; agreed'.")


class ReviewVersionForm(FlaskForm):
    passed = RadioField("Reviewer's check", choices=options([
        ("yes", "Passed: nothing self-incriminating"), ("no", "Rejected")]),
        validators=[InputRequired(message="Choose passed or rejected.")])
    note = optional_text("Reason (required when rejected)", 2000)
