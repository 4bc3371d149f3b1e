"""The states a case can be in, shared by the database column and the state machine."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext as _l


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
        """The state's name in the user's language."""
        return str(STATE_LABELS[self])

    @property
    def is_open(self) -> bool:
        return self not in ENDED_STATES


ENDED_STATES = frozenset({CaseState.DECLINED, CaseState.WON, CaseState.CLOSED})
OPEN_STATES = tuple(state for state in CaseState if state not in ENDED_STATES)

STATE_LABELS = {
    CaseState.INQUIRY: _l("Inquiry"),
    CaseState.SCREENING: _l("Screening"),
    CaseState.PROPOSED: _l("Proposed"),
    CaseState.DRAFTING: _l("Drafting"),
    CaseState.READY: _l("Ready"),
    CaseState.DELIVERED: _l("Delivered"),
    CaseState.ESCALATING: _l("Escalating"),
    CaseState.NEGOTIATING: _l("Negotiating"),
    CaseState.PAUSED: _l("Paused"),
    CaseState.DECLINED: _l("Declined"),
    CaseState.WON: _l("Won"),
    CaseState.CLOSED: _l("Closed"),
}


def state_label(value: str | None) -> str:
    """The label of a state stored as text (the timeline's), or the text if no state has it."""
    if not value:
        return "—"
    return CaseState(value).label if value in CaseState._value2member_map_ else value
