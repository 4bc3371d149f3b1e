"""People the network knows: members in a fight, supporters, contacts."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.extensions import Model
from casework.models.base import UTCDateTime, enum_column, utcnow


class Tier(StrEnum):
    ORGANIZER = "organizer"
    MEMBER = "member"
    SUPPORTER = "supporter"
    CONTACT = "contact"


class Person(Model):
    __tablename__ = "person"
    __table_args__ = (sa.Index("ix_person_network_name", "network_id", "name"),)

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
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def preferred_language(self) -> str:
        return (self.languages.split(",")[0] or "en").strip()

    def __repr__(self) -> str:  # Never the name: reprs end up in logs.
        return f"<Person {self.id}>"
