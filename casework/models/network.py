"""A solidarity network or tenant union: the unit that owns users, people and cases."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.extensions import Model
from casework.models.base import UTCDateTime, enum_column, utcnow


class PageSize(StrEnum):
    A4 = "A4"
    LETTER = "Letter"


class Network(Model):
    __tablename__ = "network"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    # Prefix of case references, e.g. "SEA" in SEA-2026-0014.
    code: Mapped[str] = mapped_column(sa.String(8), unique=True)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    page_size: Mapped[PageSize] = mapped_column(enum_column(PageSize), default=PageSize.LETTER)
    hotline_phone: Mapped[str] = mapped_column(sa.String(40), default="")
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    # Where `flask casework tick` announces each new inquiry (its reference and a link only).
    intake_email: Mapped[str] = mapped_column(sa.String(254), default="")
    # The network's public contact address for letterheads (never a member's).
    address: Mapped[str] = mapped_column(sa.Text, default="")
    # Days after a fight ends before `flask casework purge` removes its personal data;
    # None keeps it until a coordinator purges with an explicit date.
    retention_days: Mapped[int | None]
    # Days from delivery to the deadline a new fight's letter proposes.
    default_deadline_days: Mapped[int] = mapped_column(default=14)
    # The line under the letters' closing, e.g. "Seattle Solidarity Network, case team".
    signature_line: Mapped[str] = mapped_column(sa.String(200), default="")
    # The user told of each appeal from another network (joint fights); None: the coordinators.
    appeals_delegate_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", use_alter=True, name="fk_network_appeals_delegate"))
    # Whether the public "get in touch" form accepts inquiries.
    public_form_open: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Network {self.code}>"


class CaseCounter(Model):
    """The last case number used by a network in a year; incremented atomically."""

    __tablename__ = "case_counter"

    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    last_number: Mapped[int] = mapped_column(default=0)
