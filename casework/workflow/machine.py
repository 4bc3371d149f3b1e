"""The ``transitions`` machine built from the table, one short-lived machine per operation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, cast

from transitions import EventData, Machine

from casework.models import Case
from casework.workflow.moves import MoveInput
from casework.workflow.states import CaseState
from casework.workflow.table import TRANSITIONS, Transition, edges


@dataclass
class Fight:
    """What the machine moves: a stand-in for the case, so the ORM object is never touched
    by the library (it would otherwise gain trigger methods and a reset state)."""

    case: Case
    move: MoveInput
    today: date
    state: str = ""
    missing: list[str] = field(default_factory=list)

    if TYPE_CHECKING:  # bound by the machine at run time

        def trigger(self, name: str, **kwargs: Any) -> bool: ...


def machine_transitions() -> list[dict[str, Any]]:
    """The table in the form ``transitions`` expects, guards wired as conditions."""
    specs: list[dict[str, Any]] = []
    for transition in TRANSITIONS:
        for source, dest, uses_memory in edges(transition):
            conditions = [guard_condition(transition)]
            if uses_memory:
                conditions.insert(0, remembers(dest))
            specs.append({"trigger": transition.trigger, "source": source.value,
                          "dest": dest.value, "conditions": conditions})
    return specs


def remembers(target: CaseState) -> Any:
    """Condition: the case remembers ``target`` as where it paused or ended from."""

    def condition(event: EventData) -> bool:
        case = cast(Fight, event.model).case
        remembered = case.paused_from if case.state == CaseState.PAUSED else case.ended_from
        return bool(remembered == target)

    return condition


def guard_condition(transition: Transition) -> Any:
    def condition(event: EventData) -> bool:
        fight = cast(Fight, event.model)
        fight.missing = transition.guard.missing(fight.case, fight.move, fight.today)
        return not fight.missing

    return condition


def build_machine(fight: Fight) -> Machine:
    """A machine for one operation, starting from the case's current state."""
    return Machine(
        model=fight,
        states=[state.value for state in CaseState],
        transitions=machine_transitions(),
        initial=fight.case.state.value,
        auto_transitions=False,
        send_event=True,
        model_override=False,
    )
