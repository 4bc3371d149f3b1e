"""The case timeline: every transition and change, who made it, when and why."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model
from casework.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from casework.models.case import Case
    from casework.models.user import User


class EventKind(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    TRANSITION = "transition"
    TASK_ADDED = "task_added"
    TASK_DONE = "task_done"
    TASK_REOPENED = "task_reopened"
    TASK_NO_LONGER_NEEDED = "task_no_longer_needed"
    CONSENT_RECORDED = "consent_recorded"
    NOTE = "note"
    TEAM_CHANGED = "team_changed"
    TARGET_RESEARCH = "target_research"
    ACTION_PLANNED = "action_planned"
    ACTION_RESCHEDULED = "action_rescheduled"
    ACTION_DONE = "action_done"
    ACTION_CANCELLED = "action_cancelled"
    JOINT_STATUS = "joint_status"  # a move or action of a network in a joint fight
    PURGED = "purged"  # the retention purge removed personal data; the note says what, never whose


class Event(Model):
    __tablename__ = "case_event"
    __table_args__ = (
        # The reports read FightFigures, not the timeline: no index by trigger or date.
        sa.Index("ix_case_event_case", "case_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id", ondelete="CASCADE"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    kind: Mapped[EventKind] = mapped_column(enum_column(EventKind))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    from_state: Mapped[str | None] = mapped_column(sa.String(32))
    to_state: Mapped[str | None] = mapped_column(sa.String(32))
    trigger: Mapped[str | None] = mapped_column(sa.String(32))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    # A note the app wrote itself: its English msgid and values, translated when shown
    # (casework.system_text); None for a note a user typed.
    note_msgid: Mapped[str | None] = mapped_column(sa.String(300))
    note_values: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    # Names of the fields an edit changed; never their values, which may be personal data.
    changed_fields: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)

    case: Mapped[Case] = relationship()
    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Event {self.id} {self.kind}>"
