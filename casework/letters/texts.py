"""A letter's own words: drafted per language from the case's facts, kept with its version,
checked for what is still to write and for what a letter of its kind may hold.

``LetterVersion.texts`` holds, per language, "what happened", each demand's wording and
calculation (keyed by the demand's id) and the kind's own texts (``KIND_TEXTS``).
"""

from __future__ import annotations

import copy
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.letters import i18n
from casework.letters.context import Language, LetterKind
from casework.letters.limits import (
    MAX_DEMAND_CALCULATION,
    MAX_DEMAND_DESCRIPTION,
    MAX_WRONGS,
    overlong_texts,
    too_long_message,
)
from casework.models import Case, Letter, LetterVersion

# The texts each kind of letter has beyond "what happened" and the demands: a form for one kind
# shows only these, and the services refuse any other.
KIND_TEXTS: dict[LetterKind, tuple[str, ...]] = {
    LetterKind.DEMAND: ("note",),
    LetterKind.ESCALATION: ("action_summary", "note"),
    LetterKind.FINAL_NOTICE: ("note",),
    LetterKind.SETTLEMENT: ("terms", "note"),
    LetterKind.LEAFLET: ("headline", "note"),
}
TEXT_NAMES = {"wrongs": _l("What happened"), "headline": _l("Leaflet headline"),
              "action_summary": _l("What the network is doing now"),
              "terms": _l("Agreed terms"), "note": _l("Closing paragraph")}
LANGUAGE_WORDS = {"en": _l("English"), "es": _l("Spanish")}


def lang(language: str) -> Language:
    """A language code as the renderer knows it."""
    return "es" if language == "es" else "en"


def draft_texts(case: Case, languages: tuple[str, ...]) -> dict[str, Any]:
    """A letter's first texts, written from the case's facts only: never its summary, "what
    happened", screening or winnability notes, which are the team's own notes. The demands'
    wording starts as the case's in English; other languages start empty, to be written."""
    return {language: {
        "wrongs": i18n.facts_paragraph(lang(language), member=case.person.name,
                                       target=case.target.name, issue=case.issue_type.value,
                                       amount=case.amount_claimed),
        "demands": {str(d.id): {"description": d.description if language == "en" else "",
                                "calculation": d.calculation if language == "en" else ""}
                    for d in case.demands},
        "extra": {},
    } for language in languages}


def version_texts(version: LetterVersion) -> dict[str, Any]:
    """The version's texts per language, with a first draft for any demand or language added
    since they were written (a version from before per-language texts keeps its ``extra``)."""
    letter = version.letter
    fresh = draft_texts(letter.case, letter.languages)
    # A copy: changing what this returns must not change the stored JSON behind SQLAlchemy's
    # back (it would then see no change to save).
    stored = copy.deepcopy(version.texts or {})
    texts: dict[str, Any] = {}
    for language in letter.languages:
        own = stored.get(language) or {}
        texts[language] = {
            "wrongs": own.get("wrongs", fresh[language]["wrongs"]),
            "demands": {key: (own.get("demands") or {}).get(key, value)
                        for key, value in fresh[language]["demands"].items()},
            "extra": own.get("extra", {k: v for k, v in version.extra.items()
                                       if k in KIND_TEXTS[letter.kind]}),
        }
    return texts


def missing_texts(version: LetterVersion) -> dict[str, list[str]]:
    """What is still to write before the version can be approved, per language: every part of
    the letter in each of its languages (a Spanish letter never prints the English text)."""
    texts = version_texts(version)
    missing: dict[str, list[str]] = {}
    for language, own in texts.items():
        lines = []
        if not own["wrongs"].strip():
            lines.append(_("“%(text)s”", text=TEXT_NAMES["wrongs"]))
        for number, wording in enumerate(own["demands"].values(), start=1):
            if not wording["description"].strip():
                lines.append(_("the wording of demand %(number)s", number=number))
        for key in KIND_TEXTS[version.letter.kind]:
            elsewhere = any(other["extra"].get(key) for other in texts.values())
            if elsewhere and not own["extra"].get(key):
                lines.append(_("“%(text)s”", text=TEXT_NAMES[key]))
        if lines:
            missing[str(LANGUAGE_WORDS.get(language, language))] = lines
    return missing


def missing_message(missing: dict[str, list[str]]) -> str:
    """'Write the Spanish text before approving: “What happened”, the wording of demand 2.'"""
    return " ".join(_("Write the %(language)s text before approving: %(parts)s.",
                      language=word, parts=", ".join(parts))
                    for word, parts in missing.items())


def text_problem(letter: Letter, texts: dict[str, Any]) -> tuple[str, str] | None:
    """The first text a letter may not hold, as (message, form field): one for another
    language or another kind of letter, or longer than ``limits`` allow; None if all is well."""
    allowed = set(KIND_TEXTS[letter.kind])
    for language, own in texts.items():
        if language not in letter.languages:
            return _("This letter is not written in %(language)r.", language=language), ""
        wrong_kind = sorted(set(own.get("extra", {})) - allowed)
        if wrong_kind:
            return (_("A %(kind)s has no “%(text)s”.", kind=letter.kind.value.replace("_", " "),
                      text=TEXT_NAMES.get(wrong_kind[0], wrong_kind[0])),
                    f"{language}_{wrong_kind[0]}")
        problems = overlong_texts({key: str(value) for key, value in own["extra"].items()})
        if problems:
            key, message = next(iter(problems.items()))
            return message, f"{language}_{key}"
        if len(own.get("wrongs", "")) > MAX_WRONGS:
            return too_long_message(MAX_WRONGS), f"{language}_wrongs"
        for key, wording in own.get("demands", {}).items():
            if len(wording["description"]) > MAX_DEMAND_DESCRIPTION:
                return too_long_message(MAX_DEMAND_DESCRIPTION), f"{language}_demand_{key}"
            if len(wording["calculation"]) > MAX_DEMAND_CALCULATION:
                return (too_long_message(MAX_DEMAND_CALCULATION),
                        f"{language}_calculation_{key}")
    return None
