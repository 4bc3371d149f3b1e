"""The network's people: who may see and change whom, adding, editing and merging records.

Need-to-know follows the case rules: the person of a fight is part of that fight's full
record. A coordinator sees everyone; an organizer sees the details of people in no fight and
of the people of fights whose full record they may see; the fights listed on a person's page
are only those. The caller commits.
"""

from __future__ import annotations

from dataclasses import fields

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.orm import selectinload

from casework.audit.recorder import record_contact_view
from casework.errors import CaseworkError, PermissionDenied
from casework.extensions import db
from casework.mobilize.services import move_email_copies
from casework.models import (
    CASE_TEAM_ROLES,
    ActionRole,
    CallAnswer,
    CallListEntry,
    Case,
    Event,
    EventKind,
    Invitation,
    Person,
    Role,
    User,
)
from casework.models.base import utcnow
from casework.people.languages import union_languages
from casework.people.matching import people_matching
from casework.people.rules import PersonDetails
from casework.system_text import N_, system_note

# The person's fields that the case page shows, by the name its edit form gives them.
CASE_FIELD_NAMES = {"name": "person_name", "phone": "person_phone", "email": "person_email",
                    "safe_contact_notes": "safe_contact_notes", "languages": "language"}


class MergeRefused(CaseworkError):
    """Two records cannot be merged (the same one, or of different networks)."""


def fights_of(person: Person) -> list[Case]:
    """Every fight the person is the worker or tenant of, newest first (teams loaded)."""
    return list(db.session.scalars(
        select(Case).where(Case.person_id == person.id)
        .options(selectinload(Case.team), selectinload(Case.target))
        .order_by(Case.id.desc())
    ))


def may_see_details(user: User, person: Person, fights: list[Case] | None = None) -> bool:
    """May the user see how to reach the person (and so change their record)?"""
    if user.network_id != person.network_id or user.role not in CASE_TEAM_ROLES:
        return False
    if user.role == Role.COORDINATOR:
        return True
    fights = fights_of(person) if fights is None else fights
    return not fights or any(fight.can_view_full_record(user) for fight in fights)


def visible_fights(user: User, fights: list[Case]) -> list[Case]:
    """The fights whose full record (and so whose person) the user may see."""
    return [fight for fight in fights if fight.can_view_full_record(user)]


def record_details_shown(person: Person, where: str) -> None:
    """Audit that the user was shown how to reach the person (as the case page does)."""
    record_contact_view(person.network_id, person.id, detail=where)


def details_visible(user: User, people: list[Person]) -> dict[int, bool]:
    """``may_see_details`` for many people at once (one query for all their fights)."""
    if user.role == Role.COORDINATOR:
        return {person.id: person.network_id == user.network_id for person in people}
    fights: dict[int, list[Case]] = {person.id: [] for person in people}
    for fight in db.session.scalars(select(Case).where(Case.person_id.in_(list(fights)))
                                    .options(selectinload(Case.team))):
        fights[fight.person_id].append(fight)
    return {person.id: may_see_details(user, person, fights[person.id]) for person in people}


def details_of(person: Person) -> PersonDetails:
    """A person's record as plain values (to prefill the form, to compare)."""
    return PersonDetails(**{f.name: getattr(person, f.name) for f in fields(PersonDetails)})


def create_person(network_id: int, details: PersonDetails) -> Person:
    """Add a person to the network."""
    person = Person(network_id=network_id)
    apply_details(person, details)
    db.session.add(person)
    db.session.flush()
    return person


def update_person(person: Person, editor: User, details: PersonDetails) -> list[str]:
    """Change a person's record (their fights are told, see ``note_change_on_fights``);
    returns the changed field names."""
    fights = fights_of(person)
    if not may_see_details(editor, person, fights):
        raise PermissionDenied(_("Only the case team of their fight may change this person."))
    before = details_of(person)
    apply_details(person, details)
    changed = [f.name for f in fields(PersonDetails)
               if getattr(before, f.name) != getattr(details, f.name)]
    note_change_on_fights(person, changed, editor, N_("On the people page"), fights)
    db.session.flush()
    return changed


def note_change_on_fights(person: Person, changed: list[str], actor: User | None, note: str,
                          fights: list[Case] | None = None) -> None:
    """Tell the person's fights that what their case page shows of the person changed: a
    timeline entry naming the fields, and a new version of the case, so that a case edit
    form opened before is refused as out of date instead of writing the old values back."""
    shown = [CASE_FIELD_NAMES[name] for name in changed if name in CASE_FIELD_NAMES]
    if not shown:
        return
    for fight in fights_of(person) if fights is None else fights:
        fight.updated_at = utcnow()
        db.session.add(Event(case=fight, actor=actor, kind=EventKind.UPDATED,
                             changed_fields=shown, **system_note(note)))


def apply_details(person: Person, details: PersonDetails) -> None:
    for f in fields(PersonDetails):
        setattr(person, f.name, getattr(details, f.name))


def possible_duplicates(person: Person) -> list[Person]:
    """Other people of the network with the same phone (last ten digits) or email."""
    ids = people_matching(person)
    if not ids:
        return []
    return list(db.session.scalars(select(Person).where(Person.id.in_(ids)).order_by(Person.id)))


def fill_in(keep: Person, *, name: str, phone: str, email: str, notes: str, languages: str,
            sms_consent: bool, email_consent: bool) -> list[str]:
    """Complete ``keep`` from another record of the same person; returns what changed.

    Only empty fields are filled (the kept name, phone, email and tier stay); languages are
    united, the kept ones first; safe-contact notes are added below the kept ones, never lost;
    a consent given on either record is kept, since withdrawing one is done on purpose, on
    the person's page, not by a missing tick in another record."""
    before = details_of(keep)
    keep.name = keep.name or name
    keep.phone = keep.phone or phone
    keep.email = keep.email or email
    if notes and notes not in keep.safe_contact_notes:
        keep.safe_contact_notes = "\n\n".join(
            part for part in (keep.safe_contact_notes, notes) if part)[:10_000]
    keep.languages = union_languages(keep.languages, languages)
    keep.sms_consent = keep.sms_consent or sms_consent
    keep.email_consent = keep.email_consent or email_consent
    return [f.name for f in fields(PersonDetails)
            if getattr(before, f.name) != getattr(keep, f.name)]


def merge_people(keep: Person, duplicate: Person, actor: User | None = None) -> None:
    """Make two records of one person one: the duplicate's fights, call-list entries, action
    roles and member logins move to ``keep``, its details complete ``keep`` (see ``fill_in``),
    and the duplicate is deleted. Each moved fight's timeline says so."""
    if keep.id == duplicate.id or keep.network_id != duplicate.network_id:
        raise MergeRefused(_("These two records cannot be merged."))
    own_fights = fights_of(keep)
    for fight in fights_of(duplicate):
        fight.person = keep
        db.session.add(Event(case=fight, actor=actor, kind=EventKind.UPDATED,
                             changed_fields=["person"],
                             **system_note(N_("Two records of this person were merged"))))
    move_call_list_entries(keep, duplicate)
    move_email_copies(keep, duplicate)
    for role in db.session.scalars(select(ActionRole).where(ActionRole.person_id == duplicate.id)):
        role.person = keep
    for login in db.session.scalars(select(User).where(User.person_id == duplicate.id)):
        login.person_id = keep.id
    changed = fill_in(keep, name=duplicate.name, phone=duplicate.phone, email=duplicate.email,
                      notes=duplicate.safe_contact_notes, languages=duplicate.languages,
                      sms_consent=duplicate.sms_consent, email_consent=duplicate.email_consent)
    note_change_on_fights(keep, changed, actor, N_("Completed from a merged record"),
                          own_fights)
    db.session.flush()
    db.session.delete(duplicate)
    db.session.flush()


def move_call_list_entries(keep: Person, duplicate: Person) -> None:
    """Move the duplicate's call-list entries; where both were on one action's list, keep one
    entry that holds the more useful answer and a check-in from either."""
    kept = {entry.action_id: entry for entry in db.session.scalars(
        select(CallListEntry).where(CallListEntry.person_id == keep.id))}
    moved = db.session.scalars(select(CallListEntry).where(CallListEntry.person_id == duplicate.id))
    for entry in list(moved):
        twin = kept.get(entry.action_id)
        if twin is None:
            entry.person = keep
            continue
        if twin.answer in (CallAnswer.NOT_CALLED, CallAnswer.REACHED) and \
                entry.answer not in (CallAnswer.NOT_CALLED, CallAnswer.REACHED):
            twin.answer, twin.answered_at = entry.answer, entry.answered_at
            if twin.caller_id is None and twin.caller_person_id is None:
                twin.caller_id, twin.caller_person_id = entry.caller_id, entry.caller_person_id
        if entry.is_checked_in and not twin.is_checked_in:
            twin.is_checked_in, twin.checked_in_at = True, entry.checked_in_at
        db.session.delete(entry)
    db.session.flush()
    # People the duplicate was to call are now the kept record's to call.
    db.session.execute(update(CallListEntry).where(
        CallListEntry.caller_person_id == duplicate.id).values(caller_person_id=keep.id))
    db.session.execute(update(Invitation).where(Invitation.person_id == duplicate.id)
                       .values(person_id=keep.id))
    keep.is_caller = keep.is_caller or duplicate.is_caller
