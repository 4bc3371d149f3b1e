"""Forms of the letters pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_wtf import FlaskForm
from wtforms import DateField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from casework.formatting import money
from casework.forms import options, plausible_date, printable_text, strip_whitespace
from casework.letters.context import LetterKind
from casework.letters.limits import (
    MAX_DEMAND_CALCULATION,
    MAX_DEMAND_DESCRIPTION,
    MAX_TEXT_LENGTHS,
    MAX_WRONGS,
)
from casework.letters.texts import KIND_TEXTS, LANGUAGE_WORDS
from casework.models import Letter

_DEFAULT: Any = object()  # formdata not given: Flask-WTF reads the request

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
        ("en", "English"), ("es", "Spanish"), ("es+en", "Spanish + English")]), default="")


# The kind's own texts: label, limit, and whether one line is enough.
KIND_TEXT_FIELDS: dict[str, tuple[str, str]] = {
    "headline": ("Leaflet headline (instead of 'Don't rent here' / 'Don't shop here')", ""),
    "action_summary": ("What the network is doing now", ""),
    "terms": ("Agreed terms", ""),
    "note": ("Closing paragraph", "Optional."),
}


@dataclass(frozen=True)
class TextsSection:
    """The fields of one language of a letter, for the page to lay out side by side."""

    language: str
    name: str  # "Spanish"
    fields: list[str] = field(default_factory=list)


class LetterTextsForm(FlaskForm):
    """The letter's own texts, per language: fields are added by :func:`letter_texts_form`."""

    sections: list[TextsSection]


def letter_texts_form(letter: Letter, texts: dict[str, Any],
                      formdata: Any = _DEFAULT) -> LetterTextsForm:
    """A form with, for each language of the letter, "what happened", each demand's wording
    (and calculation) and only this kind's own texts; ``texts`` (``version_texts``) fills it."""
    demands = letter.case.demands

    class Form(LetterTextsForm):
        pass

    sections = []
    data: dict[str, str] = {}
    for language in letter.languages:
        word = LANGUAGE_WORDS.get(language, language)
        own = texts.get(language, {"wrongs": "", "demands": {}, "extra": {}})
        section = TextsSection(language, word)
        name = f"{language}_wrongs"
        setattr(Form, name, optional_text(f"What happened ({word})", MAX_WRONGS))
        section.fields.append(name)
        data[name] = own["wrongs"]
        for number, demand in enumerate(demands, start=1):
            wording = own["demands"].get(str(demand.id), {})
            amount = "" if demand.amount is None else f" — {money(demand.amount)}"
            name = f"{language}_demand_{demand.id}"
            setattr(Form, name, optional_text(
                f"Demand {number}{amount} ({word})", MAX_DEMAND_DESCRIPTION,
                description=f"On the case: {demand.description}" if language != "en" else ""))
            section.fields.append(name)
            data[name] = wording.get("description", "")
            if demand.amount is not None or demand.calculation:
                name = f"{language}_calculation_{demand.id}"
                setattr(Form, name, optional_text(
                    f"How demand {number} was calculated ({word})", MAX_DEMAND_CALCULATION))
                section.fields.append(name)
                data[name] = wording.get("calculation", "")
        for key in KIND_TEXTS[letter.kind]:
            label, description = KIND_TEXT_FIELDS[key]
            name = f"{language}_{key}"
            setattr(Form, name, optional_text(f"{label} ({word})", MAX_TEXT_LENGTHS[key],
                                              description=description))
            section.fields.append(name)
            data[name] = own["extra"].get(key, "")
        sections.append(section)
    form = Form(data=data) if formdata is _DEFAULT else Form(formdata=formdata, data=data)
    form.sections = sections
    return form


def texts_of(form: LetterTextsForm, letter: Letter) -> dict[str, Any]:
    """The texts typed in the form, per language, as ``LetterVersion.texts`` keeps them."""
    texts: dict[str, Any] = {}
    for language in letter.languages:
        def typed(name: str) -> str:
            return str(form[name].data or "") if name in form else ""
        texts[language] = {
            "wrongs": typed(f"{language}_wrongs"),
            "demands": {str(d.id): {"description": typed(f"{language}_demand_{d.id}"),
                                    "calculation": typed(f"{language}_calculation_{d.id}")}
                        for d in letter.case.demands},
            "extra": {key: typed(f"{language}_{key}") for key in KIND_TEXTS[letter.kind]
                      if typed(f"{language}_{key}")},
        }
    return texts


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


class PlannedDateForm(FlaskForm):
    """The planned delivery date of one fight, on the print page (prefix: the case)."""

    planned_on = DateField("Planned delivery date", validators=[
        InputRequired(message="Enter the day the letter is to be delivered."), plausible_date])
