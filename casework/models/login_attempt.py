"""Login attempts, kept for a few minutes to slow down password guessing.

Rows live in the database, not in process memory, so the limit holds across every gunicorn
worker. They hold keyed hashes of the email and IP address, never the values themselves:
both are personal data, and the rows are only ever compared for equality.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.extensions import Model
from casework.models.base import UTCDateTime, utcnow


class LoginAttempt(Model):
    """One login attempt (password or second-factor code), kept for the throttling window."""

    __tablename__ = "login_attempt"
    __table_args__ = (
        sa.Index("ix_login_attempt_email_hash_created_at", "email_hash", "created_at"),
        sa.Index("ix_login_attempt_ip_hash_created_at", "ip_hash", "created_at"),
        sa.Index("ix_login_attempt_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email_hash: Mapped[str] = mapped_column(sa.String(64))
    ip_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<LoginAttempt {self.id} {'ok' if self.succeeded else 'failed'}>"
