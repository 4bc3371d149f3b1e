"""Before an inquiry is saved: does its person look like someone the network already has?

A match is the same phone (its last ten digits), the same email, or the same name in a fight
against the same target. Who is matched is shown only to a user who may see that person (a
coordinator; an organizer on one of their fights; the intake volunteer who logged one);
anyone else is shown the fights' references and told to ask a coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from casework.cases.services import CaseFacts
from casework.extensions import db
from casework.models import CASE_TEAM_ROLES, Case, Person, Role, Target, User
from casework.people.matching import email_key, people_with_phone

MAX_SHOWN = 5


@dataclass(frozen=True)
class Fight:
    case_id: int
    reference: str
    state: str
    may_open: bool


@dataclass(frozen=True)
class PossibleDuplicate:
    person_id: int
    reasons: tuple[str, ...]  # "the same phone", "the same email", "the same name and target"
    may_see: bool
    name: str  # "" when the user may not see who it is
    fights: tuple[Fight, ...]


def possible_duplicates(user: User, facts: CaseFacts) -> list[PossibleDuplicate]:
    """People of the user's network the new inquiry's person may be, most reasons first."""
    reasons: dict[int, list[str]] = {}
    for person_id in people_with_phone(user.network_id, facts.person_phone):
        reasons.setdefault(person_id, []).append(_("the same phone"))
    for person_id in same_email(user.network_id, facts.person_email):
        reasons.setdefault(person_id, []).append(_("the same email"))
    for person_id in same_name_and_target(user.network_id, facts):
        reasons.setdefault(person_id, []).append(_("the same name and target"))
    if not reasons:
        return []
    chosen = sorted(reasons, key=lambda pid: (-len(reasons[pid]), pid))[:MAX_SHOWN]
    people = {p.id: p for p in db.session.scalars(select(Person).where(Person.id.in_(chosen)))}
    fights: dict[int, list[Case]] = {pid: [] for pid in chosen}
    for case in db.session.scalars(select(Case).where(Case.person_id.in_(chosen))
                                   .options(selectinload(Case.team)).order_by(Case.id)):
        fights[case.person_id].append(case)
    found = []
    for person_id in chosen:
        cases = fights[person_id]
        may_see = user.role == Role.COORDINATOR or (
            any(case.can_view_full_record(user) for case in cases) if cases
            else user.role in CASE_TEAM_ROLES)
        found.append(PossibleDuplicate(
            person_id=person_id, reasons=tuple(reasons[person_id]), may_see=may_see,
            name=people[person_id].name if may_see else "",
            fights=tuple(Fight(case.id, case.reference, case.state.label, case.can_view(user))
                         for case in cases)))
    return found


def same_email(network_id: int, email: str) -> list[int]:
    address = email_key(email)
    if address is None:
        return []
    return list(db.session.scalars(select(Person.id).where(
        Person.network_id == network_id, func.lower(Person.email) == address.lower())))


def same_name_and_target(network_id: int, facts: CaseFacts) -> list[int]:
    """The person of a fight against the same target, with the same name."""
    name, target = facts.person_name.strip().lower(), facts.target_name.strip().lower()
    if not name or not target:
        return []
    return list(db.session.scalars(
        select(Person.id).join(Case, Case.person_id == Person.id)
        .join(Target, Target.id == Case.target_id)
        .where(Case.network_id == network_id, func.lower(Person.name) == name,
               Person.stands_for_network.is_(False), func.lower(Target.name) == target)
        .distinct()))


def existing_person_for(user: User, facts: CaseFacts, person_id: int) -> Person | None:
    """The person the user chose to log the inquiry for, if it is a match they may see."""
    if not any(match.person_id == person_id and match.may_see
               for match in possible_duplicates(user, facts)):
        return None
    return db.session.get(Person, person_id)


def facts_for_existing(facts: CaseFacts, person: Person) -> CaseFacts:
    """What was typed, with the person's own details where a field was left empty; the
    person keeps the name their other fights know them by."""
    return replace(facts, person_name=person.name, person_phone=facts.person_phone or person.phone,
                   person_email=facts.person_email or person.email,
                   safe_contact_notes=facts.safe_contact_notes or person.safe_contact_notes)

