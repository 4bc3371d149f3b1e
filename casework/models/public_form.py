"""Sendings of the public "get in touch" form, kept for an hour to limit them per address.

Rows live in the database, not in process memory, so the limit holds across every gunicorn
worker. They hold a keyed hash of the client's address, never the address itself, and nothing
of what was sent: they only ever answer "how many from this address in the last hour?".
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.extensions import Model
from casework.models.base import UTCDateTime, utcnow


class PublicFormSubmission(Model):
    """One sending of the public form (an inquiry, or a bot's filled honeypot)."""

    __tablename__ = "public_form_submission"
    __table_args__ = (
        sa.Index("ix_public_form_submission_client_created", "client_hash", "created_at"),
        sa.Index("ix_public_form_submission_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    client_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<PublicFormSubmission {self.id}>"
