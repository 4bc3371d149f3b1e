"""Logging and editing cases: the business rules behind the intake and edit forms."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select, true
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from casework.errors import PermissionDenied, StaleCase
from casework.extensions import db
from casework.models import (
    Case,
    CaseCounter,
    Event,
    EventKind,
    IssueType,
    Network,
    Person,
    ProposalStatus,
    RetaliationRisk,
    Role,
    Target,
    TargetKind,
    TargetProposal,
    Urgency,
    User,
)
from casework.models.base import utcnow
from casework.reports.fight_figures import refresh_fight_figures
from casework.system_text import N_, system_note
from casework.targets.proposals import propose_target_details


@dataclass
class CaseFacts:
    """What intake records and an edit may change, as plain typed values."""

    person_name: str
    target_name: str
    issue_type: IssueType
    summary: str
    person_phone: str = ""
    person_email: str = ""
    safe_contact_notes: str = ""
    language: str = "en"
    target_kind: TargetKind = TargetKind.COMPANY
    target_address: str = ""
    what_happened: str = ""
    amount_claimed: Decimal | None = None
    urgency: Urgency = Urgency.NORMAL
    retaliation_risk: RetaliationRisk = RetaliationRisk.UNKNOWN
    still_employed_or_housed: bool | None = None


def create_case(author: User, facts: CaseFacts, person: Person | None = None) -> Case:
    """Log a new inquiry: the person (new unless given), the (maybe shared) target, the case."""
    network = author.network
    reference = next_reference(network, utcnow().year)
    case = Case(network_id=network.id, reference=reference, created_by=author,
                person=person or Person(network_id=network.id))
    # Logged first, so that a proposal for a shared target follows it on the timeline.
    db.session.add(Event(case=case, actor=author, kind=EventKind.CREATED, to_state=case.state,
                         **system_note(N_("Inquiry logged"))))
    with db.session.no_autoflush:
        apply_facts(case, facts, author)
    if author.role == Role.ORGANIZER:
        case.team.append(author)
    db.session.add(case)
    db.session.flush()
    refresh_fight_figures(case)
    return case


def update_case(case: Case, editor: User, facts: CaseFacts, seen_version: int) -> list[str]:
    """Change a case's facts; the timeline records which fields changed (not their values)."""
    if not case.can_edit(editor):
        raise PermissionDenied("You may not edit this case.")
    if case.version != seen_version:
        raise StaleCase(last_editor_name(case))
    changed = apply_facts(case, facts, editor)
    if changed:
        case.updated_at = utcnow()  # bumps the version even when only the person changed
        db.session.add(Event(case=case, actor=editor, kind=EventKind.UPDATED,
                             changed_fields=changed))
        db.session.flush()
        refresh_fight_figures(case)  # the amount claimed is what a letter without demands asks
    return changed


def facts_of(case: Case) -> CaseFacts:
    """The current facts of a case, to prefill the edit form."""
    person, target = case.person, case.target
    return CaseFacts(
        person_name=person.name,
        person_phone=person.phone,
        person_email=person.email,
        safe_contact_notes=person.safe_contact_notes,
        language=person.preferred_language,
        target_name=target.name,
        target_kind=target.kind,
        target_address=target.address,
        issue_type=case.issue_type,
        summary=case.summary,
        what_happened=case.what_happened,
        amount_claimed=case.amount_claimed,
        urgency=case.urgency,
        retaliation_risk=case.retaliation_risk,
        still_employed_or_housed=case.still_employed_or_housed,
    )


def apply_facts(case: Case, facts: CaseFacts, author: User) -> list[str]:
    """Copy facts onto the case, its person and its target; return the changed field names."""
    before = facts_of(case) if case.id is not None else None
    person = case.person
    person.name = facts.person_name
    person.phone = facts.person_phone
    person.email = facts.person_email
    person.safe_contact_notes = facts.safe_contact_notes
    person.languages = merge_language(person.languages, facts.language)
    apply_target(case, author, facts)
    for name in ("issue_type", "summary", "what_happened", "amount_claimed", "urgency",
                 "retaliation_risk", "still_employed_or_housed"):
        setattr(case, name, getattr(facts, name))
    case.refresh_search_text()
    if before is None:
        return []
    after = facts_of(case)  # a target's details proposed rather than applied did not change
    return [f.name for f in fields(CaseFacts) if getattr(before, f.name) != getattr(after, f.name)]


def merge_language(languages: str | None, preferred: str) -> str:
    """Put the preferred language first, keeping the others the person speaks."""
    others = [code for code in (languages or "").split(",") if code and code != preferred]
    return ",".join([preferred, *others])


def apply_target(case: Case, author: User, facts: CaseFacts) -> TargetProposal | None:
    """Point the case at the target it names. A new target takes the details given. A target
    the network already has keeps its own when other fights share it (or when the case just
    took it up by its name): details that differ become a proposal for its page instead."""
    named_anew = case.id is None or case.target.name.casefold() != facts.target_name.casefold()
    if named_anew:
        existing = find_target(case.network_id, facts.target_name)
        if existing is None:
            case.target = Target(network_id=case.network_id, name=facts.target_name,
                                 kind=facts.target_kind, address=facts.target_address)
            db.session.add(case.target)
            return None
        case.target = existing
    elif not is_shared(case.target, case):
        case.target.kind = facts.target_kind
        if facts.target_address:
            case.target.address = facts.target_address
        return None
    return propose_target_details(case.target, case, author, facts.target_kind,
                                  facts.target_address)


def find_target(network_id: int, name: str) -> Target | None:
    """Targets are shared across cases: the network's target of this name (any case), if any."""
    return db.session.scalars(
        select(Target)
        .where(Target.network_id == network_id, func.lower(Target.name) == name.lower())
        .order_by(Target.id)
        .limit(1)
    ).first()


def is_shared(target: Target, case: Case) -> bool:
    """Does another case have this target?"""
    return bool(db.session.scalar(select(true()).where(
        Case.target_id == target.id, Case.id != case.id).limit(1)))


def target_proposal_of(case: Case) -> TargetProposal | None:
    """Details this case proposed for its target that are still waiting for review."""
    return db.session.scalars(select(TargetProposal).where(
        TargetProposal.case_id == case.id, TargetProposal.target_id == case.target_id,
        TargetProposal.status == ProposalStatus.PENDING)
        .order_by(TargetProposal.id.desc()).limit(1)).first()


def next_reference(network: Network, year: int) -> str:
    """Allocate the next human reference, e.g. SEA-2026-0014, atomically across processes."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(CaseCounter)
        .values(network_id=network.id, year=year, last_number=1)
        .on_conflict_do_update(
            index_elements=["network_id", "year"],
            set_={"last_number": CaseCounter.last_number + 1},
        )
        .returning(CaseCounter.last_number)
    )
    number = db.session.execute(statement).scalar_one()
    return f"{network.code}-{year}-{number:04d}"


def last_editor_name(case: Case) -> str | None:
    """Who wrote the case's latest timeline event (for the 'changed by X' message)."""
    actor_name = db.session.scalars(
        select(User.name)
        .join(Event, Event.actor_id == User.id)
        .where(Event.case_id == case.id)
        .order_by(Event.id.desc())
        .limit(1)
    ).first()
    return actor_name


def days_since(moment: datetime) -> int:
    """Whole days from a moment until now."""
    return (utcnow() - moment).days
