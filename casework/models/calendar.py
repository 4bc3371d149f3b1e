"""Private calendar feeds: a secret URL per user and per network, which can be rotated."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model
from casework.models.base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from casework.models.user import User


class CalendarFeed(Model):
    """The secret of a feed is shown once and kept only as its SHA-256, like a password."""

    __tablename__ = "calendar_feed"
    __table_args__ = (
        sa.UniqueConstraint("token_hash"),
        # One feed per user, and one network-wide feed (user_id NULL) per network.
        sa.Index("ix_calendar_feed_owner", "network_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Who made the current address: it works only while they may read what it shows, and it
    # stops for good when they are disabled or lose their role (``revoked_at`` says when).
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
