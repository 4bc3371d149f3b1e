"""The records a fight accumulates: meeting decisions, demands, delivery, contacts, outcome."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
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


class DecisionKind(StrEnum):
    TAKE_FIGHT = "take_fight"
    ACCEPT_OFFER = "accept_offer"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {"take_fight": lazy_pgettext("decision", "Take on the fight"),
                "accept_offer": lazy_pgettext("decision", "Accept an offer"),
                "other": lazy_pgettext("decision", "Other")}[self.value]


class Decision(Model):
    """A vote of the weekly meeting. The member's own consent is its own record (Consent)."""

    __tablename__ = "decision"
    __table_args__ = (sa.Index("ix_decision_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id", ondelete="CASCADE"))
    case: Mapped[Case] = relationship(back_populates="decisions")
    kind: Mapped[DecisionKind] = mapped_column(enum_column(DecisionKind))
    meeting_on: Mapped[date]
    proposal: Mapped[str] = mapped_column(sa.Text)
    votes_for: Mapped[int] = mapped_column(default=0)
    votes_against: Mapped[int] = mapped_column(default=0)
    votes_abstain: Mapped[int] = mapped_column(default=0)
    offer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("target_contact.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_carried(self) -> bool:
        return self.votes_for > self.votes_against


class DemandKind(StrEnum):
    MONEY = "money"
    ACTION = "action"


class Demand(Model):
    """One demand of the letter: money with its calculation, or an action."""

    __tablename__ = "demand"
    __table_args__ = (sa.Index("ix_demand_case", "case_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id", ondelete="CASCADE"))
    case: Mapped[Case] = relationship(back_populates="demands")
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[DemandKind] = mapped_column(enum_column(DemandKind))
    description: Mapped[str] = mapped_column(sa.Text)
    amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    calculation: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Model):
    """The in-person delivery of the demand letter; its date sets the deadline."""

    __tablename__ = "delivery"
    __table_args__ = (
        sa.Index("ix_delivery_case", "case_id", "id"),
        sa.Index("ix_delivery_delivered_at", "delivered_at"),  # the calendar's weeks, reports
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id", ondelete="CASCADE"))
    case: Mapped[Case] = relationship(back_populates="deliveries")
    delivered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(300))
    handed_over_by: Mapped[str] = mapped_column(sa.String(200))
    turnout: Mapped[int] = mapped_column(default=0)
    target_reaction: Mapped[str] = mapped_column(sa.Text, default="")
    police_present: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ContactChannel(StrEnum):
    PHONE = "phone"
    IN_PERSON = "in_person"
    LETTER = "letter"
    EMAIL = "email"
    TEXT = "text"
    LAWYER = "lawyer"

    @property
    def label(self) -> str:
        return {"phone": lazy_pgettext("contact channel", "Phone"),
                "in_person": lazy_pgettext("contact channel", "In person"),
                "letter": lazy_pgettext("contact channel", "Letter"),
                "email": lazy_pgettext("contact channel", "Email"),
                "text": lazy_pgettext("contact channel", "Text"),
                "lawyer": lazy_pgettext("contact channel", "Through a lawyer")}[self.value]


class OfferStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class TargetContact(Model):
    """A contact from the target during the deadline window or talks; maybe an offer."""

    __tablename__ = "target_contact"
    __table_args__ = (sa.Index("ix_target_contact_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id", ondelete="CASCADE"))
    case: Mapped[Case] = relationship(back_populates="contacts")
    happened_at: Mapped[datetime] = mapped_column(UTCDateTime)
    channel: Mapped[ContactChannel] = mapped_column(enum_column(ContactChannel))
    summary: Mapped[str] = mapped_column(sa.Text)
    is_offer: Mapped[bool] = mapped_column(default=False)
    offer_amount: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    offer_conditions: Mapped[str] = mapped_column(sa.Text, default="")
    offer_status: Mapped[OfferStatus | None] = mapped_column(enum_column(OfferStatus))
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def has_conditions(self) -> bool:
        return bool(self.offer_conditions.strip())


class OutcomeKind(StrEnum):
    FULL = "full"
    MORE_THAN_OWED = "more_than_owed"
    PARTIAL = "partial"
    LOST = "lost"
    WITHDRAWN = "withdrawn"
    REFERRED_OUT = "referred_out"
    MOOT = "moot"

    @property
    def label(self) -> str:
        return {
            "full": lazy_pgettext("outcome", "Won in full"),
            "more_than_owed": lazy_pgettext("outcome", "Won more than owed"),
            "partial": lazy_pgettext("outcome", "Partial win"),
            "lost": lazy_pgettext("outcome", "Lost"),
            "withdrawn": lazy_pgettext("outcome", "Withdrawn"),
            "referred_out": lazy_pgettext("outcome", "Referred out"),
            "moot": lazy_pgettext("outcome", "Moot (e.g. business closed)"),
        }[self.value]


WIN_KINDS = (OutcomeKind.FULL, OutcomeKind.MORE_THAN_OWED, OutcomeKind.PARTIAL)
CLOSE_KINDS = (OutcomeKind.LOST, OutcomeKind.WITHDRAWN, OutcomeKind.REFERRED_OUT, OutcomeKind.MOOT)


class Outcome(Model):
    """How a fight ended. A reopened and re-ended fight keeps every outcome; the last counts."""

    __tablename__ = "outcome"
    __table_args__ = (sa.Index("ix_outcome_case", "case_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id", ondelete="CASCADE"))
    case: Mapped[Case] = relationship(back_populates="outcomes")
    kind: Mapped[OutcomeKind] = mapped_column(enum_column(OutcomeKind))
    amount_recovered: Mapped[Decimal | None] = mapped_column(sa.Numeric(12, 2))
    decided_on: Mapped[date]
    conditions: Mapped[str] = mapped_column(sa.Text, default="")
    debrief: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    recorded_by: Mapped[User | None] = relationship()
