"""Logging and editing cases: the business rules behind the intake and edit forms."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
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
    RetaliationRisk,
    Role,
    Target,
    TargetKind,
    Urgency,
    User,
)
from casework.models.base import utcnow


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
    with db.session.no_autoflush:
        apply_facts(case, facts)
    if author.role == Role.ORGANIZER:
        case.team.append(author)
    db.session.add(case)
    db.session.add(Event(case=case, actor=author, kind=EventKind.CREATED, to_state=case.state,
                         note="Inquiry logged"))
    db.session.flush()
    return case


def update_case(case: Case, editor: User, facts: CaseFacts, seen_version: int) -> list[str]:
    """Change a case's facts; the timeline records which fields changed (not their values)."""
    if not case.can_edit(editor):
        raise PermissionDenied("You may not edit this case.")
    if case.version != seen_version:
        raise StaleCase(last_editor_name(case))
    changed = apply_facts(case, facts)
    if changed:
        case.updated_at = utcnow()  # bumps the version even when only the person changed
        db.session.add(Event(case=case, actor=editor, kind=EventKind.UPDATED,
                             changed_fields=changed))
        db.session.flush()
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


def apply_facts(case: Case, facts: CaseFacts) -> list[str]:
    """Copy facts onto the case, its person and its target; return the changed field names."""
    before = facts_of(case) if case.id is not None else None
    person = case.person
    person.name = facts.person_name
    person.phone = facts.person_phone
    person.email = facts.person_email
    person.safe_contact_notes = facts.safe_contact_notes
    person.languages = merge_language(person.languages, facts.language)
    if before is None or before.target_name.casefold() != facts.target_name.casefold():
        case.target = find_or_create_target(case.network_id, facts.target_name, facts.target_kind)
    case.target.kind = facts.target_kind
    if facts.target_address:
        case.target.address = facts.target_address
    for name in ("issue_type", "summary", "what_happened", "amount_claimed", "urgency",
                 "retaliation_risk", "still_employed_or_housed"):
        setattr(case, name, getattr(facts, name))
    case.refresh_search_text()
    if before is None:
        return []
    return [f.name for f in fields(CaseFacts) if getattr(before, f.name) != getattr(facts, f.name)]


def merge_language(languages: str | None, preferred: str) -> str:
    """Put the preferred language first, keeping the others the person speaks."""
    others = [code for code in (languages or "").split(",") if code and code != preferred]
    return ",".join([preferred, *others])


def find_or_create_target(network_id: int, name: str, kind: TargetKind) -> Target:
    """Targets are shared across cases: reuse one with the same name in the network."""
    target = db.session.scalars(
        select(Target)
        .where(Target.network_id == network_id, func.lower(Target.name) == name.lower())
        .order_by(Target.id)
        .limit(1)
    ).first()
    if target is None:
        target = Target(network_id=network_id, name=name, kind=kind)
        db.session.add(target)
    return target


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
