"""The boss or landlord a fight is against; shared across cases."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model
from casework.i18n import lazy_pgettext
from casework.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from casework.models.case import Case
    from casework.models.user import User


class TargetKind(StrEnum):
    COMPANY = "company"
    PERSON = "person"

    @property
    def label(self) -> str:
        return {"company": lazy_pgettext("target kind", "Company"),
                "person": lazy_pgettext("target kind", "Person")}[self.value]


class Target(Model):
    __tablename__ = "target"
    __table_args__ = (sa.Index("ix_target_network_name", "network_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"))
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[TargetKind] = mapped_column(enum_column(TargetKind), default=TargetKind.COMPANY)
    role: Mapped[str] = mapped_column(sa.String(80), default="")  # landlord, employer, manager…
    address: Mapped[str] = mapped_column(sa.Text, default="")
    contacts: Mapped[str] = mapped_column(sa.Text, default="")
    leverage_points: Mapped[str] = mapped_column(sa.Text, default="")
    research_notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    facts: Mapped[list[TargetFact]] = relationship(
        back_populates="target", order_by="(TargetFact.kind, TargetFact.id)",
        cascade="all, delete-orphan", passive_deletes=True)

    def __repr__(self) -> str:
        return f"<Target {self.id}>"


class TargetFactKind(StrEnum):
    OWNER = "owner"
    MANAGER = "manager"
    ADDRESS = "address"
    RELATED_BUSINESS = "related_business"
    PROPERTY = "property"
    LEVERAGE_POINT = "leverage_point"
    SOURCE = "source"

    @property
    def label(self) -> str:
        return {
            "owner": lazy_pgettext("target fact", "Owner"),
            "manager": lazy_pgettext("target fact", "Manager"),
            "address": lazy_pgettext("target fact", "Address"),
            "related_business": lazy_pgettext("target fact", "Related business"),
            "property": lazy_pgettext("target fact", "Property"),
            "leverage_point": lazy_pgettext("target fact", "Leverage point"),
            "source": lazy_pgettext("target fact", "Source"),
        }[self.value]

    @property
    def can_be_pressed(self) -> bool:
        """An action can press this instead of the target itself (a secondary target)."""
        return self in (TargetFactKind.LEVERAGE_POINT, TargetFactKind.RELATED_BUSINESS,
                        TargetFactKind.PROPERTY, TargetFactKind.OWNER, TargetFactKind.MANAGER)


class TargetFact(Model):
    """One researched fact about a target: who owns or runs it, what else it owns, where it
    is, where it can be pressed, and where we learned it."""

    __tablename__ = "target_fact"
    __table_args__ = (sa.Index("ix_target_fact_target", "target_id", "kind", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("target.id", ondelete="CASCADE"))
    kind: Mapped[TargetFactKind] = mapped_column(enum_column(TargetFactKind))
    name: Mapped[str] = mapped_column(sa.String(200))
    details: Mapped[str] = mapped_column(sa.Text, default="")
    # Where this came from (public record, a worker, a web page), for anyone checking it later.
    source: Mapped[str] = mapped_column(sa.String(300), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    target: Mapped[Target] = relationship(back_populates="facts")

    def __repr__(self) -> str:
        return f"<TargetFact {self.id} {self.kind}>"


class ProposalStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DISMISSED = "dismissed"


class TargetProposal(Model):
    """Details a case form gave for a target other fights rely on, kept aside instead of
    overwriting it: someone who may edit the target accepts (applies) or dismisses them."""

    __tablename__ = "target_proposal"
    __table_args__ = (sa.Index("ix_target_proposal_target", "target_id", "status", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("target.id", ondelete="CASCADE"))
    # The case whose intake or edit form gave these details.
    case_id: Mapped[int] = mapped_column(
        sa.ForeignKey("case_record.id", ondelete="CASCADE"), index=True)
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    kind: Mapped[TargetKind] = mapped_column(enum_column(TargetKind))
    address: Mapped[str] = mapped_column(sa.Text, default="")  # "" when none was given
    status: Mapped[ProposalStatus] = mapped_column(
        enum_column(ProposalStatus), default=ProposalStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    target: Mapped[Target] = relationship()
    case: Mapped[Case] = relationship()
    proposed_by: Mapped[User | None] = relationship(foreign_keys=[proposed_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def changes_to(self, target: Target) -> list[str]:
        """Which of the target's details this proposal would change now."""
        return detail_changes(target, self.kind, self.address)

    def __repr__(self) -> str:
        return f"<TargetProposal {self.id} {self.status}>"


def detail_changes(target: Target, kind: TargetKind, address: str) -> list[str]:
    """Which of the target's details a kind and address would change: "kind", "address".
    An empty address changes nothing (the form leaves it blank when it is not known)."""
    changed = ["kind"] if kind != target.kind else []
    if address and address != target.address:
        changed.append("address")
    return changed
