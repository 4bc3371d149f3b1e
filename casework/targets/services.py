"""Changing target research: facts added, corrected or removed, and the target's notes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from casework.errors import CaseworkError, PermissionDenied
from casework.extensions import db
from casework.models import Case, Event, EventKind, Target, TargetFact, TargetFactKind, User
from casework.system_text import N_, Value, msgid_value, system_note
from casework.targets.queries import may_research, planned_actions_pressing
from casework.workflow.states import ENDED_STATES

# The target's own free-text fields, edited together on the notes form.
NOTE_FIELDS = ("role", "address", "contacts", "leverage_points", "research_notes")
NOTE_LABELS = {"role": N_("role"), "address": N_("address"), "contacts": N_("contacts"),
               "leverage_points": N_("leverage points"),
               "research_notes": N_("research notes")}
# "an owner", "a source": a fact's kind as the timeline names it.
FACT_NAMES = {
    TargetFactKind.OWNER: N_("an owner"), TargetFactKind.MANAGER: N_("a manager"),
    TargetFactKind.ADDRESS: N_("an address"),
    TargetFactKind.RELATED_BUSINESS: N_("a related business"),
    TargetFactKind.PROPERTY: N_("a property"),
    TargetFactKind.LEVERAGE_POINT: N_("a leverage point"), TargetFactKind.SOURCE: N_("a source"),
}


class StaleTarget(CaseworkError):
    """The target's notes changed since the user loaded them."""

    def __init__(self, changed_by: str | None = None) -> None:
        self.changed_by = changed_by
        super().__init__(_("%(who)s changed these notes while you were editing. Nothing was "
                           "saved: your text is kept below, next to what is saved now. Merge "
                           "what you need and save again.", who=changed_by) if changed_by else
                         _("Someone else changed these notes while you were editing. Nothing "
                           "was saved: your text is kept below, next to what is saved now. "
                           "Merge what you need and save again."))


@dataclass(frozen=True)
class FactInput:
    kind: TargetFactKind
    name: str
    details: str = ""
    source: str = ""


def require_research(user: User, target: Target) -> None:
    """Refuse anyone but the network's organizers and coordinators."""
    if not may_research(user) or user.network_id != target.network_id:
        raise PermissionDenied(_("Only organizers and coordinators change target research."))


def notes_of(target: Target) -> dict[str, str]:
    """The notes form's fields as saved now."""
    return {name: getattr(target, name) or "" for name in NOTE_FIELDS}


def notes_fingerprint(target: Target) -> str:
    """A hash of the notes as saved, posted back with the form to detect a concurrent edit."""
    encoded = json.dumps(notes_of(target), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(encoded.encode()).hexdigest()


def lock_target(target_id: int) -> Target:
    """Re-read the target inside the transaction, holding its row lock until commit.

    PostgreSQL takes ``SELECT … FOR UPDATE``; on SQLite requests that may write already began
    with ``BEGIN IMMEDIATE`` (casework.database), which locks the database.
    """
    statement = select(Target).where(Target.id == target_id).execution_options(
        populate_existing=True)
    if db.session.get_bind().dialect.name == "postgresql":
        statement = statement.with_for_update(of=Target)
    return db.session.scalars(statement).one()


def save_notes(target: Target, actor: User, notes: dict[str, str], seen: str,
               last_editor: str | None = None) -> list[str]:
    """Save the target's notes unless they changed since ``seen``; return the changed fields."""
    require_research(actor, target)
    target = lock_target(target.id)
    if notes_fingerprint(target) != seen:
        raise StaleTarget(last_editor)
    changed = [name for name in NOTE_FIELDS if (getattr(target, name) or "") != notes[name]]
    for name in changed:
        setattr(target, name, notes[name])
    if changed:
        note_on_open_cases(target, actor, system_note(
            N_("Target research: changed the %(fields)s."),
            **{"fields": {"list": [msgid_value(NOTE_LABELS[name]) for name in changed]}}))
    db.session.flush()
    return changed


def add_fact(target: Target, actor: User, fact: FactInput) -> TargetFact:
    """Add a researched fact to the target."""
    require_research(actor, target)
    row = TargetFact(target=target, kind=fact.kind, name=fact.name, details=fact.details,
                     source=fact.source, created_by_id=actor.id)
    db.session.add(row)
    note_on_open_cases(target, actor, system_note(N_("Target research: added %(fact)s."),
                                                  fact=article(fact.kind)))
    db.session.flush()
    return row


def update_fact(fact: TargetFact, actor: User, change: FactInput) -> bool:
    """Correct a fact (the last save wins); return whether anything changed."""
    target = fact.target
    require_research(actor, target)
    values = {"kind": change.kind, "name": change.name, "details": change.details,
              "source": change.source}
    if all(getattr(fact, key) == value for key, value in values.items()):
        return False
    for key, value in values.items():
        setattr(fact, key, value)
    note_on_open_cases(target, actor, system_note(N_("Target research: corrected %(fact)s."),
                                                  fact=article(change.kind)))
    db.session.flush()
    return True


def remove_fact(fact: TargetFact, actor: User) -> int:
    """Remove a fact; actions that pressed it press the target itself. Returns how many did."""
    target = fact.target
    require_research(actor, target)
    pressing = planned_actions_pressing(fact)
    note_on_open_cases(target, actor, system_note(
        N_("Target research: removed %(fact)s. %(count)s planned action(s) pressed it and now "
           "press the target itself.") if pressing else N_("Target research: removed %(fact)s."),
        fact=article(fact.kind), count=str(pressing)))
    target.facts.remove(fact)  # the database sets the actions' pressure point to NULL
    db.session.flush()
    return pressing


def note_on_open_cases(target: Target, actor: User, note: dict[str, Any]) -> None:
    """Tell the timeline of each open fight against the target (kinds of fact, never values)."""
    open_cases = db.session.scalars(select(Case.id).where(
        Case.target_id == target.id, Case.state.not_in(ENDED_STATES)))
    db.session.add_all(Event(case_id=case_id, actor=actor, kind=EventKind.TARGET_RESEARCH,
                             **note) for case_id in open_cases)


def article(kind: TargetFactKind) -> Value:
    """'an owner', 'a source' (translated when shown)."""
    return msgid_value(FACT_NAMES[kind])
