"""Every (state, trigger) pair is allowed or refused exactly as DESIGN §4 says."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from casework.errors import PermissionDenied
from casework.extensions import db
from casework.models import Case, Event, Role, User
from casework.workflow.service import TransitionNotAllowed, apply_transition
from casework.workflow.states import CaseState as S
from casework.workflow.table import TRANSITIONS
from tests.fights import full_input

OPEN_BUT_PAUSED = [S.INQUIRY, S.SCREENING, S.PROPOSED, S.DRAFTING, S.READY, S.DELIVERED,
                   S.ESCALATING, S.NEGOTIATING]

# Written from DESIGN §4 by hand, not from the app's table. complete_records() leaves
# paused fights remembering "delivered" and ended ones remembering "negotiating".
EXPECTED: dict[str, dict[S, S]] = {
    "screen": {S.INQUIRY: S.SCREENING},
    "propose": {S.SCREENING: S.PROPOSED},
    "decline": {S.INQUIRY: S.DECLINED, S.SCREENING: S.DECLINED, S.PROPOSED: S.DECLINED},
    "accept": {S.PROPOSED: S.DRAFTING},
    "approve_letter": {S.DRAFTING: S.READY},
    "revise_letter": {S.READY: S.DRAFTING},
    "deliver": {S.READY: S.DELIVERED},
    "open_talks": {S.DELIVERED: S.NEGOTIATING, S.ESCALATING: S.NEGOTIATING},
    "escalate": {S.DELIVERED: S.ESCALATING, S.NEGOTIATING: S.ESCALATING},
    "win": {S.DELIVERED: S.WON, S.ESCALATING: S.WON, S.NEGOTIATING: S.WON},
    "close": {s: S.CLOSED for s in (S.DRAFTING, S.READY, S.DELIVERED, S.ESCALATING,
                                    S.NEGOTIATING, S.PAUSED)},
    "pause": {s: S.PAUSED for s in OPEN_BUT_PAUSED},
    "resume": {S.PAUSED: S.DELIVERED},
    "reopen": {S.DECLINED: S.SCREENING, S.WON: S.NEGOTIATING, S.CLOSED: S.NEGOTIATING},
}


def test_the_table_has_exactly_the_designed_triggers() -> None:
    assert {t.trigger for t in TRANSITIONS} == set(EXPECTED)


@pytest.mark.parametrize("state", list(S), ids=str)
def test_every_trigger_from_every_state(
    app: Flask, make_fight: Callable[..., tuple[int, int]], make_user: Callable[..., int],
    state: S,
) -> None:
    coordinator_id = make_user(Role.COORDINATOR)
    for trigger, allowed in EXPECTED.items():
        case_id, _ = make_fight(state)
        with app.app_context():
            coordinator = db.session.get_one(User, coordinator_id)
            version = db.session.get_one(Case, case_id).version
            events_before = db.session.scalar(select(func.count()).select_from(Event))
            if state in allowed:
                case = apply_transition(case_id, trigger, coordinator, full_input(trigger),
                                        version)
                db.session.commit()
                assert case.state == allowed[state], f"{trigger} from {state}"
            else:
                with pytest.raises(TransitionNotAllowed):
                    apply_transition(case_id, trigger, coordinator, full_input(trigger), version)
                db.session.rollback()
                case = db.session.get_one(Case, case_id)
                assert case.state == state
                assert db.session.scalar(select(func.count()).select_from(Event)) == \
                    events_before
            db.session.remove()


@pytest.mark.parametrize("role", [Role.INTAKE, Role.ORGANIZER])
def test_only_a_coordinator_may_reopen(
    app: Flask, make_fight: Callable[..., tuple[int, int]], make_user: Callable[..., int],
    role: Role,
) -> None:
    case_id, organizer_id = make_fight(S.WON)
    user_id = organizer_id if role == Role.ORGANIZER else make_user(role)
    with app.app_context(), pytest.raises(PermissionDenied, match="Only a coordinator"):
        apply_transition(case_id, "reopen", db.session.get_one(User, user_id),
                         full_input("reopen"), 1)
