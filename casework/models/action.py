"""The escalation ladder: a fight's actions, who plays which role, and the call list."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.extensions import Model
from casework.i18n import lazy_pgettext
from casework.models.base import UTCDateTime, enum_column, utcnow

if TYPE_CHECKING:
    from casework.models.case import Case
    from casework.models.letter import Letter
    from casework.models.person import Person
    from casework.models.target import TargetFact
    from casework.models.user import User


def network_of_case(context: Any) -> int:
    """The network of the action's fight (an INSERT's default, for every way of writing one)."""
    case_id = context.get_current_parameters()["case_id"]
    network_id = context.connection.scalar(
        sa.text("SELECT network_id FROM case_record WHERE id = :id"), {"id": case_id})
    return int(network_id) if network_id is not None else None  # type: ignore[return-value]


class ActionKind(StrEnum):
    DELIVERY = "delivery"
    CALL_IN = "call_in"
    BUSINESS_CONTACTS = "business_contacts"
    POSTERING = "postering"
    OUTREACH = "outreach"
    PICKET = "picket"
    SECONDARY_TARGET = "secondary_target"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "delivery": lazy_pgettext("action kind", "Demand delivery"),
            "call_in": lazy_pgettext("action kind", "Call-in"),
            "business_contacts": lazy_pgettext(
                "action kind", "Letters/calls to the target's business contacts"),
            "postering": lazy_pgettext("action kind", "Postering / leafleting"),
            "outreach": lazy_pgettext("action kind", "Talking to other tenants or workers"),
            "picket": lazy_pgettext("action kind", "Picket"),
            "secondary_target": lazy_pgettext("action kind", "Secondary target"),
            "other": lazy_pgettext("action kind", "Other"),
        }[self.value]

    @property
    def is_big(self) -> bool:
        """Big actions call supporters as well as members."""
        return self in (ActionKind.DELIVERY, ActionKind.PICKET, ActionKind.SECONDARY_TARGET)


class ActionStatus(StrEnum):
    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return {"planned": lazy_pgettext("action status", "Planned"),
                "done": lazy_pgettext("action status", "Done"),
                "cancelled": lazy_pgettext("action status", "Cancelled")}[self.value]


class Action(Model):
    """One rung of the escalation ladder, planned and then carried out."""

    __tablename__ = "action"
    __table_args__ = (
        sa.Index("ix_action_case_position", "case_id", "position"),
        sa.Index("ix_action_starts", "starts_at"),
        # My work's coming actions: the planned ones of the next two weeks, not every past one;
        # the reports' actions carried out in a period, read from the index alone.
        sa.Index("ix_action_status_starts", "status", "starts_at", "case_id", "kind",
                 "turnout_actual"),
        # The reports' actions carried out by a network in a period, from the index alone.
        sa.Index("ix_action_network_status_starts", "network_id", "status", "starts_at",
                 "kind", "turnout_actual", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("case_record.id", ondelete="CASCADE"))
    # The fight's network, copied when the action is written: the reports count a network's
    # actions without looking up each one's fight.
    network_id: Mapped[int] = mapped_column(sa.ForeignKey("network.id"),
                                            default=network_of_case)
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[ActionKind] = mapped_column(enum_column(ActionKind))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    # None: the fight's own target; otherwise a leverage point or related business of it.
    pressure_point_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("target_fact.id", ondelete="SET NULL"))
    turnout_goal: Mapped[int] = mapped_column(default=0)
    # Set from the check-ins when a call list was used; typed in otherwise.
    turnout_actual: Mapped[int | None]
    # Supporters are called for big actions, members for every action.
    calls_supporters: Mapped[bool] = mapped_column(default=False)
    materials: Mapped[str] = mapped_column(sa.Text, default="")
    leaflet_id: Mapped[int | None] = mapped_column(sa.ForeignKey("letter.id", ondelete="SET NULL"))
    result: Mapped[str] = mapped_column(sa.Text, default="")
    incidents: Mapped[str] = mapped_column(sa.Text, default="")
    police_present: Mapped[bool] = mapped_column(default=False)
    status: Mapped[ActionStatus] = mapped_column(enum_column(ActionStatus),
                                                 default=ActionStatus.PLANNED)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    case: Mapped[Case] = relationship(back_populates="actions")
    pressure_point: Mapped[TargetFact | None] = relationship()
    leaflet: Mapped[Letter | None] = relationship()
    roles: Mapped[list[ActionRole]] = relationship(
        back_populates="action", order_by="ActionRole.id", cascade="all, delete-orphan",
        passive_deletes=True)
    calls: Mapped[list[CallListEntry]] = relationship(
        back_populates="action", order_by="CallListEntry.id", cascade="all, delete-orphan",
        passive_deletes=True)

    @property
    def display_title(self) -> str:
        return self.title or self.kind.label

    def __repr__(self) -> str:
        return f"<Action {self.id} {self.kind}>"


class ActionRoleKind(StrEnum):
    HANDS_OVER = "hands_over"
    SPEAKER = "speaker"
    POLICE_LIAISON = "police_liaison"
    LEAFLETER = "leafleter"
    PHOTOGRAPHER = "photographer"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "hands_over": lazy_pgettext("action role", "Hands over the letter"),
            "speaker": lazy_pgettext("action role", "Speaker"),
            "police_liaison": lazy_pgettext("action role", "Police liaison"),
            "leafleter": lazy_pgettext("action role", "Leafleter"),
            "photographer": lazy_pgettext("action role", "Photographer"),
            "other": lazy_pgettext("action role", "Other"),
        }[self.value]


class ActionRole(Model):
    """Who does what at an action: a person of the network, or a name typed in."""

    __tablename__ = "action_role"
    __table_args__ = (sa.Index("ix_action_role_action", "action_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("action.id", ondelete="CASCADE"))
    role: Mapped[ActionRoleKind] = mapped_column(enum_column(ActionRoleKind))
    person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")

    action: Mapped[Action] = relationship(back_populates="roles")
    person: Mapped[Person | None] = relationship()


class CallAnswer(StrEnum):
    NOT_CALLED = "not_called"
    REACHED = "reached"
    YES = "yes"
    MAYBE = "maybe"
    NO = "no"
    WRONG_NUMBER = "wrong_number"

    @property
    def label(self) -> str:
        return {"not_called": lazy_pgettext("call answer", "Not called yet"),
                "reached": lazy_pgettext("call answer", "Reached (no answer yet)"),
                "yes": lazy_pgettext("call answer", "Yes"),
                "maybe": lazy_pgettext("call answer", "Maybe"),
                "no": lazy_pgettext("call answer", "No"),
                "wrong_number": lazy_pgettext("call answer", "Wrong number")}[self.value]


class CallListEntry(Model):
    """One person to call for an action: who calls them, what they said, whether they came."""

    __tablename__ = "call_list_entry"
    __table_args__ = (
        sa.UniqueConstraint("action_id", "person_id"),
        sa.Index("ix_call_list_entry_caller", "caller_id", "action_id"),
        sa.Index("ix_call_list_entry_person", "person_id", "answer"),
        # The reports' call-list conversion and reliable members, read from the index alone.
        sa.Index("ix_call_list_entry_answers", "action_id", "person_id", "answer",
                 "is_checked_in"),
        sa.Index("ix_call_list_entry_caller_person", "caller_person_id", "action_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(sa.ForeignKey("action.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    # The caller: a staff account, or a person of the network marked as a caller (never both).
    caller_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    caller_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="SET NULL"))
    answer: Mapped[CallAnswer] = mapped_column(enum_column(CallAnswer),
                                               default=CallAnswer.NOT_CALLED)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    is_checked_in: Mapped[bool] = mapped_column(default=False)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    action: Mapped[Action] = relationship(back_populates="calls")
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    caller: Mapped[User | None] = relationship()
    caller_person: Mapped[Person | None] = relationship(foreign_keys=[caller_person_id])

    @property
    def caller_name(self) -> str | None:
        """Who calls this person, staff or member; None when nobody does yet."""
        caller = self.caller or self.caller_person
        return caller.name if caller is not None else None
