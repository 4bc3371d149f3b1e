"""Search texts typed into the case list and the people directory, kept on the server.

A search is often a member's name. It never goes into a URL (access logs, browser history)
nor into the session cookie (signed, not encrypted: anyone holding the cookie can read it).
The URL carries a random token; the session cookie holds the tokens of its own searches; the
text is here, with the user who typed it, until the session could no longer be alive.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.extensions import Model
from casework.models.base import UTCDateTime, utcnow


class SavedSearch(Model):
    """One search text, found by its token, for its user only, until ``expires_at``."""

    __tablename__ = "saved_search"
    __table_args__ = (
        sa.UniqueConstraint("token"),
        sa.Index("ix_saved_search_user_id", "user_id"),
        sa.Index("ix_saved_search_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    text: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:  # never the text: it is personal data
        return f"<SavedSearch {self.id} of user {self.user_id}>"
