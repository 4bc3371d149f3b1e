"""English and Spanish for letters: date and money formats, the short labels, the headline.

The letter prose lives in the templates (one block per language, so an organizer can read and
edit a whole paragraph); this module holds what the templates share, the issue names of the
"Re:" line, and the first draft of a letter's own "what happened" text, written from the case's
facts. User text is never translated or reformatted: only the dates and amounts the letter
computes are. Every string here exists in both languages, so a Spanish letter needs no English.

Formats (one per language, used everywhere):

- en: "December 3, 2026", "$1,234.50"
- es: "3 de diciembre de 2026", "1.234,50 $" (the symbol follows the amount, after a
  no-break space, as Spanish style guides write it)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from casework.letters.context import Language, LetterKind

MONTHS: Final[Mapping[Language, tuple[str, ...]]] = {
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
    "es": (
        "enero", "febrero", "marzo", "abril", "mayo", "junio",
        "julio", "agosto", "septiembre", "octubre", "noviembre", "diciembre",
    ),
}

CURRENCY_SYMBOL: Final = "$"
NO_BREAK_SPACE: Final = "\u00a0"
_CENTS = Decimal("0.01")


def format_date(value: date, language: Language) -> str:
    """A date written out for a letter: 'December 3, 2026' or '3 de diciembre de 2026'."""
    month = MONTHS[language][value.month - 1]
    if language == "es":
        return f"{value.day} de {month} de {value.year}"
    return f"{month} {value.day}, {value.year}"


def format_money(amount: Decimal, language: Language) -> str:
    """An amount with cents and grouped thousands: '$1,234.50' or '1.234,50 $'."""
    rounded = amount.quantize(_CENTS, rounding=ROUND_HALF_UP)
    english = f"{rounded:,.2f}"
    if language == "es":
        # Swap the separators through a placeholder: 1,234.50 -> 1.234,50.
        spanish = english.replace(",", "\0").replace(".", ",").replace("\0", ".")
        return f"{spanish}{NO_BREAK_SPACE}{CURRENCY_SYMBOL}"
    return f"{CURRENCY_SYMBOL}{english}"


# Short texts shared by every kind (letterhead, address block, footers, signatures).
LABELS: Final[Mapping[Language, Mapping[str, str]]] = {
    "en": {
        "reference": "Our reference",
        "page": "Page",
        "page_of": "of",
        "date": "Date",
        "to": "To",
        "phone": "Phone",
        "email": "Email",
        "signature_member": "Member",
        "signature_network": "For the network",
        "signature_target": "For the other party",
        "signature_date": "Date",
        "contact_heading": "How to reach us",
        "demands_heading": "Our demands",
        "calculation": "How this was calculated",
        "total": "Total owed",
        "deadline_heading": "Deadline",
        "wrongs_heading": "What happened",
        "subject": "Re",
        "missing_text": "[The English text of this part is not written yet]",
    },
    "es": {
        "reference": "Nuestra referencia",
        "page": "Página",
        "page_of": "de",
        "date": "Fecha",
        "to": "Para",
        "phone": "Teléfono",
        "email": "Correo electrónico",
        "signature_member": "Miembro",
        "signature_network": "Por la red",
        "signature_target": "Por la otra parte",
        "signature_date": "Fecha",
        "contact_heading": "Cómo comunicarse con nosotros",
        "demands_heading": "Nuestras exigencias",
        "calculation": "Cómo se calculó",
        "total": "Total adeudado",
        "deadline_heading": "Plazo",
        "wrongs_heading": "Lo que pasó",
        "subject": "Asunto",
        "missing_text": "[Falta escribir el texto en español de esta parte]",
    },
}

TITLES: Final[Mapping[Language, Mapping[LetterKind, str]]] = {
    "en": {
        LetterKind.DEMAND: "Demand letter",
        LetterKind.ESCALATION: "Notice of escalation",
        LetterKind.FINAL_NOTICE: "Final notice",
        LetterKind.SETTLEMENT: "Settlement acknowledgement",
        LetterKind.LEAFLET: "Leaflet",
    },
    "es": {
        LetterKind.DEMAND: "Carta de exigencias",
        LetterKind.ESCALATION: "Aviso de escalada",
        LetterKind.FINAL_NOTICE: "Último aviso",
        LetterKind.SETTLEMENT: "Constancia de acuerdo",
        LetterKind.LEAFLET: "Volante",
    },
}

# The case's issue types (``casework.models.case.IssueType`` values), as the "Re:" line says them.
ISSUE_LABELS: Final[Mapping[Language, Mapping[str, str]]] = {
    "en": {
        "unpaid_wages": "Unpaid wages",
        "deposit": "Stolen deposit",
        "repairs": "Repairs",
        "illegal_fees": "Illegal fees",
        "eviction": "Eviction",
        "wrongful_firing": "Wrongful firing",
        "harassment": "Harassment",
        "other": "Other",
    },
    "es": {
        "unpaid_wages": "Salarios no pagados",
        "deposit": "Depósito robado",
        "repairs": "Reparaciones",
        "illegal_fees": "Cobros ilegales",
        "eviction": "Desalojo",
        "wrongful_firing": "Despido injusto",
        "harassment": "Acoso",
        "other": "Otro asunto",
    },
}

# The first draft of "what happened", from the case's facts only (never its notes): the
# organizers rewrite it in their own words, per language.
_FACTS: Final[Mapping[Language, tuple[str, str]]] = {
    "en": ("{member} came to us about a matter with {target}: {issue}.",
           " {member} is owed {amount}."),
    "es": ("{member} acudió a nosotros por un asunto con {target}: {issue}.",
           " A {member} se le deben {amount}."),
}


def issue_label(issue: str, language: Language) -> str:
    """The issue type (a code such as 'deposit') in the letter's language."""
    return ISSUE_LABELS[language].get(issue, ISSUE_LABELS[language]["other"])


def issue_label_in(label: str, language: Language) -> str:
    """An issue label as another letter language says it ('Unpaid wages' in Spanish is
    'Salarios no pagados'): for letters whose snapshot holds no words of their own in that
    language. A label typed by someone (not one of ours) is kept as it is."""
    for labels in ISSUE_LABELS.values():
        for code, known in labels.items():
            if known == label:
                return issue_label(code, language)
    return label


def facts_paragraph(language: Language, *, member: str, target: str, issue: str,
                    amount: Decimal | None) -> str:
    """A first "what happened" paragraph, written from the case's facts in ``language``."""
    opening, owed = _FACTS[language]
    text = opening.format(member=member, target=target,
                          issue=issue_label(issue, language).lower())
    if amount is not None and amount > 0:
        text += owed.format(member=member, amount=format_money(amount, language))
    return text


# Words in an issue (its code or its label, in either language) that make a fight about
# housing. The leaflet then says "Don't rent here"; any other fight is with a business.
# Matched at the start of a word, so "rental" counts and "current" or "release" do not.
_HOUSING_WORDS: Final = re.compile(
    r"\b(deposit|repair|evict|rent|tenan|landlord|lease|housing|mold|habitab"
    r"|depósito|reparac|desalojo|alquiler|renta|inquilin|vivienda)",
    re.IGNORECASE,
)

HEADLINES: Final[Mapping[Language, Mapping[str, str]]] = {
    "en": {"housing": "Don't rent here!", "business": "Don't shop here!"},
    "es": {"housing": "¡No rente aquí!", "business": "¡No compre aquí!"},
}


def is_housing_issue(issue_label: str) -> bool:
    """Whether the issue (e.g. 'deposit', 'Stolen deposit', 'Repairs') concerns a home."""
    return _HOUSING_WORDS.search(issue_label) is not None


def leaflet_headline(issue_label: str, language: Language, override: str | None) -> str:
    """The leaflet's headline: the organizers' own words when given, else one chosen by issue."""
    if override and override.strip():
        return override
    audience = "housing" if is_housing_issue(issue_label) else "business"
    return HEADLINES[language][audience]

