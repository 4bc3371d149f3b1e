"""Test setup for the escalation ladder: actions, people to call, call list entries."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from casework.actions import services
from casework.extensions import db
from casework.models import Action, ActionKind, CallAnswer, CallListEntry, Case, Person, Tier, User

WHEN = datetime(2026, 11, 21, 19, 0, tzinfo=UTC)  # Sat 21 Nov 2026, 11:00 in Seattle


def plan(case_id: int, user_id: int, **values: Any) -> int:
    """Plan an action through the service; returns its id."""
    case = db.session.get_one(Case, case_id)
    given: dict[str, Any] = {"kind": ActionKind.PICKET, "starts_at": WHEN,
                             "title": "Picket", "turnout_goal": 10, **values}
    action = services.plan_action(case, db.session.get_one(User, user_id),
                                  services.ActionPlan(**given))
    db.session.commit()
    return action.id


def person(network_id: int, name: str, *, tier: Tier = Tier.MEMBER, phone: str = "206-555-0150",
           languages: str = "en") -> int:
    """A person of the network; returns their id."""
    found = Person(network_id=network_id, name=name, tier=tier, phone=phone, languages=languages)
    db.session.add(found)
    db.session.commit()
    return found.id


def entry(action_id: int, person_id: int, *, caller_id: int | None = None,
          answer: CallAnswer = CallAnswer.NOT_CALLED, checked_in: bool = False) -> int:
    """A call list entry written directly (test setup); returns its id."""
    found = CallListEntry(action_id=action_id, person_id=person_id, caller_id=caller_id,
                          answer=answer, is_checked_in=checked_in)
    db.session.add(found)
    db.session.commit()
    return found.id


def action(action_id: int) -> Action:
    db.session.expire_all()
    return db.session.get_one(Action, action_id)
