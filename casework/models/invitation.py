"""Invitations: an account a coordinator asked for, made at the person's first login.

A coordinator is never told whether an email already has an account in another network (see
``casework.users.invitations``), so adding someone records an invitation here, not an account.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model
from casework.models.base import UTCDateTime, enum_column, utcnow
from casework.models.user import Role

if TYPE_CHECKING:
    from casework.models.user import User


class Invitation(Model):
    """Name, email, role and the hash of the first password the coordinator gave the person."""

    __tablename__ = "invitation"
    __table_args__ = (
        # One waiting invitation per email in a network; other networks never see it.
        sa.UniqueConstraint("network_id", "email"),
        sa.Index("ix_invitation_email", "email"),
        sa.Index("ix_invitation_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"))
    name: Mapped[str] = mapped_column(sa.String(120))
    email: Mapped[str] = mapped_column(sa.String(254))  # stored lower case
    role: Mapped[Role] = mapped_column(enum_column(Role))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    # A member's portal login: the fight whose person the login is for.
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    # A caller's portal login: the person (marked as a caller) the login is for.
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    invited_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<Invitation {self.id} {self.role}>"
