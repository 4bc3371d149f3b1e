"""Forms of the letters pages."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
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
from casework.models import Letter, LetterVersion, ReviewStatus

_DEFAULT: Any = object()  # formdata not given: Flask-WTF reads the request

KIND_LABELS = {
    LetterKind.DEMAND: _l("Demand letter"),
    LetterKind.ESCALATION: _l("Escalation notice"),
    LetterKind.FINAL_NOTICE: _l("Final notice"),
    LetterKind.SETTLEMENT: _l("Settlement acknowledgement"),
    LetterKind.LEAFLET: _l("Action leaflet / poster"),
}
# The pages' names of a letter's languages (``Letter.language``).
LANGUAGE_LABELS = {"en": _l("English"), "es": _l("Spanish"), "es+en": _l("Spanish + English")}
REVIEW_LABELS = {ReviewStatus.PENDING: _l("pending"), ReviewStatus.PASSED: _l("passed"),
                 ReviewStatus.REJECTED: _l("rejected")}


def letter_language(letter: Letter) -> str:
    """The letter's language(s), in the page's language: "Spanish + English"."""
    return str(LANGUAGE_LABELS.get(letter.language, letter.language_name))


def review_label(status: ReviewStatus) -> str:
    return str(REVIEW_LABELS.get(status, status.value))


def letter_status(version: LetterVersion) -> str:
    """Where a version stands, as ``LetterVersion.status`` says it, in the page's language."""
    if version.is_purged:
        return _("delivered, then purged") if version.is_frozen else _("purged")
    if version.is_frozen:
        return _("delivered (frozen)")
    if version.review_status == ReviewStatus.REJECTED:
        return _("rejected by the reviewer")
    if version.is_approved:
        return _("approved, review passed") if version.review_status == ReviewStatus.PASSED \
            else _("approved, waiting for review")
    return _("draft")


def optional_text(label: str, max_length: int, description: str = "") -> TextAreaField:
    return TextAreaField(label, validators=[Optional(), Length(max=max_length), printable_text],
                         filters=[strip_whitespace], description=description)


class NewLetterForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=options((k.value, v) for k, v in KIND_LABELS.items()))
    language = SelectField(_l("Language"), choices=options([
        ("", _l("The member's language (Spanish prints Spanish + English)")),
        *LANGUAGE_LABELS.items()]), default="")


# The kind's own texts: label, limit, and whether one line is enough.
KIND_TEXT_FIELDS: dict[str, tuple[str, str]] = {
    "headline": (_l("Leaflet headline (instead of 'Don't rent here' / 'Don't shop here')"), ""),
    "action_summary": (_l("What the network is doing now"), ""),
    "terms": (_l("Agreed terms"), ""),
    "note": (_l("Closing paragraph"), _l("Optional.")),
}


@dataclass(frozen=True)
class TextsSection:
    """The fields of one language of a letter, for the page to lay out side by side."""

    language: str
    name: str  # "Spanish", in the page's language
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
        word = str(LANGUAGE_LABELS.get(language, LANGUAGE_WORDS.get(language, language)))
        own = texts.get(language, {"wrongs": "", "demands": {}, "extra": {}})
        section = TextsSection(language, word)
        name = f"{language}_wrongs"
        setattr(Form, name, optional_text(_("What happened (%(language)s)", language=word),
                                          MAX_WRONGS))
        section.fields.append(name)
        data[name] = own["wrongs"]
        for number, demand in enumerate(demands, start=1):
            wording = own["demands"].get(str(demand.id), {})
            label = (_("Demand %(number)s (%(language)s)", number=number, language=word)
                     if demand.amount is None else
                     _("Demand %(number)s — %(amount)s (%(language)s)", number=number,
                       amount=money(demand.amount), language=word))
            name = f"{language}_demand_{demand.id}"
            setattr(Form, name, optional_text(
                label, MAX_DEMAND_DESCRIPTION,
                description=_("On the case: %(demand)s", demand=demand.description)
                if language != "en" else ""))
            section.fields.append(name)
            data[name] = wording.get("description", "")
            if demand.amount is not None or demand.calculation:
                name = f"{language}_calculation_{demand.id}"
                setattr(Form, name, optional_text(
                    _("How demand %(number)s was calculated (%(language)s)", number=number,
                      language=word), MAX_DEMAND_CALCULATION))
                section.fields.append(name)
                data[name] = wording.get("calculation", "")
        for key in KIND_TEXTS[letter.kind]:
            label, description = KIND_TEXT_FIELDS[key]
            name = f"{language}_{key}"
            setattr(Form, name, optional_text(_("%(label)s (%(language)s)", label=label,
                                                language=word), MAX_TEXT_LENGTHS[key],
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
        _l("How the member approved this version"), validators=[Optional(), Length(max=500),
                                                                 printable_text],
        filters=[strip_whitespace],
        description=_l("Needed for a demand letter, e.g. 'Read it with Maria in Spanish; "
                       "agreed'."))


class ReviewVersionForm(FlaskForm):
    passed = RadioField(_l("Reviewer's check"), choices=options([
        ("yes", _l("Passed: nothing self-incriminating")), ("no", _l("Rejected"))]),
        validators=[InputRequired(message=_l("Choose passed or rejected."))])
    note = optional_text(_l("Reason (required when rejected)"), 2000)


class PlannedDateForm(FlaskForm):
    """The planned delivery date of one fight, on the print page (prefix: the case)."""

    planned_on = DateField(_l("Planned delivery date"), validators=[
        InputRequired(message=_l("Enter the day the letter is to be delivered.")),
        plausible_date])
