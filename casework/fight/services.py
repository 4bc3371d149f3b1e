"""Recording a fight's facts: screening, meeting decisions, demands, sign-offs, contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from casework.errors import CaseworkError, PermissionDenied
from casework.extensions import db
from casework.letters.limits import (
    MAX_DEMAND_CALCULATION,
    MAX_DEMAND_DESCRIPTION,
    MAX_DEMANDS,
    too_long_message,
    too_many_demands_message,
)
from casework.models import (
    Case,
    ContactChannel,
    Decision,
    DecisionKind,
    Demand,
    DemandKind,
    Event,
    EventKind,
    OfferStatus,
    TargetContact,
    User,
)
from casework.models.base import utcnow


class RecordRefused(CaseworkError):
    """The record cannot be made as asked; the message says why (beside ``field`` if given)."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class DecisionInput:
    kind: DecisionKind
    meeting_on: date
    proposal: str
    votes_for: int
    votes_against: int
    votes_abstain: int
    member_consents: bool
    offer_id: int | None = None


@dataclass(frozen=True)
class ContactInput:
    happened_at: datetime
    channel: ContactChannel
    summary: str
    is_offer: bool = False
    offer_amount: Decimal | None = None
    offer_conditions: str = ""


def require_edit(case: Case, user: User) -> None:
    if not case.can_edit(user):
        raise PermissionDenied("You may not change this case.")


def touch(case: Case, actor: User, note: str, *, changed: list[str] | None = None) -> None:
    """Write a timeline entry and bump the case version, so stale forms are refused."""
    case.updated_at = utcnow()
    kind = EventKind.UPDATED if changed else EventKind.NOTE
    db.session.add(Event(case=case, actor=actor, kind=kind, note=note,
                         changed_fields=changed or []))


def save_screening(case: Case, actor: User, screening_notes: str, winnability: str) -> None:
    """Update the screening notes and the winnability assessment."""
    require_edit(case, actor)
    changed = [name for name, old, new in (
        ("screening_notes", case.screening_notes, screening_notes),
        ("winnability_notes", case.winnability_notes, winnability)) if old != new]
    if changed:
        case.screening_notes, case.winnability_notes = screening_notes, winnability
        touch(case, actor, "", changed=changed)
    db.session.flush()


def record_decision(case: Case, actor: User, decision: DecisionInput) -> Decision:
    """Record a meeting's vote and the member's consent."""
    require_edit(case, actor)
    if decision.offer_id is not None and all(c.id != decision.offer_id for c in case.contacts):
        raise RecordRefused("That offer is not on this case.")
    record = Decision(case=case, recorded_by_id=actor.id, **vars(decision))
    db.session.add(record)
    result = "carried" if record.is_carried else "did not carry"
    consent = "the member consents" if record.member_consents else "no member consent yet"
    touch(case, actor, f"Meeting decision ({decision.kind.label.lower()}): {result} "
          f"{decision.votes_for}–{decision.votes_against}–{decision.votes_abstain}; {consent}")
    db.session.flush()
    return record


def add_demand(case: Case, actor: User, kind: DemandKind, description: str,
               amount: Decimal | None, calculation: str) -> Demand:
    """Add a demand (a letter version approved before no longer matches the demands)."""
    require_edit(case, actor)
    if len(case.demands) >= MAX_DEMANDS:
        raise RecordRefused(too_many_demands_message())
    for field, text, limit in (("description", description, MAX_DEMAND_DESCRIPTION),
                               ("calculation", calculation, MAX_DEMAND_CALCULATION)):
        if len(text) > limit:
            raise RecordRefused(too_long_message(limit), field)
    demand = Demand(case=case, kind=kind, description=description,
                    amount=amount if kind == DemandKind.MONEY else None,
                    calculation=calculation, position=len(case.demands))
    db.session.add(demand)
    touch(case, actor, f"Demand added: {description}")
    db.session.flush()
    return demand


def remove_demand(demand: Demand, case: Case, actor: User) -> None:
    """Remove a demand."""
    require_edit(case, actor)
    case.demands.remove(demand)  # delete-orphan removes the row
    touch(case, actor, f"Demand removed: {demand.description}")
    db.session.flush()


def set_deadline_rule(case: Case, actor: User, days: int, planned_on: date | None) -> None:
    """How many days after delivery the deadline falls, and when we plan to deliver."""
    require_edit(case, actor)
    changed = [name for name, old, new in (("deadline_days", case.deadline_days, days),
                                           ("planned_delivery_on", case.planned_delivery_on,
                                            planned_on)) if old != new]
    if changed:
        case.deadline_days, case.planned_delivery_on = days, planned_on
        touch(case, actor, "", changed=changed)
    db.session.flush()


def log_contact(case: Case, actor: User, contact: ContactInput) -> TargetContact:
    """Log a contact from the target, maybe with an offer."""
    require_edit(case, actor)
    record = TargetContact(case=case, recorded_by_id=actor.id,
                           offer_status=OfferStatus.OPEN if contact.is_offer else None,
                           **vars(contact))
    if not contact.is_offer:
        record.offer_amount, record.offer_conditions = None, ""
    db.session.add(record)
    what = "Offer" if contact.is_offer else "Contact"
    amount = f" of ${contact.offer_amount:,.2f}" if contact.offer_amount else ""
    touch(case, actor, f"{what} from the target{amount} ({contact.channel.label.lower()})")
    db.session.flush()
    return record


def decide_offer(contact: TargetContact, case: Case, actor: User, accept: bool) -> None:
    """Accept or reject an offer; lower amounts or conditions need a binding decision."""
    require_edit(case, actor)
    if contact.offer_status != OfferStatus.OPEN:
        raise RecordRefused("This offer was already decided.")
    if accept and needs_decision(contact, case) and not any(
        d.offer_id == contact.id and d.kind == DecisionKind.ACCEPT_OFFER and d.is_binding
        for d in case.decisions
    ):
        raise RecordRefused("This offer has conditions or is below the claim: record the "
                            "meeting's vote and the member's consent to accept it first.")
    contact.offer_status = OfferStatus.ACCEPTED if accept else OfferStatus.REJECTED
    touch(case, actor, f"Offer {contact.offer_status.value}")
    db.session.flush()


def needs_decision(contact: TargetContact, case: Case) -> bool:
    below_claim = (case.amount_claimed is not None and contact.offer_amount is not None
                   and contact.offer_amount < case.amount_claimed)
    return contact.has_conditions or below_claim


@dataclass(frozen=True)
class OfferAgreement:
    """What accepting an offer needs, and which of it is on record."""

    below_claim: bool
    conditions: str
    meeting_agreed: bool  # a meeting voted to accept this very offer
    member_consents: bool  # ... and the member consented to it in that decision
    is_binding: bool  # one decision that carried with the member's consent

    @property
    def can_accept(self) -> bool:
        return self.is_binding or not (self.below_claim or self.conditions)


def offer_agreement(contact: TargetContact, case: Case) -> OfferAgreement:
    """Why this offer needs the meeting and the member, and what they have agreed so far."""
    about_it = [d for d in case.decisions
                if d.offer_id == contact.id and d.kind == DecisionKind.ACCEPT_OFFER]
    below_claim = (case.amount_claimed is not None and contact.offer_amount is not None
                   and contact.offer_amount < case.amount_claimed)
    return OfferAgreement(
        below_claim=below_claim, conditions=contact.offer_conditions.strip(),
        meeting_agreed=any(d.is_carried for d in about_it),
        member_consents=any(d.member_consents for d in about_it),
        is_binding=any(d.is_binding for d in about_it))


def add_note(case: Case, actor: User, note: str) -> None:
    """A free note on the timeline, e.g. an action taken."""
    require_edit(case, actor)
    touch(case, actor, note)
    db.session.flush()
