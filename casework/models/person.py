"""People the network knows: members in a fight, supporters, contacts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import Mapped, Mapper, mapped_column

from casework.extensions import Model
from casework.models.base import UTCDateTime, enum_column, utcnow

COMPARED_DIGITS = 10
MIN_DIGITS = 7


def phone_key(phone: str) -> str | None:
    """The digits a phone is compared by (its last ten), or None when it has too few."""
    digits = "".join(ch for ch in phone if ch.isascii() and ch.isdigit())
    return digits[-COMPARED_DIGITS:] if len(digits) >= MIN_DIGITS else None


def email_key(email: str) -> str | None:
    """The email as compared (trimmed, case-folded), or None when there is none."""
    return email.strip().casefold()[:254] or None


def phone_key_default(context: DefaultExecutionContext) -> str:
    """``phone_key`` of a row inserted without one (bulk inserts)."""
    return phone_key(context.get_current_parameters().get("phone") or "") or ""


def email_key_default(context: DefaultExecutionContext) -> str:
    return email_key(context.get_current_parameters().get("email") or "") or ""


class Tier(StrEnum):
    ORGANIZER = "organizer"
    MEMBER = "member"
    SUPPORTER = "supporter"
    CONTACT = "contact"


class Person(Model):
    __tablename__ = "person"
    __table_args__ = (
        sa.Index("ix_person_network_name", "network_id", "name"),
        sa.Index("ix_person_network_phone_key", "network_id", "phone_key"),
        sa.Index("ix_person_network_email_key", "network_id", "email_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"))
    # A name or an alias: the network records what the person is comfortable giving.
    name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str] = mapped_column(sa.String(40), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    safe_contact_notes: Mapped[str] = mapped_column(sa.Text, default="")
    sms_consent: Mapped[bool] = mapped_column(default=False)
    email_consent: Mapped[bool] = mapped_column(default=False)
    # Language codes separated by commas, preferred first (e.g. "es,en").
    languages: Mapped[str] = mapped_column(sa.String(64), default="en")
    tier: Mapped[Tier] = mapped_column(enum_column(Tier), default=Tier.MEMBER)
    # May be given people to call for actions (and, with a portal login, sees only those).
    is_caller: Mapped[bool] = mapped_column(default=False)
    # Not a person: the "member" of a joined fight, named after the network that leads it (a
    # case needs a person). Never listed, searched, exported, counted or called.
    stands_for_network: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The phone and email as possible duplicates are matched by (kept in step on every
    # insert and update): finding a person's duplicates is then two index lookups.
    phone_key: Mapped[str] = mapped_column(sa.String(10), default=phone_key_default,
                                           server_default="")
    email_key: Mapped[str] = mapped_column(sa.String(254), default=email_key_default,
                                           server_default="")

    @property
    def preferred_language(self) -> str:
        return (self.languages.split(",")[0] or "en").strip()

    def __repr__(self) -> str:  # Never the name: reprs end up in logs.
        return f"<Person {self.id}>"


@event.listens_for(Person, "before_insert")
@event.listens_for(Person, "before_update")
def keep_match_keys(_mapper: Mapper[Any], _connection: Connection, person: Person) -> None:
    """Match keys follow the phone and email as typed."""
    phone = phone_key(person.phone or "") or ""
    email = email_key(person.email or "") or ""
    if person.phone_key != phone:
        person.phone_key = phone
    if person.email_key != email:
        person.email_key = email
