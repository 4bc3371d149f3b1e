"""Reminders already sent, so each goes out once however often `tick` runs."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.extensions import Model
from casework.models.base import UTCDateTime, utcnow


class SentReminder(Model):
    """One reminder to one recipient. ``key`` names what it is about and when, e.g.
    ``task-due:12:2026-12-02``; with the recipient it is unique, which makes sending idempotent."""

    __tablename__ = "sent_reminder"
    __table_args__ = (sa.UniqueConstraint("key", "recipient_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"))
    key: Mapped[str] = mapped_column(sa.String(120))
    # "user:<id>" or "person:<id>": never the address itself, which is personal data.
    recipient_key: Mapped[str] = mapped_column(sa.String(40))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
