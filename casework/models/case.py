"""A fight: one worker or tenant (sometimes a few) against one boss or landlord."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model, db
from casework.i18n import lazy_pgettext
from casework.models.base import UTCDateTime, enum_column, utcnow
from casework.models.user import Role
from casework.workflow.states import CaseState

if TYPE_CHECKING:
    from casework.models.action import Action
    from casework.models.consent import Consent
    from casework.models.fight import Decision, Delivery, Demand, Outcome, TargetContact
    from casework.models.network import Network
    from casework.models.person import Person
    from casework.models.target import Target
    from casework.models.user import User


class IssueType(StrEnum):
    UNPAID_WAGES = "unpaid_wages"
    DEPOSIT = "deposit"
    REPAIRS = "repairs"
    ILLEGAL_FEES = "illegal_fees"
    EVICTION = "eviction"
    WRONGFUL_FIRING = "wrongful_firing"
    HARASSMENT = "harassment"
    OTHER = "other"

    @property
    def label(self) -> str:
        return ISSUE_TYPE_LABELS[self]


# Made once: lists show a label per row (each lazy string is translated when shown).
ISSUE_TYPE_LABELS = {
    IssueType.UNPAID_WAGES: lazy_pgettext("issue type", "Unpaid wages"),
    IssueType.DEPOSIT: lazy_pgettext("issue type", "Stolen deposit"),
    IssueType.REPAIRS: lazy_pgettext("issue type", "Repairs"),
    IssueType.ILLEGAL_FEES: lazy_pgettext("issue type", "Illegal fees"),
    IssueType.EVICTION: lazy_pgettext("issue type", "Eviction"),
    IssueType.WRONGFUL_FIRING: lazy_pgettext("issue type", "Wrongful firing"),
    IssueType.HARASSMENT: lazy_pgettext("issue type", "Harassment"),
    IssueType.OTHER: lazy_pgettext("issue type", "Other"),
}


class InquirySource(StrEnum):
    """How an inquiry reached the network."""

    LOGGED = "logged"  # typed in by someone logged in (from a call, a visit, a referral)
    WEB_FORM = "web_form"  # the public "get in touch" form, sent by the person themselves

    @property
    def label(self) -> str:
        return {InquirySource.LOGGED: lazy_pgettext("inquiry source", "Logged in Casework"),
                InquirySource.WEB_FORM: lazy_pgettext("inquiry source", "Web form")}[self]


class Urgency(StrEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"
    URGENT = "urgent"

    @property
    def label(self) -> str:
        return URGENCY_LABELS[self.value]


URGENCY_LABELS = {"low": lazy_pgettext("urgency", "Low"),
                  "normal": lazy_pgettext("urgency", "Normal"),
                  "high": lazy_pgettext("urgency", "High"),
                  "urgent": lazy_pgettext("urgency", "Urgent")}


class DeclineReason(StrEnum):
    NOT_WINNABLE = "not_winnable"
    OUT_OF_SCOPE = "out_of_scope"
    NOT_WILLING = "not_willing"
    REFERRED = "referred"

    @property
    def label(self) -> str:
        return {
            "not_winnable": lazy_pgettext("decline reason", "Not winnable with our capacity"),
            "out_of_scope": lazy_pgettext("decline reason", "Out of scope"),
            "not_willing": lazy_pgettext("decline reason", "Person not willing to be active"),
            "referred": lazy_pgettext("decline reason", "Referred elsewhere"),
        }[self.value]


class RetaliationRisk(StrEnum):
    UNKNOWN = "unknown"
    LOW = "low"
    HIGH = "high"

    @property
    def label(self) -> str:
        return {"unknown": lazy_pgettext("retaliation risk", "Unknown"),
                "low": lazy_pgettext("retaliation risk", "Low"),
                "high": lazy_pgettext("retaliation risk", "High")}[self.value]


case_team = sa.Table(
    "case_team",
    db.metadata,
    sa.Column("case_id", sa.ForeignKey("case_record.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("user_id", sa.ForeignKey("user_account.id"), primary_key=True),
    sa.Index("ix_case_team_user_case", "user_id", "case_id"),
)


class Case(Model):
    __tablename__ = "case_record"
    # Every list filter is "network + filter, newest first", so each index ends with id
    # to serve keyset pagination (WHERE id < :after ORDER BY id DESC) straight from it.
    __table_args__ = (
        sa.Index("ix_case_record_network_id", "network_id", "id"),
        sa.Index("ix_case_record_network_state", "network_id", "state", "id"),
        sa.Index("ix_case_record_network_issue", "network_id", "issue_type", "id"),
        sa.Index("ix_case_record_network_urgency", "network_id", "urgency", "id"),
        sa.Index("ix_case_record_creator", "created_by_id", "id"),
        sa.Index("ix_case_record_deadline", "network_id", "deadline_on"),
        # My work's fights past their deadline: open ones only, not every ended fight's; the
        # reports' open fights per organizer, read from the index alone (their ids joined).
        sa.Index("ix_case_record_state_deadline", "network_id", "state", "deadline_on", "id"),
        # My work's inquiries nobody has taken up: oldest first, the first few read alone.
        sa.Index("ix_case_record_state_created", "network_id", "state", "created_at", "id"),
        # Letters due: the undelivered fights' planned delivery days, read from the index alone.
        sa.Index("ix_case_record_state_delivery", "network_id", "state", "planned_delivery_on",
                 "id"),
        # The board: each state's column, longest in the state first.
        sa.Index("ix_case_record_board", "network_id", "state", "state_changed_at", "id"),
        # The targets list counts each target's fights and wins from this index alone.
        sa.Index("ix_case_record_network_target", "network_id", "target_id", "state"),
        # The reports: inquiries logged in a period, and their targets (repeat offenders).
        sa.Index("ix_case_record_network_created", "network_id", "created_at", "target_id",
                 "state"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"))
    reference: Mapped[str] = mapped_column(sa.String(24), unique=True)
    state: Mapped[CaseState] = mapped_column(enum_column(CaseState), default=CaseState.INQUIRY)
    issue_type: Mapped[IssueType] = mapped_column(enum_column(IssueType))
    summary: Mapped[str] = mapped_column(sa.String(200))
    what_happened: Mapped[str] = mapped_column(sa.Text, default="")
    amount_claimed: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    urgency: Mapped[Urgency] = mapped_column(enum_column(Urgency), default=Urgency.NORMAL)
    retaliation_risk: Mapped[RetaliationRisk] = mapped_column(
        enum_column(RetaliationRisk), default=RetaliationRisk.UNKNOWN
    )
    # Still employed (wage fights) or still housed (tenant fights); None when unknown.
    still_employed_or_housed: Mapped[bool | None]
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id"), index=True)
    target_id: Mapped[int] = mapped_column(sa.ForeignKey("target.id"), index=True)
    # Who logged the inquiry; None when the person sent it through the public web form.
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    source: Mapped[InquirySource] = mapped_column(
        enum_column(InquirySource), default=InquirySource.LOGGED,
        server_default=InquirySource.LOGGED.value)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Lower-cased reference, target and summary: what the list's text search reads. The
    # person's name is searched separately, only where the user may see it.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    # Screening: the facts gathered and whether the fight is winnable with our capacity.
    screening_notes: Mapped[str] = mapped_column(sa.Text, default="")
    winnability_notes: Mapped[str] = mapped_column(sa.Text, default="")
    # The demand letter: days from delivery to the deadline, and when we plan to deliver it
    # (the batch print of the week's letters reads it).
    deadline_days: Mapped[int | None]
    planned_delivery_on: Mapped[date | None]
    # Set from the delivery date; the tick command marks it passed.
    deadline_on: Mapped[date | None]
    deadline_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Where pause and the ended states came from, so resume and reopen can go back.
    paused_from: Mapped[CaseState | None] = mapped_column(enum_column(CaseState))
    ended_from: Mapped[CaseState | None] = mapped_column(enum_column(CaseState))
    decline_reason: Mapped[DeclineReason | None] = mapped_column(enum_column(DeclineReason))
    referred_to: Mapped[str] = mapped_column(sa.String(300), default="")
    # A retaliation fight points at the fight it followed.
    linked_case_id: Mapped[int | None] = mapped_column(sa.ForeignKey("case_record.id"))
    # The strategy and the conditions on which the fight ends, written before other networks
    # are asked to join (DESIGN.md §8).
    strategy: Mapped[str] = mapped_column(sa.Text, default="")
    end_conditions: Mapped[str] = mapped_column(sa.Text, default="")
    # A joined fight: the name of the network that leads it ("" for the network's own fights).
    # Its state follows the leader's and all contact with the target goes through it.
    joint_with: Mapped[str] = mapped_column(sa.String(120), default="")
    # Optimistic lock: an edit based on an old version is refused instead of overwriting.
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    network: Mapped[Network] = relationship()
    person: Mapped[Person] = relationship()
    target: Mapped[Target] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    team: Mapped[list[User]] = relationship(secondary=case_team, order_by="User.name")
    linked_case: Mapped[Case | None] = relationship(remote_side=[id])
    decisions: Mapped[list[Decision]] = relationship(
        back_populates="case", order_by="Decision.id", passive_deletes=True)
    demands: Mapped[list[Demand]] = relationship(
        back_populates="case", order_by="(Demand.position, Demand.id)", passive_deletes=True,
        cascade="all, delete-orphan")
    deliveries: Mapped[list[Delivery]] = relationship(
        back_populates="case", order_by="Delivery.id", passive_deletes=True)
    contacts: Mapped[list[TargetContact]] = relationship(
        back_populates="case", order_by="TargetContact.id", passive_deletes=True)
    consents: Mapped[list[Consent]] = relationship(
        back_populates="case", order_by="Consent.id", passive_deletes=True)
    outcomes: Mapped[list[Outcome]] = relationship(
        back_populates="case", order_by="Outcome.id", passive_deletes=True)
    actions: Mapped[list[Action]] = relationship(
        back_populates="case", order_by="(Action.position, Action.id)", passive_deletes=True)

    @property
    def delivery(self) -> Delivery | None:
        return self.deliveries[-1] if self.deliveries else None

    @property
    def outcome(self) -> Outcome | None:
        return self.outcomes[-1] if self.outcomes else None

    @property
    def has_contact_route(self) -> bool:
        person = self.person
        return bool(person.phone or person.email or person.safe_contact_notes)

    @property
    def is_joined(self) -> bool:
        """A fight another network leads, which this network joined."""
        return bool(self.joint_with)

    def refresh_search_text(self) -> None:
        """Recompute the text that the case list's search matches."""
        parts = [self.reference, self.target.name, self.summary]
        self.search_text = " ".join(part for part in parts if part).lower()

    def is_on_team(self, user: User) -> bool:
        return any(member.id == user.id for member in self.team)

    def can_view(self, user: User) -> bool:
        """May the user open this case at all (its summary)?"""
        if user.network_id != self.network_id:
            return False
        if user.role in (Role.COORDINATOR, Role.ORGANIZER):
            return True
        return user.role == Role.INTAKE and (
            self.created_by_id == user.id or self.is_waiting_web_inquiry)

    @property
    def is_waiting_web_inquiry(self) -> bool:
        """A web-form inquiry nobody has screened yet: every intake volunteer of the network
        may call the person back, as they would answer the hotline."""
        return self.source == InquirySource.WEB_FORM and self.state == CaseState.INQUIRY

    def can_view_full_record(self, user: User) -> bool:
        """May the user see the member's contact details, tasks and timeline?"""
        if not self.can_view(user):
            return False
        if user.role == Role.ORGANIZER:
            return self.is_on_team(user)
        return True

    def can_move(self, user: User, *, coordinator_only: bool = False) -> bool:
        """May the user move the fight through the workflow?"""
        if coordinator_only:
            return user.role == Role.COORDINATOR and user.network_id == self.network_id
        return user.role in (Role.ORGANIZER, Role.COORDINATOR) and self.can_edit(user)

    def can_edit(self, user: User) -> bool:
        """May the user change the facts of the case and its tasks?"""
        if not self.can_view_full_record(user):
            return False
        if user.role == Role.INTAKE:
            return self.state in (CaseState.INQUIRY, CaseState.SCREENING)
        return True

    def __repr__(self) -> str:
        return f"<Case {self.reference}>"
