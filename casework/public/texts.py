"""The public form's words in English and Spanish, one table per language.

Keys name a sentence, values are whole sentences with named placeholders (``{network}``),
never fragments to glue together: when the app moves to gettext, each English value becomes
a msgid and each Spanish one its msgstr.
"""

from __future__ import annotations

from casework.i18n import select_language
from casework.models import IssueType

ENGLISH = {
    "title": "Get in touch with {network}",
    "intro": "Is your boss or landlord not paying what they owe, keeping your deposit or "
             "treating you badly? Tell us what happened. A volunteer will get back to you.",
    "call_instead": "You can also call our hotline: {phone}.",
    "language_switch": "Language",
    "privacy_heading": "Your privacy",
    "privacy": "What you send here is read only by {network}'s intake volunteers and "
               "organizers. We never give it to your boss or landlord, never publish your name "
               "without asking you, and never sell or share it. You may give a nickname instead "
               "of your name. This page uses no tracking and no cookies beyond the one that "
               "protects the form.",
    "you_heading": "About you",
    "name": "Your name",
    "name_help": "Or a nickname: what we should call you.",
    "phone": "Phone",
    "email": "Email",
    "safe_contact": "How and when is it safe to reach you?",
    "safe_contact_help": "For example: \"text first\", \"after 6 pm\", \"my landlord reads my "
                         "mail\". Give a phone, an email or a way to reach you.",
    "language": "Which language should we speak?",
    "language_en": "English",
    "language_es": "Spanish",
    "language_other": "Another language (write which above)",
    "fight_heading": "What happened",
    "target": "Who is it against?",
    "target_help": "The boss, company or landlord.",
    "issue": "What is it about?",
    "what_happened": "What happened?",
    "what_happened_help": "In your own words: what they did, since when, what you have tried.",
    "amount": "About how much money is it? (optional)",
    "amount_help": "For example 1250 or 1,250.50. Leave it empty if it is not about money.",
    "still_there": "Do you still work or live there?",
    "yes": "Yes",
    "no": "No",
    "not_sure": "Not sure",
    "urgent": "Something is about to happen (an eviction date, a deadline, a last paycheck)",
    "honeypot": "Leave this field empty",
    "send": "Send",
    "needed": "This is needed.",
    "too_long": "This is too long: at most {max} characters.",
    "unprintable": "This contains characters that cannot be stored.",
    "bad_email": "This is not an email address.",
    "bad_amount": "Write an amount such as 1250 or 1250.50.",
    "amount_too_large": "Write an amount up to 99,999,999.99.",
    "choose_one": "Choose one of these.",
    "no_contact": "Give a phone, an email or a safe way to reach you.",
    "fix_fields": "Some answers need attention: see the messages next to them.",
    "expired": "The form expired. Your answers are still here: press Send again.",
    "too_many": "We have received several messages from your connection in the last hour, "
                "so this one was not sent. Please try again later, or call us.",
    "thanks_title": "Thank you",
    "thanks": "We have received your message.",
    "next_heading": "What happens next",
    "next_call": "A volunteer of {network} will contact you in the next few days, the way you "
                 "told us is safe.",
    "next_meet": "If we can help, we will meet you to hear the whole story and look at what "
                 "you have (pay stubs, lease, messages). Keep those safe.",
    "next_urgent": "If it is urgent, call our hotline: {phone}.",
    "next_no_reply": "We do not send an automatic reply, and nothing you wrote is shown here.",
    "closed_title": "This form is not open",
    "closed": "There is no open contact form at this address. If you are looking for help "
              "with your boss or landlord, ask the network that gave you this address for "
              "another way to reach them.",
}

SPANISH = {
    "title": "Contacta con {network}",
    "intro": "¿Tu jefe o tu casero no te paga lo que te debe, se queda con tu depósito o te "
             "trata mal? Cuéntanos qué pasó. Una persona voluntaria te contactará.",
    "call_instead": "También puedes llamar a nuestra línea: {phone}.",
    "language_switch": "Idioma",
    "privacy_heading": "Tu privacidad",
    "privacy": "Lo que envías aquí solo lo leen las personas voluntarias y organizadoras de "
               "{network}. Nunca se lo damos a tu jefe ni a tu casero, nunca publicamos tu "
               "nombre sin preguntarte y nunca lo vendemos ni lo compartimos. Puedes darnos un "
               "apodo en lugar de tu nombre. Esta página no te rastrea y solo usa la cookie "
               "que protege el formulario.",
    "you_heading": "Sobre ti",
    "name": "Tu nombre",
    "name_help": "O un apodo: cómo quieres que te llamemos.",
    "phone": "Teléfono",
    "email": "Correo electrónico",
    "safe_contact": "¿Cómo y cuándo es seguro contactarte?",
    "safe_contact_help": "Por ejemplo: \"primero un mensaje\", \"después de las 6\", \"mi casero "
                         "lee mi correo\". Danos un teléfono, un correo o una forma de "
                         "contactarte.",
    "language": "¿En qué idioma prefieres hablar?",
    "language_en": "Inglés",
    "language_es": "Español",
    "language_other": "Otro idioma (escribe cuál arriba)",
    "fight_heading": "Qué pasó",
    "target": "¿Contra quién es?",
    "target_help": "El jefe, la empresa o el casero.",
    "issue": "¿De qué se trata?",
    "what_happened": "¿Qué pasó?",
    "what_happened_help": "Con tus palabras: qué hicieron, desde cuándo, qué has intentado.",
    "amount": "¿De cuánto dinero se trata, más o menos? (opcional)",
    "amount_help": "Por ejemplo 1250 o 1.250,50. Déjalo vacío si no se trata de dinero.",
    "still_there": "¿Todavía trabajas o vives allí?",
    "yes": "Sí",
    "no": "No",
    "not_sure": "No lo sé",
    "urgent": "Algo está por pasar (una fecha de desalojo, un plazo, un último cheque)",
    "honeypot": "Deja este campo vacío",
    "send": "Enviar",
    "needed": "Esto es necesario.",
    "too_long": "Es demasiado largo: como mucho {max} caracteres.",
    "unprintable": "Contiene caracteres que no se pueden guardar.",
    "bad_email": "Esto no es una dirección de correo.",
    "bad_amount": "Escribe una cantidad como 1250 o 1250,50.",
    "amount_too_large": "Escribe una cantidad de hasta 99.999.999,99.",
    "choose_one": "Elige una de estas opciones.",
    "no_contact": "Danos un teléfono, un correo o una forma segura de contactarte.",
    "fix_fields": "Algunas respuestas necesitan atención: mira los mensajes junto a ellas.",
    "expired": "El formulario caducó. Tus respuestas siguen aquí: pulsa Enviar otra vez.",
    "too_many": "Hemos recibido varios mensajes desde tu conexión en la última hora, así que "
                "este no se envió. Inténtalo más tarde o llámanos.",
    "thanks_title": "Gracias",
    "thanks": "Hemos recibido tu mensaje.",
    "next_heading": "Qué pasa ahora",
    "next_call": "Una persona voluntaria de {network} te contactará en los próximos días, de "
                 "la forma que nos dijiste que es segura.",
    "next_meet": "Si podemos ayudar, nos reuniremos contigo para escuchar toda la historia y "
                 "ver lo que tienes (talones de pago, contrato, mensajes). Guárdalos bien.",
    "next_urgent": "Si es urgente, llama a nuestra línea: {phone}.",
    "next_no_reply": "No enviamos una respuesta automática, y aquí no se muestra nada de lo "
                     "que escribiste.",
    "closed_title": "Este formulario no está abierto",
    "closed": "No hay un formulario de contacto abierto en esta dirección. Si buscas ayuda con "
              "tu jefe o tu casero, pide a la red que te dio esta dirección otra forma de "
              "contactarla.",
}

ISSUE_LABELS = {
    "en": {IssueType.UNPAID_WAGES: "Unpaid wages", IssueType.DEPOSIT: "A deposit not returned",
           IssueType.REPAIRS: "Repairs not done", IssueType.ILLEGAL_FEES: "Unfair fees",
           IssueType.EVICTION: "Eviction", IssueType.WRONGFUL_FIRING: "Fired unfairly",
           IssueType.HARASSMENT: "Harassment", IssueType.OTHER: "Something else"},
    "es": {IssueType.UNPAID_WAGES: "Salario no pagado",
           IssueType.DEPOSIT: "Un depósito no devuelto",
           IssueType.REPAIRS: "Reparaciones sin hacer", IssueType.ILLEGAL_FEES: "Cargos injustos",
           IssueType.EVICTION: "Desalojo", IssueType.WRONGFUL_FIRING: "Despido injusto",
           IssueType.HARASSMENT: "Acoso", IssueType.OTHER: "Otra cosa"},
}

TEXTS = {"en": ENGLISH, "es": SPANISH}


def page_language() -> str:
    """The page's language, as for every page without a login: the switch's cookie, else the
    browser's Accept-Language (see casework.i18n)."""
    language = select_language()
    return language if language in TEXTS else "en"
