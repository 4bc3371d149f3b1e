"""The fight's state machine as one table of data (DESIGN §4).

Tests, the case page, the diagram and the machine all read this table; no other code decides
which moves exist. ``dest=None`` means "back to the state the case came from" (resume from
paused, reopen of a won or closed fight).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from casework.workflow import guards
from casework.workflow.guards import Guard
from casework.workflow.states import CaseState as S

OPEN_BUT_PAUSED = (S.INQUIRY, S.SCREENING, S.PROPOSED, S.DRAFTING, S.READY, S.DELIVERED,
                   S.ESCALATING, S.NEGOTIATING)


@dataclass(frozen=True)
class Transition:
    trigger: str
    sources: tuple[S, ...]
    dest: S | None
    label: str  # lazy: in the user's language wherever it is shown
    guard: Guard = Guard()
    # The move's form asks for these (a reason, the delivery record, the outcome).
    asks_for: tuple[str, ...] = ()
    coordinator_only: bool = False
    is_destructive: bool = False

    def dest_from(self, source: S) -> S | None:
        """Where the move leads from ``source`` (None: back to the remembered state)."""
        if self.dest is None and self.trigger == "reopen" and source == S.DECLINED:
            return S.SCREENING
        return self.dest


TRANSITIONS: tuple[Transition, ...] = (
    Transition("screen", (S.INQUIRY,), S.SCREENING, _l("Start screening"),
               Guard(records=guards.organizer_assigned)),
    Transition("propose", (S.SCREENING,), S.PROPOSED, _l("Propose to the meeting"),
               Guard(records=guards.ready_to_propose)),
    Transition("decline", (S.INQUIRY, S.SCREENING, S.PROPOSED), S.DECLINED, _l("Decline"),
               Guard(inputs=guards.decline_reason_given), asks_for=("decline_reason",),
               is_destructive=True),
    Transition("accept", (S.PROPOSED,), S.DRAFTING, _l("Accept the fight"),
               Guard(records=guards.meeting_voted_and_member_consents)),
    Transition("approve_letter", (S.DRAFTING,), S.READY, _l("Approve the letter"),
               Guard(records=guards.letter_ready)),
    Transition("revise_letter", (S.READY,), S.DRAFTING, _l("Revise the letter"),
               Guard(inputs=guards.reason_given), asks_for=("reason",)),
    Transition("deliver", (S.READY,), S.DELIVERED, _l("Record the delivery"),
               Guard(inputs=guards.delivery_recorded), asks_for=("delivery",)),
    Transition("open_talks", (S.DELIVERED, S.ESCALATING), S.NEGOTIATING, _l("Open talks"),
               Guard(records=guards.contact_logged)),
    Transition("escalate", (S.DELIVERED, S.NEGOTIATING), S.ESCALATING, _l("Escalate"),
               Guard(inputs=guards.deadline_passed_or_reason), asks_for=("optional_reason",)),
    Transition("win", (S.DELIVERED, S.ESCALATING, S.NEGOTIATING), S.WON, _l("Record a win"),
               Guard(inputs=guards.win_recorded), asks_for=("win_outcome",)),
    Transition("close", (S.DRAFTING, S.READY, S.DELIVERED, S.ESCALATING, S.NEGOTIATING,
                         S.PAUSED), S.CLOSED, _l("Close"),
               Guard(inputs=guards.close_recorded), asks_for=("close_outcome",),
               is_destructive=True),
    Transition("pause", OPEN_BUT_PAUSED, S.PAUSED, _l("Pause"),
               Guard(inputs=guards.reason_given), asks_for=("reason",)),
    Transition("resume", (S.PAUSED,), None, _l("Resume")),
    Transition("reopen", (S.DECLINED, S.WON, S.CLOSED), None, _l("Reopen"),
               Guard(inputs=guards.reason_given), asks_for=("reason",), coordinator_only=True),
)

BY_TRIGGER = {transition.trigger: transition for transition in TRANSITIONS}


def transitions_from(state: S) -> list[Transition]:
    """The moves that exist from a state, in table order."""
    return [t for t in TRANSITIONS if state in t.sources]


def edges(transition: Transition) -> list[tuple[S, S, bool]]:
    """Every (source, destination, depends-on-memory) edge a move can take."""
    if transition.dest is not None:
        return [(source, transition.dest, False) for source in transition.sources]
    if transition.trigger == "resume":
        return [(S.PAUSED, target, True) for target in OPEN_BUT_PAUSED]
    ends = set(BY_TRIGGER["win"].sources) | set(BY_TRIGGER["close"].sources)
    ended_from = [state for state in S if state in ends]
    return [(S.DECLINED, S.SCREENING, False)] + [
        (source, target, True) for source in (S.WON, S.CLOSED) for target in ended_from
    ]
