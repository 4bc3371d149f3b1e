"""The year in review's words in English and Spanish, and its number formats.

As with the letters (casework/letters/i18n.py), every string exists in both languages, so a
Spanish document needs no English; dates and money use the letters' own formats.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Final

from casework.letters.context import Language
from casework.letters.i18n import ISSUE_LABELS, format_money

LANGUAGES: Final = ("en", "es")

WORDS: Final[Mapping[Language, Mapping[str, str]]] = {
    "en": {
        "title": "Year in review {year}",
        "subtitle": "{network}: what we fought for and what we won, for the general assembly.",
        "made_on": "Prepared on {date}. Figures count days in the network's time zone.",
        "page": "Page", "page_of": "of",
        "key_figures": "The year at a glance",
        "inquiries": "Inquiries", "screened": "Screened", "proposed": "Proposed to the meeting",
        "taken": "Taken on", "delivered": "Demand delivered", "won": "Won",
        "partial": "Partial win", "lost": "Lost", "closed": "Closed otherwise",
        "declined": "Declined",
        "win_rate": "Win rate", "win_rate_note": "won in full or more, of fights won, partly "
                                                 "won or lost",
        "demanded": "Demanded", "recovered": "Recovered", "recovered_share": "Share recovered",
        "median_recovered": "Median recovered per win",
        "actions": "Actions carried out", "median_turnout": "Median turnout per action",
        "funnel": "From inquiry to outcome", "fights": "Fights", "count": "Number", "step": "Step",
        "decline_reasons": "Why fights were declined", "reason": "Reason",
        "outcomes_by_issue": "Outcomes by issue type", "issue": "Issue type",
        "money_by_issue": "Money demanded and recovered by issue type",
        "timing": "How long fights take", "measure": "Between", "median_days": "Median days",
        "inquiry_to_decision": "Inquiry and the meeting's decision",
        "decision_to_delivery": "Decision and delivery of the demands",
        "delivery_to_win": "Delivery and the win",
        "actions_before_win": "Actions before a win (median)",
        "mobilization": "Mobilization", "called": "Called", "said_yes": "Said yes",
        "came": "Came",
        "load": "Now", "open_fights": "Open fights", "past_deadline": "Past their deadline",
        "repeat_targets": "Targets we fought more than once", "target": "Target",
        "all": "All fights", "none": "—",
        "empty": "Nothing was recorded for {year}: no inquiries, fights or actions.",
        "chart_funnel": "Fights at each step",
        "chart_outcomes": "Won, partial and lost by issue type",
        "chart_money": "Demanded and recovered by issue type",
    },
    "es": {
        "title": "Resumen del año {year}",
        "subtitle": "{network}: por qué luchamos y qué ganamos, para la asamblea general.",
        "made_on": "Preparado el {date}. Las cifras cuentan los días en la zona horaria de "
                   "la red.",
        "page": "Página", "page_of": "de",
        "key_figures": "El año de un vistazo",
        "inquiries": "Consultas", "screened": "Evaluadas", "proposed": "Propuestas a la asamblea",
        "taken": "Luchas asumidas", "delivered": "Exigencias entregadas", "won": "Ganadas",
        "partial": "Ganadas en parte", "lost": "Perdidas", "closed": "Cerradas por otra causa",
        "declined": "Rechazadas",
        "win_rate": "Tasa de victorias", "win_rate_note": "ganadas del todo o con más, de las "
                                                         "ganadas, ganadas en parte o perdidas",
        "demanded": "Exigido", "recovered": "Recuperado", "recovered_share": "Parte recuperada",
        "median_recovered": "Mediana recuperada por victoria",
        "actions": "Acciones realizadas", "median_turnout": "Asistencia mediana por acción",
        "funnel": "De la consulta al resultado", "fights": "Luchas", "count": "Número",
        "step": "Paso",
        "decline_reasons": "Por qué se rechazaron luchas", "reason": "Motivo",
        "outcomes_by_issue": "Resultados por tipo de problema", "issue": "Tipo de problema",
        "money_by_issue": "Dinero exigido y recuperado por tipo de problema",
        "timing": "Cuánto duran las luchas", "measure": "Entre", "median_days": "Días (mediana)",
        "inquiry_to_decision": "La consulta y la decisión de la asamblea",
        "decision_to_delivery": "La decisión y la entrega de las exigencias",
        "delivery_to_win": "La entrega y la victoria",
        "actions_before_win": "Acciones antes de una victoria (mediana)",
        "mobilization": "Movilización", "called": "Llamadas", "said_yes": "Dijeron que sí",
        "came": "Vinieron",
        "load": "Ahora", "open_fights": "Luchas abiertas", "past_deadline": "Con el plazo vencido",
        "repeat_targets": "Patrones y caseros a los que enfrentamos más de una vez",
        "target": "Patrón o casero",
        "all": "Todas las luchas", "none": "—",
        "empty": "No hay nada registrado en {year}: ni consultas, ni luchas, ni acciones.",
        "chart_funnel": "Luchas en cada paso",
        "chart_outcomes": "Ganadas, en parte y perdidas por tipo de problema",
        "chart_money": "Exigido y recuperado por tipo de problema",
    },
}

DECLINE_REASONS: Final[Mapping[Language, Mapping[str, str]]] = {
    "en": {"not_winnable": "Not winnable with our capacity", "out_of_scope": "Out of scope",
           "not_willing": "Person not willing to be active", "referred": "Referred elsewhere",
           "unknown": "No reason recorded"},
    "es": {"not_winnable": "No se podía ganar con nuestras fuerzas",
           "out_of_scope": "Fuera de nuestro ámbito",
           "not_willing": "La persona no quería participar activamente",
           "referred": "Derivada a otra organización", "unknown": "Sin motivo registrado"},
}


def issue(key: str, language: Language) -> str:
    return ISSUE_LABELS[language].get(key, ISSUE_LABELS[language]["other"])


def number(value: float | int | None, language: Language, places: int = 0) -> str:
    """1,234 or 1.234; 12.5 or 12,5; a dash when there is nothing to count."""
    if value is None:
        return WORDS[language]["none"]
    english = f"{value:,.{places}f}"
    if language == "es":
        return english.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return english


def percent(share: float | None, language: Language) -> str:
    """75% or 75 % (Spanish puts a no-break space before the sign)."""
    if share is None:
        return WORDS[language]["none"]
    whole = number(round(share * 100), language)
    return f"{whole}\u00a0%" if language == "es" else f"{whole}%"


def money(amount: Decimal | None, language: Language) -> str:
    if amount is None:
        return WORDS[language]["none"]
    return format_money(amount, language)
