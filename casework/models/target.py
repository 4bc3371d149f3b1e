"""The boss or landlord a fight is against; shared across cases."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.extensions import Model
from casework.models.base import UTCDateTime, enum_column, utcnow


class TargetKind(StrEnum):
    COMPANY = "company"
    PERSON = "person"


class Target(Model):
    __tablename__ = "target"
    __table_args__ = (sa.Index("ix_target_network_name", "network_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[TargetKind] = mapped_column(enum_column(TargetKind), default=TargetKind.COMPANY)
    role: Mapped[str] = mapped_column(sa.String(80), default="")  # landlord, employer, manager…
    address: Mapped[str] = mapped_column(sa.Text, default="")
    contacts: Mapped[str] = mapped_column(sa.Text, default="")
    leverage_points: Mapped[str] = mapped_column(sa.Text, default="")
    research_notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Target {self.id}>"
