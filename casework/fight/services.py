"""Recording a fight's facts: screening, meeting decisions, demands, sign-offs, contacts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _

from casework.clock import network_today
from casework.errors import CaseworkError, PermissionDenied
from casework.extensions import db
from casework.fight.dates import consent_date_problem, contact_date_problem
from casework.formatting import money
from casework.letters.limits import (
    MAX_DEMAND_CALCULATION,
    MAX_DEMAND_DESCRIPTION,
    MAX_DEMANDS,
    too_long_message,
    too_many_demands_message,
)
from casework.models import (
    Case,
    Consent,
    ConsentMethod,
    ConsentSubject,
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
from casework.reports.fight_figures import refresh_fight_figures
from casework.system_text import N_, date_value, enum_value, money_value, system_note


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
    offer_id: int | None = None


@dataclass(frozen=True)
class ConsentInput:
    subject: ConsentSubject
    given_on: date
    method: ConsentMethod
    consented_to: str = ""  # empty: the demands (or the offer's terms) as they read now
    note: str = ""
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


def touch(case: Case, actor: User, note: str | dict[str, Any], *,
          changed: list[str] | None = None) -> None:
    """Write a timeline entry and bump the case version, so stale forms are refused.

    ``note``: typed text, or the app's own (``system_note``), translated when shown."""
    case.updated_at = utcnow()
    kind = EventKind.UPDATED if changed else EventKind.NOTE
    note_fields = note if isinstance(note, dict) else {"note": note}
    db.session.add(Event(case=case, actor=actor, kind=kind, changed_fields=changed or [],
                         **note_fields))


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
    """Record a meeting's vote (the member's consent is recorded on its own)."""
    require_edit(case, actor)
    if decision.offer_id is not None and all(c.id != decision.offer_id for c in case.contacts):
        raise RecordRefused(_("That offer is not on this case."))
    record = Decision(case=case, recorded_by_id=actor.id, **vars(decision))
    db.session.add(record)
    votes = f"{decision.votes_for}–{decision.votes_against}–{decision.votes_abstain}"
    touch(case, actor, system_note(
        N_("Meeting decision (%(kind)s): carried %(votes)s") if record.is_carried
        else N_("Meeting decision (%(kind)s): did not carry %(votes)s"),
        kind=enum_value(decision.kind, lower=True), votes=votes))
    db.session.flush()
    return record


def demands_text(case: Case) -> str:
    """The demands as one text, as the member consents to them."""
    lines = [f"{d.description} ({money(d.amount)})" if d.amount is not None else d.description
             for d in case.demands]
    return "; ".join(lines) or case.summary


def offer_text(offer: TargetContact) -> str:
    """An offer's terms, as the member consents to them."""
    amount = money(offer.offer_amount) if offer.offer_amount is not None else "no amount"
    conditions = f", with conditions: {offer.offer_conditions}" if offer.has_conditions else ""
    return f"Offer of {amount}{conditions}"


def record_consent(case: Case, actor: User, consent: ConsentInput,
                   today: date | None = None) -> Consent:
    """Record the member's own consent (to the demands or to an offer), apart from any vote."""
    require_edit(case, actor)
    problem = consent_date_problem(case, consent.given_on, today or network_today(case.network))
    if problem:
        raise RecordRefused(problem, "given_on")
    offer = None
    if consent.subject == ConsentSubject.OFFER:
        offer = next((c for c in case.contacts if c.is_offer and c.id == consent.offer_id), None)
        if offer is None:
            raise RecordRefused(_("Choose the offer the member consents to."), "offer_id")
    consented_to = consent.consented_to.strip() or (
        offer_text(offer) if offer is not None else demands_text(case))
    record = Consent(case=case, subject=consent.subject, offer=offer, given_on=consent.given_on,
                     method=consent.method, consented_to=consented_to, note=consent.note,
                     recorded_by_id=actor.id)
    db.session.add(record)
    case.updated_at = utcnow()
    db.session.add(Event(case=case, actor=actor, kind=EventKind.CONSENT_RECORDED,
                         **system_note(
                             N_("The member's consent to the demands recorded: given "
                                "%(method)s on %(day)s") if offer is None
                             else N_("The member's consent to the offer recorded: given "
                                     "%(method)s on %(day)s"),
                             method=enum_value(consent.method, lower=True),
                             day=date_value(consent.given_on))))
    db.session.flush()
    return record


def has_consent(case: Case, subject: ConsentSubject, offer_id: int | None = None) -> bool:
    """Has the member's consent to the demands (or to this offer) been recorded?"""
    return any(c.subject == subject
               and (subject == ConsentSubject.DEMANDS or c.offer_id == offer_id)
               for c in case.consents)


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
    touch(case, actor, system_note(N_("Demand added: %(demand)s"), demand=description))
    db.session.flush()
    refresh_fight_figures(case)
    return demand


def remove_demand(demand: Demand, case: Case, actor: User) -> None:
    """Remove a demand."""
    require_edit(case, actor)
    case.demands.remove(demand)  # delete-orphan removes the row
    touch(case, actor, system_note(N_("Demand removed: %(demand)s"),
                                   demand=demand.description))
    db.session.flush()
    refresh_fight_figures(case)


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


def log_contact(case: Case, actor: User, contact: ContactInput,
                today: date | None = None) -> TargetContact:
    """Log a contact from the target, maybe with an offer (not before the delivery)."""
    require_edit(case, actor)
    if case.is_joined:  # one voice to the target (DESIGN.md §8)
        raise RecordRefused(_("All communication with the target goes through %(network)s.",
                              network=case.joint_with))
    problem = contact_date_problem(case, contact.happened_at,
                                   today or network_today(case.network), contact.is_offer)
    if problem:
        raise RecordRefused(problem, "happened_at")
    record = TargetContact(case=case, recorded_by_id=actor.id,
                           offer_status=OfferStatus.OPEN if contact.is_offer else None,
                           **vars(contact))
    if not contact.is_offer:
        record.offer_amount, record.offer_conditions = None, ""
    db.session.add(record)
    channel = enum_value(contact.channel, lower=True)
    if contact.is_offer and contact.offer_amount:
        touch(case, actor, system_note(N_("Offer from the target of %(amount)s (%(channel)s)"),
                                       amount=money_value(contact.offer_amount),
                                       channel=channel))
    else:
        touch(case, actor, system_note(N_("Offer from the target (%(channel)s)")
                                       if contact.is_offer
                                       else N_("Contact from the target (%(channel)s)"),
                                       channel=channel))
    db.session.flush()
    return record


def decide_offer(contact: TargetContact, case: Case, actor: User, accept: bool) -> None:
    """Accept or reject an offer; lower amounts or conditions need a binding decision."""
    require_edit(case, actor)
    if contact.offer_status != OfferStatus.OPEN:
        raise RecordRefused(_("This offer was already decided."))
    if accept and needs_decision(contact, case) and not (any(
        d.offer_id == contact.id and d.kind == DecisionKind.ACCEPT_OFFER and d.is_carried
        for d in case.decisions
    ) and has_consent(case, ConsentSubject.OFFER, contact.id)):
        raise RecordRefused(_("This offer has conditions or is below the claim: record the "
                              "meeting's vote and the member's consent to accept it first."))
    contact.offer_status = OfferStatus.ACCEPTED if accept else OfferStatus.REJECTED
    touch(case, actor, system_note(N_("Offer accepted") if accept else N_("Offer rejected")))
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
    member_consents: bool  # ... and the member's consent to it is recorded

    @property
    def is_binding(self) -> bool:
        return self.meeting_agreed and self.member_consents

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
        member_consents=has_consent(case, ConsentSubject.OFFER, contact.id))


def add_note(case: Case, actor: User, note: str) -> None:
    """A free note on the timeline, e.g. an action taken."""
    require_edit(case, actor)
    touch(case, actor, note)
    db.session.flush()
