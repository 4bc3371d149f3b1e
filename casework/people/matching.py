"""When two records are probably the same person: the same phone or the same email.

Phones are compared by their last ten digits, so "(206) 555-0100", "206.555.0100" and
"+1 206 555 0100" match; fewer than seven digits say too little to match on. Emails are
compared case-insensitively.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import or_, select

from casework.extensions import db
from casework.models import Person
from casework.models.person import email_key, phone_key

__all__ = ["email_key", "phone_key"]

LAST_DIGITS_IN_SQL = 4  # narrows the phones read; the last ten digits are compared after
PHONE_CHARACTERS = frozenset("0123456789+-(). ")


def keys_of(phone: str, email: str) -> list[str]:
    """The keys a record is matched by: ``phone:...`` and ``email:...``."""
    keys = []
    if (phone_digits := phone_key(phone)) is not None:
        keys.append(f"phone:{phone_digits}")
    if (address := email_key(email)) is not None:
        keys.append(f"email:{address}")
    return keys


@dataclass
class PeopleIndex:
    """The people of a network by match key, to find duplicates without a query per row."""

    ids_by_key: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    def add(self, person_id: int, phone: str, email: str) -> None:
        for key in keys_of(phone, email):
            if person_id not in self.ids_by_key[key]:
                self.ids_by_key[key].append(person_id)

    def matches(self, phone: str, email: str, *, besides: int | None = None) -> list[int]:
        """Ids of the people sharing a phone or an email, oldest first."""
        found = {person_id for key in keys_of(phone, email)
                 for person_id in self.ids_by_key.get(key, ())}
        return sorted(found - {besides})


def people_matching(person: Person) -> list[int]:
    """Ids of the network's other people with the same phone (last ten digits) or email,
    oldest first, from the stored match keys (two index lookups)."""
    same = [key_column == key for key_column, key in (
        (Person.phone_key, phone_key(person.phone or "")),
        (Person.email_key, email_key(person.email or ""))) if key]
    if not same:
        return []
    return list(db.session.scalars(
        select(Person.id).where(Person.network_id == person.network_id, Person.id != person.id,
                                Person.stands_for_network.is_(False), or_(*same))
        .order_by(Person.id)))


def index_network(network_id: int) -> PeopleIndex:
    """Every person of the network who has a phone or an email, by match key.

    Phones are stored as typed, so the digits cannot be compared in SQL on both databases:
    the two short columns of the network's people are read once (thousands of rows, a few ms).
    """
    index = PeopleIndex()
    rows = db.session.execute(
        select(Person.id, Person.phone, Person.email)
        .where(Person.network_id == network_id, or_(Person.phone != "", Person.email != ""))
        .order_by(Person.id)
    )
    for person_id, phone, email in rows:
        index.add(person_id, phone or "", email or "")
    return index


def looks_like_phone(text: str) -> bool:
    """Only what phones are written with, and enough digits to compare."""
    return set(text) <= PHONE_CHARACTERS and phone_key(text) is not None


def people_with_phone(network_id: int, phone: str) -> list[int]:
    """The network's people whose phone has the same last ten digits (stored as typed)."""
    key = phone_key(phone)
    if key is None:
        return []
    # The last digits in order, anything between: "(206) 555-0100" has 0, 1, 0, 0 in order.
    narrowing = "%" + "%".join(key[-LAST_DIGITS_IN_SQL:]) + "%"
    rows = db.session.execute(select(Person.id, Person.phone).where(
        Person.network_id == network_id, Person.phone.like(narrowing)).order_by(Person.id))
    return [person_id for person_id, stored in rows if phone_key(stored or "") == key]
