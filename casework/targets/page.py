"""What a target's page shows: its facts by kind, notes, fights and possibly related targets."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from casework.extensions import db
from casework.forms import ActionForm
from casework.models import Target, TargetFact, TargetFactKind, User
from casework.targets import queries
from casework.targets.forms import FactForm, TargetNotesForm
from casework.targets.proposals import pending_proposals
from casework.targets.services import notes_fingerprint, notes_of

PLURALS = {
    TargetFactKind.OWNER: _l("Owners"), TargetFactKind.MANAGER: _l("Managers"),
    TargetFactKind.ADDRESS: _l("Addresses"),
    TargetFactKind.RELATED_BUSINESS: _l("Related businesses"),
    TargetFactKind.PROPERTY: _l("Properties"), TargetFactKind.LEVERAGE_POINT: _l("Leverage points"),
    TargetFactKind.SOURCE: _l("Sources"),
}


@dataclass(frozen=True)
class FactGroup:
    kind: TargetFactKind
    heading: str
    facts: list[TargetFact]


def fact_groups(target: Target) -> list[FactGroup]:
    """Every kind of fact, in a fixed order, with the target's facts of that kind."""
    return [FactGroup(kind, str(PLURALS[kind]), [f for f in target.facts if f.kind is kind])
            for kind in TargetFactKind]


def viewable_target_ids(user: User, ids: list[int]) -> set[int]:
    """Which of these targets the user may open, in one query."""
    if not ids:
        return set()
    return set(db.session.scalars(select(Target.id).where(
        Target.id.in_(ids), queries.visible_targets(user))))


def target_page(target: Target, user: User) -> dict[str, Any]:
    """Template values for a target's page."""
    related = queries.related_targets(target)
    may_research = queries.may_research(user)
    return {
        "target": target,
        "groups": fact_groups(target),
        "record": queries.fight_record(target),
        "fights": queries.fights_against(target, user),
        "fights_shown": queries.FIGHTS_SHOWN,
        "related": related,
        "linkable": viewable_target_ids(user, [r.target.id for r in related]),
        "may_research": may_research,
        "proposals": pending_proposals(target) if may_research else [],
        "action_form": ActionForm(),
        "fact_form": FactForm(formdata=None),
        "notes_form": TargetNotesForm(formdata=None, data={
            **notes_of(target), "seen": notes_fingerprint(target)}) if may_research else None,
    }
