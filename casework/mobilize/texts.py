"""The mobilization email's words in each language: the default text for each kind of action,
the part every email ends with (the answer links, why the person gets it, how to stop), and
the pages those links open. Per language, like the letters' texts; every string exists in
both languages, so a Spanish email or page needs no English.

The default text names the action, when and where, and whom it presses: never the member.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Final, Literal
from zoneinfo import ZoneInfo

from casework.letters.i18n import MONTHS
from casework.models import ActionKind

Language = Literal["en", "es"]
LANGUAGES: Final[tuple[Language, ...]] = ("en", "es")
LANGUAGE_NAMES: Final[Mapping[Language, str]] = {"en": "English", "es": "Spanish"}

WEEKDAYS: Final[Mapping[Language, tuple[str, ...]]] = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "es": ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo"),
}

KIND_NAMES: Final[Mapping[Language, Mapping[ActionKind, str]]] = {
    "en": {kind: str(kind.label) for kind in ActionKind},  # English: made outside any request
    "es": {
        ActionKind.DELIVERY: "Entrega de las demandas",
        ActionKind.CALL_IN: "Jornada de llamadas",
        ActionKind.BUSINESS_CONTACTS: "Cartas y llamadas a sus socios comerciales",
        ActionKind.POSTERING: "Carteles y volantes",
        ActionKind.OUTREACH: "Hablar con otros inquilinos o trabajadores",
        ActionKind.PICKET: "Piquete",
        ActionKind.SECONDARY_TARGET: "Acción ante un objetivo secundario",
        ActionKind.OTHER: "Acción",
    },
}

# What the action is, as the first sentence of the default text: {target}, {when}, {place}.
KIND_SENTENCES: Final[Mapping[Language, Mapping[ActionKind, str]]] = {
    "en": {
        ActionKind.DELIVERY: "We are delivering our demands to {target} together on {when}, "
                             "at {place}. The more of us stand behind the letter, the more "
                             "seriously they take it.",
        ActionKind.CALL_IN: "We are calling {target} all together on {when} ({place}), so "
                            "that they hear from all of us at once.",
        ActionKind.BUSINESS_CONTACTS: "We are writing to and calling the business contacts "
                                      "of {target} on {when}, meeting at {place}.",
        ActionKind.POSTERING: "We are putting up posters and handing out leaflets about "
                              "{target} on {when}, meeting at {place}.",
        ActionKind.OUTREACH: "We are talking with other tenants and workers of {target} on "
                             "{when}, meeting at {place}.",
        ActionKind.PICKET: "We are picketing {target} on {when}, at {place}.",
        ActionKind.SECONDARY_TARGET: "We are taking the fight to {target} on {when}, at "
                                     "{place}.",
        ActionKind.OTHER: "We are taking action against {target} on {when}, at {place}.",
    },
    "es": {
        ActionKind.DELIVERY: "Vamos a entregar juntos nuestras demandas a {target} el {when}, "
                             "en {place}. Cuantos más respaldemos la carta, más en serio la "
                             "tomarán.",
        ActionKind.CALL_IN: "Vamos a llamar todos juntos a {target} el {when} ({place}), "
                            "para que nos escuchen a todos a la vez.",
        ActionKind.BUSINESS_CONTACTS: "Vamos a escribir y llamar a los socios comerciales de "
                                      "{target} el {when}; nos vemos en {place}.",
        ActionKind.POSTERING: "Vamos a poner carteles y repartir volantes sobre {target} el "
                              "{when}; nos vemos en {place}.",
        ActionKind.OUTREACH: "Vamos a hablar con otros inquilinos y trabajadores de {target} "
                             "el {when}; nos vemos en {place}.",
        ActionKind.PICKET: "Vamos a hacer un piquete ante {target} el {when}, en {place}.",
        ActionKind.SECONDARY_TARGET: "Vamos a llevar la lucha a {target} el {when}, en "
                                     "{place}.",
        ActionKind.OTHER: "Vamos a actuar contra {target} el {when}, en {place}.",
    },
}

WORDS: Final[Mapping[Language, Mapping[str, str]]] = {
    "en": {
        "subject": "{kind} on {day}: can you come?",
        "greeting": "Hello,",
        "ask": "Every person who comes makes it harder for them to ignore us. Can you come? "
               "Answer with one click below, and bring a friend.",
        "thanks": "In solidarity,",
        "no_place": "the place we will send you",
        "question": "Will you come?",
        "yes_link": "Yes, I will be there:",
        "no_link": "No, I can't come:",
        "why": "You get this email because you told {network} you wanted to hear about its "
               "actions.",
        "stop": "To stop these emails:",
        "at": "at",
        # The pages the links open.
        "rsvp_title": "Will you come?",
        "confirm_yes": "Yes, I will be there",
        "confirm_no": "No, I can't come",
        "other_answer_yes": "Can you come after all? Answer yes instead.",
        "other_answer_no": "Can't come? Answer no instead.",
        "press_to_confirm": "Press the button to send your answer.",
        "saved_yes": "Thank you! We count on you. We will remind you the day before.",
        "saved_no": "Thank you for telling us. We will ask you again next time.",
        "saved_title": "Answer saved",
        "when": "When",
        "where": "Where",
        "expired_title": "This link has expired",
        "expired": "The action is over or was called off, so answers are no longer taken. "
                   "Nothing was changed. Thank you for wanting to come!",
        "unsubscribe_title": "Stop these emails?",
        "unsubscribe_explain": "{network} will stop sending you emails about its actions. "
                               "You can ask the network to send them again at any time.",
        "unsubscribe_button": "Stop the emails",
        "unsubscribed_title": "No more emails",
        "unsubscribed": "{network} will not send you any more emails. To hear about actions "
                        "again, tell the network.",
        "contact": "Questions? Call {phone}.",
    },
    "es": {
        "subject": "{kind} el {day}: ¿puedes venir?",
        "greeting": "Hola:",
        "ask": "Cada persona que viene hace más difícil que nos ignoren. ¿Puedes venir? "
               "Responde con un clic aquí abajo, y trae a alguien.",
        "thanks": "En solidaridad,",
        "no_place": "el lugar que te diremos",
        "question": "¿Vienes?",
        "yes_link": "Sí, allí estaré:",
        "no_link": "No, no puedo ir:",
        "why": "Recibes este correo porque le dijiste a {network} que querías saber de sus "
               "acciones.",
        "stop": "Para no recibir más estos correos:",
        "at": "a las",
        "rsvp_title": "¿Vienes?",
        "confirm_yes": "Sí, allí estaré",
        "confirm_no": "No, no puedo ir",
        "other_answer_yes": "¿Al final puedes venir? Responde que sí.",
        "other_answer_no": "¿No puedes venir? Responde que no.",
        "press_to_confirm": "Pulsa el botón para enviar tu respuesta.",
        "saved_yes": "¡Gracias! Contamos contigo. Te lo recordaremos el día antes.",
        "saved_no": "Gracias por avisarnos. Te preguntaremos la próxima vez.",
        "saved_title": "Respuesta guardada",
        "when": "Cuándo",
        "where": "Dónde",
        "expired_title": "Este enlace ha caducado",
        "expired": "La acción ya pasó o se canceló, así que ya no se toman respuestas. No se "
                   "cambió nada. ¡Gracias por querer venir!",
        "unsubscribe_title": "¿Dejar de recibir estos correos?",
        "unsubscribe_explain": "{network} dejará de enviarte correos sobre sus acciones. "
                               "Puedes pedir a la red que vuelva a enviarlos cuando quieras.",
        "unsubscribe_button": "No quiero más correos",
        "unsubscribed_title": "No más correos",
        "unsubscribed": "{network} no te enviará más correos. Para volver a saber de las "
                        "acciones, díselo a la red.",
        "contact": "¿Preguntas? Llama al {phone}.",
    },
}

# A link that does not work: we cannot tell whose it is, so both languages, Spanish second.
BROKEN_LINK: Final = (
    ("en", "This link does not work",
     "It may have been cut when it was copied. Nothing was changed. Open the link from the "
     "email again, or answer by replying to the email."),
    ("es", "Este enlace no funciona",
     "Puede que se cortara al copiarlo. No se cambió nada. Abre otra vez el enlace del "
     "correo, o responde al correo."),
)


def language_of(codes: str) -> Language:
    """The first of a person's languages (``"fr,es,en"``) that the emails are written in."""
    for code in (part.strip().lower() for part in codes.split(",")):
        if code in LANGUAGES:
            return "es" if code == "es" else "en"
    return "en"


def moment(value: datetime, zone: ZoneInfo, language: Language) -> str:
    """'Saturday, December 5, 2026 at 17:00' or 'sábado 5 de diciembre de 2026 a las 17:00'."""
    local = value.astimezone(zone)
    weekday, month = WEEKDAYS[language][local.weekday()], MONTHS[language][local.month - 1]
    at = WORDS[language]["at"]
    if language == "es":
        return f"{weekday} {local.day} de {month} de {local.year} {at} {local:%H:%M}"
    return f"{weekday}, {month} {local.day}, {local.year} {at} {local:%H:%M}"


def short_day(value: datetime, zone: ZoneInfo, language: Language) -> str:
    """'Saturday, December 5' or 'sábado 5 de diciembre', for a subject line."""
    local = value.astimezone(zone)
    weekday, month = WEEKDAYS[language][local.weekday()], MONTHS[language][local.month - 1]
    return f"{weekday} {local.day} de {month}" if language == "es" \
        else f"{weekday}, {month} {local.day}"


def default_text(language: Language, *, kind: ActionKind, starts_at: datetime, zone: ZoneInfo,
                 place: str, target: str, network: str) -> dict[str, str]:
    """The subject and body an organizer starts from, for an action of ``kind``."""
    words = WORDS[language]
    sentence = KIND_SENTENCES[language][kind].format(
        target=target, when=moment(starts_at, zone, language), place=place or words["no_place"])
    body = "\n\n".join([words["greeting"], sentence, words["ask"],
                        f"{words['thanks']}\n{network}"])
    subject = words["subject"].format(kind=KIND_NAMES[language][kind],
                                      day=short_day(starts_at, zone, language))
    return {"subject": subject, "body": body}
