"""A won fight told to the world: the team's write-up, published on the network's public page."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model
from casework.models.base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from casework.models.case import Case

MAX_TITLE = 120
MAX_WRITE_UP = 3000


class Victory(Model):
    """One per won fight. Published while ``published_at`` is set; unpublishing clears it and
    keeps the text, so it can be published again. Whether the member's name shows is read from
    their latest publication consent each time, never copied here."""

    __tablename__ = "victory"
    # The public page and the feed: a network's published victories, newest first.
    __table_args__ = (sa.Index("ix_victory_network_published", "network_id", "published_at",
                               "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("case_record.id", ondelete="CASCADE"), unique=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"))
    title: Mapped[str] = mapped_column(sa.String(MAX_TITLE))
    write_up: Mapped[str] = mapped_column(sa.Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Any change, unpublishing included: the feed's "updated" moves with it.
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def __repr__(self) -> str:
        return f"<Victory {self.id} of case {self.case_id}>"
