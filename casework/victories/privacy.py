"""What a public write-up may not contain: the member's contact details, ever, and their name
unless they agreed to be named."""

from __future__ import annotations

import re

from casework.models import Person

# A run of digits with the separators people type in phone numbers.
PHONE_LIKE = re.compile(r"\+?\d[\d\s().\-/]{5,}\d")
MIN_PHONE_DIGITS = 7  # the local part: what identifies the line
MIN_NAME_PART = 3  # "de", "Li" alone name no one; longer parts are checked one by one


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def name_parts(name: str) -> list[str]:
    """The words of a name that could identify someone, longest first."""
    parts = {part for part in re.split(r"[\W_]+", name) if len(part) >= MIN_NAME_PART}
    return sorted(parts, key=lambda part: (-len(part), part))


def mentions_of(person: Person, text: str, *, may_name: bool) -> list[str]:
    """What in ``text`` points at the member: each a phrase to show the team (never the value
    itself, so the message can be logged or shown to anyone on the case)."""
    found = []
    folded = text.casefold()
    if person.email and person.email.strip().casefold() in folded:
        found.append("email address")
    phone = digits(person.phone)[-10:]
    if len(phone) >= MIN_PHONE_DIGITS and any(
            phone[-MIN_PHONE_DIGITS:] in digits(run) for run in PHONE_LIKE.findall(text)):
        found.append("phone number")
    if not may_name and any(re.search(rf"(?<!\w){re.escape(part.casefold())}(?!\w)", folded)
                            for part in name_parts(person.name)):
        found.append("name")
    return found
