"""Retention: remove members' personal data from fights that ended long ago, keep the facts.

A fight is purged when it ended (declined, won or closed) and both its last state change
and its last outcome came before the cutoff date. What stays is what statistics need: the
state, issue type, amounts, dates, outcome kinds, turnout, the target and the reference.
What goes is everything that names or describes the member: the person's name and contact
details, the case's narrative, free text in the timeline and the fight's records, task
titles, and the letters' snapshots, HTML and PDF (their sha256 stays as proof of what was
delivered). A person still linked to a fight that is open or not due for purging keeps
their details.
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
from casework.extensions import Model, db
from casework.models import (
    Case,
    Decision,
    Delivery,
    Demand,
    Event,
    Letter,
    LetterVersion,
    Network,
    Outcome,
    Person,
    TargetContact,
    Task,
)
from casework.workflow.states import ENDED_STATES

PURGED_NAME = "Purged"
PURGED_TASK_TITLE = "(purged)"
PEOPLE = "people (name, phone, email, safe-contact notes)"
PERSON_FIELDS: dict[str, Any] = {"name": PURGED_NAME, "phone": "", "email": "",
                                 "safe_contact_notes": ""}


@dataclass(frozen=True)
class TextRule:
    """Fields of one model that may hold personal data, and what replaces each."""

    kind: str  # how the plan counts them
    model: type[Model]
    fields: dict[str, Any]


RULES: tuple[TextRule, ...] = (
    TextRule("case narratives", Case,
             {"what_happened": "", "screening_notes": "", "winnability_notes": ""}),
    TextRule("timeline notes", Event, {"note": ""}),
    TextRule("task titles", Task, {"title": PURGED_TASK_TITLE}),
    # A JSON column given Python None stores the JSON text 'null'; sa.null() is SQL NULL.
    TextRule("letter versions (snapshot, HTML, PDF, typed texts)", LetterVersion,
             {"snapshot": sa.null(), "source_html": None, "pdf": None, "extra": {},
              "member_approval_note": "", "review_note": ""}),
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

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(kind for kind, _obj, _fields in self.items))


@dataclass
class PurgePlan:
    networks: list[NetworkPurge]

    @property
    def is_empty(self) -> bool:
        return not any(network.items for network in self.networks)


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
            case_ids.add(case_id)
    for person, person_case_ids in people_to_purge(due).items():
        plan.items.append((PEOPLE, person, PERSON_FIELDS))
        case_ids.update(person_case_ids)
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
    return select(model, model.case_id).where(model.case_id.in_(due), still_there)


def holds_data(column: Any, replacement: Any) -> ColumnElement[bool]:
    """True where the column still differs from what the purge puts there."""
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
    if db.session.get_bind().dialect.name == "sqlite":
        # Overwrite freed space with zeros instead of leaving the old text in the file.
        db.session.connection().exec_driver_sql("PRAGMA secure_delete=ON")
    changed = 0
    for network in plan.networks:
        if not network.items:
            continue
        for _kind, obj, fields in network.items:
            for name, value in fields.items():
                setattr(obj, name, dict(value) if isinstance(value, dict) else value)
        changed += len(network.items)
        counts = "; ".join(f"{count} {kind}" for kind, count in network.counts.items())
        add_entry("purge.run", network_id=network.network_id,
                  detail=f"ended before {network.cutoff.isoformat()}: "
                         f"{len(network.references)} cases; {counts}")
        db.session.flush()
    return changed
