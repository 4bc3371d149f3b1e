"""What a person's record may hold: the checks shared by the person form and the CSV import.

Each check takes the text as typed and returns the value to store, or raises ``Invalid`` with
the message shown to the user.
"""

from __future__ import annotations

from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from casework.models import Tier
from casework.people.languages import MAX_STORED_LENGTH, UnknownLanguage, parse_languages

NAME_LENGTH, PHONE_LENGTH, EMAIL_LENGTH, NOTES_LENGTH = 120, 40, 254, 10_000
MIN_PHONE_DIGITS = 7
# Control characters (other than newlines and tabs) and DEL: no one types them, and they
# break exports, letters and the CSV files people download.
FORBIDDEN = {chr(code) for code in range(32) if chr(code) not in "\n\r\t"} | {"\x7f"}

TIER_LABELS = {
    Tier.ORGANIZER: _l("Organizer"),
    Tier.MEMBER: _l("Member (a worker or tenant in a fight)"),
    Tier.SUPPORTER: _l("Supporter"),
    Tier.CONTACT: _l("Contact"),
}
_TIER_WORDS = {
    **{tier.value: tier for tier in Tier},
    **{tier.value + "s": tier for tier in Tier},
    "organiser": Tier.ORGANIZER, "organisers": Tier.ORGANIZER,
}


class Invalid(ValueError):
    """A value the record cannot hold; the message says why, for the user."""


@dataclass(frozen=True)
class PersonDetails:
    """A person's record as plain, checked values."""

    name: str
    phone: str = ""
    email: str = ""
    languages: str = "en"  # codes separated by commas, preferred first
    tier: Tier = Tier.SUPPORTER
    sms_consent: bool = False
    email_consent: bool = False
    safe_contact_notes: str = ""
    is_caller: bool = False  # may be given people to call for actions


def printable(text: str, *, single_line: bool = True) -> str:
    """The text, refused if it holds control characters (or line breaks in a one-line field)."""
    if any(ch in FORBIDDEN for ch in text):
        raise Invalid(_("This contains characters that cannot be stored (control codes)."))
    if single_line and any(ch in "\r\n" for ch in text):
        raise Invalid(_("This must fit on one line."))
    return text


def limited(text: str, length: int) -> str:
    if len(text) > length:
        raise Invalid(_("This is too long: at most %(length)s characters.",
                        length=format_number(length)))
    return text


def check_name(text: str) -> str:
    name = printable(text.strip())
    if not name:
        raise Invalid(_("A name or an alias is needed."))
    return limited(name, NAME_LENGTH)


def check_phone(text: str) -> str:
    """Any way of writing a phone number ('(206) 555-0100 ext. 2', '+52 55 1234 5678')."""
    phone = limited(printable(text.strip()), PHONE_LENGTH)
    if phone and sum(ch.isascii() and ch.isdigit() for ch in phone) < MIN_PHONE_DIGITS:
        raise Invalid(_("A phone number has at least %(digits)s digits, e.g. 206-555-0100.",
                        digits=MIN_PHONE_DIGITS))
    return phone


def check_email(text: str) -> str:
    email = limited(printable(text.strip()), EMAIL_LENGTH)
    if not email:
        return ""
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError as error:
        raise Invalid(_("This is not an email address.")) from error
    return email


def check_languages(text: str) -> str:
    """'es, en' or 'Spanish and English' as stored ('es,en'); empty text is English."""
    try:
        codes = parse_languages(printable(text))
    except UnknownLanguage as error:
        raise Invalid(_("“%(word)s” is not a language we know: use codes such as en, es, zh, "
                        "vi, or “other” (and say which in the notes).", word=str(error))
                      ) from error
    stored = ",".join(codes or ["en"])
    if len(stored) > MAX_STORED_LENGTH:
        raise Invalid(_("Too many languages: list the ones they use most (about 15)."))
    return stored


def check_tier(text: str, default: Tier = Tier.SUPPORTER) -> Tier:
    word = printable(text.strip()).casefold()
    if not word:
        return default
    tier = _TIER_WORDS.get(word)
    if tier is None:
        raise Invalid(_("Unknown tier: write organizer, member, supporter or contact."))
    return tier


def check_notes(text: str) -> str:
    return limited(printable(text.strip(), single_line=False), NOTES_LENGTH)
