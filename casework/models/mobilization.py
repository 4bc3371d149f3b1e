"""Mobilization emails: the text an organizer sends for an action, and who it went to."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model
from casework.models.base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from casework.models.action import Action
    from casework.models.person import Person


class MobilizationEmail(Model):
    """An action's email, per language: a draft until first sent, then kept as it was sent.

    ``texts`` is ``{"en": {"subject": ..., "body": ...}, "es": {...}}``.
    """

    __tablename__ = "mobilization_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(
        sa.ForeignKey("action.id", ondelete="CASCADE"), unique=True)
    texts: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    written_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # When the organizer first pressed Send: the text can no longer change.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    action: Mapped[Action] = relationship()

    @property
    def is_sent(self) -> bool:
        return self.sent_at is not None


class MobilizationRecipient(Model):
    """One person's copy of an action's email: queued by Send, mailed once by `tick`.

    Unique per action and person, so nobody gets the same action's email twice; the links in
    the email carry this row's id, signed."""

    __tablename__ = "mobilization_recipient"
    __table_args__ = (
        sa.UniqueConstraint("action_id", "person_id"),
        sa.Index("ix_mobilization_recipient_unsent", "sent_at", "id"),
        sa.Index("ix_mobilization_recipient_person", "person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("action.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(8), default="en")
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Set when `tick` hands the message to the SMTP server (cleared again if it refuses).
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # "yes" or "no", answered through the email's links (also recorded on the call list).
    answer: Mapped[str | None] = mapped_column(sa.String(8))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    unsubscribed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    action: Mapped[Action] = relationship()
    person: Mapped[Person] = relationship()

    def __repr__(self) -> str:
        return f"<MobilizationRecipient {self.id}>"
