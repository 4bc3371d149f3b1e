"""The states a case can be in, shared by the database column and the state machine."""

from __future__ import annotations

from enum import StrEnum


class CaseState(StrEnum):
    INQUIRY = "inquiry"
    SCREENING = "screening"
    PROPOSED = "proposed"
    DRAFTING = "drafting"
    READY = "ready"
    DELIVERED = "delivered"
    ESCALATING = "escalating"
    NEGOTIATING = "negotiating"
    PAUSED = "paused"
    DECLINED = "declined"
    WON = "won"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return self.value.capitalize()

    @property
    def is_open(self) -> bool:
        return self not in ENDED_STATES


ENDED_STATES = frozenset({CaseState.DECLINED, CaseState.WON, CaseState.CLOSED})
OPEN_STATES = tuple(state for state in CaseState if state not in ENDED_STATES)
