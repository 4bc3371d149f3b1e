"""The password policy: long enough, not a well-known password, not the person's own name.

Following NIST SP 800-63B and OWASP ASVS 2.1: a length between 12 and 200 characters, every
character allowed, no composition rules, and a check against a bundled list of the ~20,000 most
common passwords (``common_passwords.txt``, see its README), also with digits and symbols
stripped from the ends, so "Password2024!" counts as "password".
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash
from wtforms import Field
from wtforms.validators import ValidationError

from casework.errors import CaseworkError

MIN_LENGTH = 12
MAX_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")
# Words that say where the password is used, tried early by anyone guessing.
SITE_WORDS = ("casework",)
# Parts of a name or email shorter than this are too common to refuse inside a password.
MIN_PERSONAL_PART = 3

LENGTH_MESSAGE = _l("Use %(min)s to %(max)s characters.", min=MIN_LENGTH, max=MAX_LENGTH)
COMMON_MESSAGE = _l("This is one of the most common passwords, which are guessed first. "
                    "Try three or four unrelated words.")
PERSONAL_MESSAGE = _l("Do not use the name or email address of the account, or the name of "
                      "this site, in the password.")

_EDGE_DIGITS_AND_SYMBOLS = re.compile(r"^[\W\d_]+|[\W\d_]+$")
_NAME_PARTS = re.compile(r"[\W_]+")


class WeakPassword(CaseworkError):
    """The password does not meet the policy; the message says why."""


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list of common passwords, lowercased (read once per process)."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line)


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """What is wrong with ``password`` for the person with this email and name, or None."""
    if not MIN_LENGTH <= len(password) <= MAX_LENGTH:
        return str(LENGTH_MESSAGE)
    lowered = password.lower()
    stripped = _EDGE_DIGITS_AND_SYMBOLS.sub("", lowered)
    common = common_passwords()
    if lowered in common or stripped in common:
        return str(COMMON_MESSAGE)
    if any(part in lowered for part in personal_parts(email, name)):
        return str(PERSONAL_MESSAGE)
    return None


def personal_parts(email: str, name: str) -> set[str]:
    """Lowercased pieces of the email's local part and of the name, and the site's name."""
    local_part = email.strip().lower().partition("@")[0]
    pieces = {local_part, *_NAME_PARTS.split(local_part), *_NAME_PARTS.split(name.lower()),
              *SITE_WORDS}
    return {piece for piece in pieces if len(piece) >= MIN_PERSONAL_PART}


def check_password_policy(password: str, *, email: str = "", name: str = "") -> None:
    """Raise :class:`WeakPassword` when ``password`` does not meet the policy."""
    problem = password_problem(password, email=email, name=name)
    if problem is not None:
        raise WeakPassword(problem)


class PasswordPolicy:
    """WTForms validator: the password policy, with the name and email from sibling fields."""

    def __init__(self, email_field: str | None = "email", name_field: str | None = "name"):
        self.email_field = email_field
        self.name_field = name_field

    def __call__(self, form: Any, field: Field) -> None:
        problem = password_problem(field.data or "", email=self._value(form, self.email_field),
                                   name=self._value(form, self.name_field))
        if problem is not None:
            raise ValidationError(problem)

    @staticmethod
    def _value(form: Any, field_name: str | None) -> str:
        field = form[field_name] if field_name and field_name in form else None
        return field.data if field is not None and isinstance(field.data, str) else ""


# Checked against when there is no account to check, so a wrong email costs as long as a
# wrong password and the time taken does not tell which emails have accounts.
_DUMMY_HASH = "scrypt:32768:8:1$aaaaaaaaaaaaaaaa$" + "0" * 128


def spend_a_password_check(password: str) -> None:
    """Take as long as checking a password, for a login that has no account to check."""
    check_password_hash(_DUMMY_HASH, password)
