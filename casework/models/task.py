"""A piece of work on a case, with an assignee and a due date."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model
from casework.models.base import UTCDateTime, utcnow

if TYPE_CHECKING:
    from casework.models.case import Case
    from casework.models.user import User


class Task(Model):
    """A piece of work. ``is_done`` means "off everyone's list": done by someone, or, when
    ``no_longer_needed_at`` is set, closed because the fight moved past it (nobody did it)."""

    __tablename__ = "task"
    __table_args__ = (
        sa.Index("ix_task_assignee_open_due", "assignee_id", "is_done", "due_on"),
        sa.Index("ix_task_case", "case_id", "is_done", "due_on"),
        sa.Index("ix_task_case_rule", "case_id", "rule_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    due_on: Mapped[date | None]
    is_done: Mapped[bool] = mapped_column(default=False)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    no_longer_needed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Tasks a state creates: which rule, and the date their due date is counted from, so
    # they move when that date is corrected.
    rule_key: Mapped[str | None] = mapped_column(sa.String(40))
    due_from: Mapped[str | None] = mapped_column(sa.String(20))
    due_offset_days: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    case: Mapped[Case] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])

    @property
    def is_open(self) -> bool:
        return not self.is_done

    @property
    def is_no_longer_needed(self) -> bool:
        return self.is_done and self.no_longer_needed_at is not None

    @property
    def was_done(self) -> bool:
        """Closed because someone did it (not because it stopped being needed)."""
        return self.is_done and self.no_longer_needed_at is None

    def is_overdue(self, today: date) -> bool:
        return not self.is_done and self.due_on is not None and self.due_on < today

    def __repr__(self) -> str:
        return f"<Task {self.id}>"
