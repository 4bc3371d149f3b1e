"""Appeals between networks: a request for a one-off action, or to join a fight on its
terms; each side keeps its own row (DESIGN.md §8)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model
from casework.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from casework.models.case import Case
    from casework.models.solidarity import Peer


class AppealKind(StrEnum):
    ONE_OFF = "one_off"  # a single action in support of the fight
    JOINT = "joint"  # join the fight on its terms, till the end

    @property
    def label(self) -> str:
        return str(APPEAL_KIND_LABELS[self])


APPEAL_KIND_LABELS = {AppealKind.ONE_OFF: _l("One-off action"),
                      AppealKind.JOINT: _l("Joint fight")}


class AppealDirection(StrEnum):
    SENT = "sent"
    RECEIVED = "received"


class AppealStatus(StrEnum):
    NEW = "new"  # not answered yet
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ENDED = "ended"  # the fight it was about ended

    @property
    def label(self) -> str:
        return str(APPEAL_STATUS_LABELS[self])


APPEAL_STATUS_LABELS = {
    AppealStatus.NEW: _l("Waiting for an answer"),
    AppealStatus.ACCEPTED: _l("Accepted"),
    AppealStatus.DECLINED: _l("Declined"),
    AppealStatus.ENDED: _l("Ended"),
}


class Appeal(Model):
    """One appeal to (or from) one peer. ``terms`` is the appeal's object exactly as it was
    sent: fixed when sent, the receiver takes it or leaves it."""

    __tablename__ = "appeal"
    __table_args__ = (
        sa.UniqueConstraint("network_id", "peer_id", "uid"),
        sa.Index("ix_appeal_network_status", "network_id", "direction", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"))
    peer_id: Mapped[int] = mapped_column(sa.ForeignKey("peer.id"), index=True)
    # The appeal's id in the messages (the same on both sides).
    uid: Mapped[str] = mapped_column(sa.String(100))
    direction: Mapped[AppealDirection] = mapped_column(enum_column(AppealDirection))
    kind: Mapped[AppealKind] = mapped_column(enum_column(AppealKind))
    status: Mapped[AppealStatus] = mapped_column(enum_column(AppealStatus),
                                                 default=AppealStatus.NEW)
    # Sent: the fight it is about. Received: the linked fight, once a joint appeal is accepted.
    case_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("case_record.id", ondelete="SET NULL"), index=True)
    terms: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    answer_note: Mapped[str] = mapped_column(sa.Text, default="")
    # A declined appeal may come with the offer of a one-off action instead.
    offered_action: Mapped[str] = mapped_column(sa.Text, default="")
    # An accepted one-off action, once done: what the network that did it reported (kind,
    # date, place, turnout count, result), on both sides.
    report: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    peer: Mapped[Peer] = relationship()
    case: Mapped[Case | None] = relationship()

    @property
    def is_joint(self) -> bool:
        return self.kind == AppealKind.JOINT

    def __repr__(self) -> str:
        return f"<Appeal {self.id} {self.direction} {self.kind} {self.status}>"
