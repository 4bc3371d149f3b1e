"""Retention: remove members' personal data from fights that ended long ago, keep the facts.

A fight is purged when it ended (declined, won or closed) and both its last state change
and its last outcome came before the cutoff date. What stays is what statistics need: the
state, issue type, amounts, dates, outcome kinds, turnout, the target and the reference.
What goes is everything that names or describes the member: the person's name and contact
details, the case's narrative, free text in the timeline and the fight's records, task
titles, the letters' snapshots, HTML and PDF (their sha256 stays as proof of what was
delivered), the uploaded documents' files and names, and the person's portal login (its
name and email; it is disabled). A person still linked to a fight that is open or not due
for purging keeps their details and login.

Letter versions and documents stay as rows marked ``purged_at``, so their pages say "purged
on ..." (410 Gone) instead of a 404, and each purged fight's timeline gets an entry saying
what was removed. The audit log is append-only: it gains a ``purge.run`` entry, and the
change recorder's entries, which hold field names and never values.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import ColumnElement, Select, and_, exists, func, or_, select
from sqlalchemy.orm import aliased

from casework.audit.recorder import add_entry
from casework.cases.search_index import compact_search_indexes
from casework.extensions import Model, db
from casework.models import (
    Case,
    Decision,
    Delivery,
    Demand,
    Document,
    Event,
    EventKind,
    Letter,
    LetterReview,
    LetterVersion,
    Network,
    Outcome,
    Person,
    Role,
    TargetContact,
    Task,
    User,
)
from casework.models.base import utcnow
from casework.system_text import N_, system_note
from casework.workflow.states import ENDED_STATES

PURGED_NAME = "Purged"
PURGED_TASK_TITLE = "(purged)"
PURGED_FILE_NAME = "(purged)"
# Put in ``purged_at`` fields: apply_purge stamps the moment it runs.
PURGE_TIME: Any = object()
LETTER_VERSIONS = "letter versions (snapshot, HTML, PDF, typed texts)"
DOCUMENTS = "documents (file and file name)"
PEOPLE = "people (name, phone, email, safe-contact notes)"
PERSON_FIELDS: dict[str, Any] = {"name": PURGED_NAME, "phone": "", "email": "",
                                 "safe_contact_notes": ""}
MEMBER_LOGINS = "member logins (name, email, password: the login is disabled)"
PURGED_EMAIL_PATTERN = "purged-member-%@invalid"  # LIKE pattern; % is the user id


@dataclass(frozen=True)
class TextRule:
    """Fields of one model that may hold personal data, and what replaces each."""

    kind: str  # how the plan counts them
    model: type[Model]
    fields: dict[str, Any]


RULES: tuple[TextRule, ...] = (
    TextRule("case narratives", Case,
             {"what_happened": "", "screening_notes": "", "winnability_notes": ""}),
    # The app's own notes keep their values apart (names, places): they go too.
    TextRule("timeline notes", Event, {"note": "", "note_msgid": None,
                                       "note_values": sa.null()}),
    TextRule("task titles", Task, {"title": PURGED_TASK_TITLE}),
    # A JSON column given Python None stores the JSON text 'null'; sa.null() is SQL NULL.
    TextRule(LETTER_VERSIONS, LetterVersion,
             {"snapshot": sa.null(), "source_html": None, "pdf": None, "extra": {}, "texts": {},
              "member_approval_note": "", "review_note": "", "purged_at": PURGE_TIME}),
    TextRule(LETTER_VERSIONS, LetterReview, {"note": ""}),
    # The file itself is deleted from the store after the commit (``purged_files``).
    TextRule(DOCUMENTS, Document,
             {"file_name": PURGED_FILE_NAME, "sha256": "", "purged_at": PURGE_TIME}),
    TextRule("fight records (free text)", Decision, {"proposal": ""}),
    TextRule("fight records (free text)", Demand, {"description": "", "calculation": ""}),
    TextRule("fight records (free text)", Delivery,
             {"handed_over_by": "", "target_reaction": "", "notes": ""}),
    TextRule("fight records (free text)", TargetContact, {"summary": "", "offer_conditions": ""}),
    TextRule("fight records (free text)", Outcome, {"conditions": "", "debrief": ""}),
)


@dataclass
class NetworkPurge:
    """What a purge removes in one network; ``items`` are loaded and changed by ``apply``."""

    network_id: int
    code: str
    cutoff: date
    references: list[str] = field(default_factory=list)
    items: list[tuple[str, Any, dict[str, Any]]] = field(default_factory=list)
    people_kept: int = 0  # still linked to a fight that is open or not due
    # What each fight loses, counted by kind, for its timeline entry.
    per_case: dict[int, Counter[str]] = field(default_factory=dict)

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(kind for kind, _obj, _fields in self.items))


@dataclass
class PurgePlan:
    networks: list[NetworkPurge]

    @property
    def is_empty(self) -> bool:
        return not any(network.items for network in self.networks)

    @property
    def purged_files(self) -> list[str]:
        """Stored names of the documents' files, to delete once the purge is committed."""
        return [obj.stored_name for network in self.networks
                for _kind, obj, _fields in network.items if isinstance(obj, Document)]


def purge_cutoffs(closed_before: date | None, network_code: str | None,
                  today: date) -> list[tuple[Network, date]]:
    """Each network to purge with its cutoff: the given date, or its retention period."""
    query = select(Network).order_by(Network.code)
    if network_code:
        query = query.where(func.upper(Network.code) == network_code.upper())
    networks = db.session.scalars(query).all()
    if closed_before is not None:
        return [(network, closed_before) for network in networks]
    return [(network, today - timedelta(days=max(network.retention_days, 0)))
            for network in networks if network.retention_days is not None]


def ended_before(network_id: int, cutoff: date) -> Select[int]:
    """Ids of the network's fights that ended, and had their last outcome, before ``cutoff``."""
    start_of_cutoff = datetime.combine(cutoff, time.min, tzinfo=UTC)
    ended = aliased(Case)  # used inside queries that read case_record themselves
    later_outcome = exists().where(Outcome.case_id == ended.id, Outcome.decided_on >= cutoff)
    return select(ended.id).where(
        ended.network_id == network_id,
        ended.state.in_(ENDED_STATES),
        ended.state_changed_at < start_of_cutoff,
        ~later_outcome,
    )


def plan_purge(cutoffs: list[tuple[Network, date]]) -> PurgePlan:
    """Find, without changing anything, the personal data a purge would remove."""
    return PurgePlan([plan_network(network, cutoff) for network, cutoff in cutoffs])


def plan_network(network: Network, cutoff: date) -> NetworkPurge:
    due = ended_before(network.id, cutoff)
    plan = NetworkPurge(network.id, network.code, cutoff)
    case_ids: set[int] = set()
    for rule in RULES:
        for obj, case_id in db.session.execute(rule_query(rule, due)):
            plan.items.append((rule.kind, obj, rule.fields))
            plan.per_case.setdefault(case_id, Counter())[rule.kind] += 1
            case_ids.add(case_id)
    for person, person_case_ids in people_to_purge(due).items():
        plan.items.append((PEOPLE, person, PERSON_FIELDS))
        for case_id in person_case_ids:
            plan.per_case.setdefault(case_id, Counter())[PEOPLE] += 1
        case_ids.update(person_case_ids)
    for member in member_logins_to_purge(due):
        plan.items.append((MEMBER_LOGINS, member, member_login_fields(member)))
    plan.people_kept = count_people_kept(due)
    plan.references = list(db.session.scalars(
        select(Case.reference).where(Case.id.in_(case_ids)).order_by(Case.reference)))
    return plan


def rule_query(rule: TextRule, due: Select[int]) -> Select[Any, int]:
    """The rule's rows in the due fights that still hold something to remove, with case ids."""
    model: Any = rule.model
    still_there = or_(*(holds_data(getattr(model, name), value)
                        for name, value in rule.fields.items()))
    if model is Case:
        return select(Case, Case.id).where(Case.id.in_(due), still_there)
    if model is LetterVersion:
        return (select(LetterVersion, Letter.case_id).join(Letter)
                .where(Letter.case_id.in_(due), still_there))
    if model is LetterReview:
        return (select(LetterReview, Letter.case_id)
                .join(LetterVersion, LetterReview.version_id == LetterVersion.id)
                .join(Letter, LetterVersion.letter_id == Letter.id)
                .where(Letter.case_id.in_(due), still_there))
    if model is Event:  # the purge's own entries stay: they say what was removed, not whose
        still_there = and_(still_there, Event.kind != EventKind.PURGED)
    return select(model, model.case_id).where(model.case_id.in_(due), still_there)


def holds_data(column: Any, replacement: Any) -> ColumnElement[bool]:
    """True where the column still differs from what the purge puts there."""
    if replacement is PURGE_TIME:
        return column.is_(None)
    if isinstance(column.type, sa.JSON):  # compare the JSON's text, which every database has
        return and_(column.is_not(None), sa.cast(column, sa.Text).not_in(["null", "{}"]))
    if replacement is None:
        return column.is_not(None)
    return and_(column.is_not(None), column != replacement)


def in_another_fight(due: Select[int]) -> ColumnElement[bool]:
    """The person is also in a fight that is not due for purging (open, or ended recently)."""
    other = aliased(Case)
    return exists().where(other.person_id == Person.id, other.id.not_in(due))


def people_to_purge(due: Select[int]) -> dict[Person, set[int]]:
    """People of the due fights who are in no other fight, with their case ids."""
    in_other_fight = in_another_fight(due)
    still_there = or_(*(holds_data(getattr(Person, name), value)
                        for name, value in PERSON_FIELDS.items()))
    rows = db.session.execute(
        select(Person, Case.id).join(Case, Case.person_id == Person.id)
        .where(Case.id.in_(due), ~in_other_fight, still_there)
    )
    people: dict[Person, set[int]] = {}
    for person, case_id in rows:
        people.setdefault(person, set()).add(case_id)
    return people


def member_logins_to_purge(due: Select[int]) -> list[User]:
    """Portal logins of the people ``people_to_purge`` finds: they hold the same name, and
    an email, and lead to nothing once their fights are purged."""
    in_other_fight = in_another_fight(due)
    return list(db.session.scalars(
        select(User).join(Person, Person.id == User.person_id)
        .where(User.role == Role.MEMBER, User.email.not_like(PURGED_EMAIL_PATTERN),
               exists().where(Case.person_id == Person.id, Case.id.in_(due)), ~in_other_fight)
        .order_by(User.id)
    ))


def member_login_fields(member: User) -> dict[str, Any]:
    """What replaces a purged member login's details (the email stays unique)."""
    return {"name": PURGED_NAME, "email": PURGED_EMAIL_PATTERN.replace("%", str(member.id)),
            "password_hash": "", "is_disabled": True, "totp_secret": None,
            "sessions_valid_after": PURGE_TIME}


def count_people_kept(due: Select[int]) -> int:
    """People of the due fights whose details stay because another fight still needs them."""
    in_other_fight = in_another_fight(due)
    return db.session.scalar(
        select(func.count(func.distinct(Person.id)))
        .join(Case, Case.person_id == Person.id)
        .where(Case.id.in_(due), in_other_fight)
    ) or 0


def apply_purge(plan: PurgePlan) -> int:
    """Remove what the plan found and write an audit entry per network; returns rows changed.

    Changes go through the ORM, so the audit log also records each row's changed field
    names. Flushes but does not commit.
    """
    changed = 0
    now = utcnow()
    for network in plan.networks:
        if not network.items:
            continue
        for _kind, obj, fields in network.items:
            for name, value in fields.items():
                value = now if value is PURGE_TIME else value
                setattr(obj, name, dict(value) if isinstance(value, dict) else value)
        for case_id, removed in network.per_case.items():
            db.session.add(Event(case_id=case_id, kind=EventKind.PURGED,
                                 **timeline_note(removed, network.cutoff)))
        changed += len(network.items)
        counts = "; ".join(f"{count} {kind}" for kind, count in network.counts.items())
        add_entry("purge.run", network_id=network.network_id,
                  detail=f"ended before {network.cutoff.isoformat()}: "
                         f"{len(network.references)} cases; {counts}")
        db.session.flush()
    # Every SQLite connection zeroes deleted text (secure_delete); the search indexes also
    # keep old entries until their segments merge. Old page versions in the -wal file go
    # after the commit (database.clear_sqlite_log).
    compact_search_indexes(db.session.connection())
    return changed


def timeline_note(removed: Counter[str], cutoff: date) -> dict[str, Any]:
    """What a fight's timeline says about its purge: what went, never what it said (the
    ``Event`` keywords: translated when shown)."""
    versions, documents = removed[LETTER_VERSIONS], removed[DOCUMENTS]
    msgid = {
        (False, False): N_("Personal data purged (the fight ended before %(day)s): names, "
                           "contact details and texts removed."),
        (True, False): N_("Personal data purged (the fight ended before %(day)s): names, "
                          "contact details and texts removed. %(versions)s letter version(s) "
                          "purged."),
        (False, True): N_("Personal data purged (the fight ended before %(day)s): names, "
                          "contact details and texts removed. %(documents)s document(s) "
                          "purged."),
        (True, True): N_("Personal data purged (the fight ended before %(day)s): names, "
                         "contact details and texts removed. %(versions)s letter version(s) "
                         "and %(documents)s document(s) purged."),
    }[(bool(versions), bool(documents))]
    return system_note(msgid, day=cutoff.isoformat(), versions=str(versions),
                       documents=str(documents))
