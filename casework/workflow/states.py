"""The states a case can be in, shared by the database column and the state machine."""

from __future__ import annotations

from enum import StrEnum

from casework.i18n import lazy_pgettext


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


STATE_LABELS = {
    CaseState.INQUIRY: lazy_pgettext("case state", "Inquiry"),
    CaseState.SCREENING: lazy_pgettext("case state", "Screening"),
    CaseState.PROPOSED: lazy_pgettext("case state", "Proposed"),
    CaseState.DRAFTING: lazy_pgettext("case state", "Drafting"),
    CaseState.READY: lazy_pgettext("case state", "Ready"),
    CaseState.DELIVERED: lazy_pgettext("case state", "Delivered"),
    CaseState.ESCALATING: lazy_pgettext("case state", "Escalating"),
    CaseState.NEGOTIATING: lazy_pgettext("case state", "Negotiating"),
    CaseState.PAUSED: lazy_pgettext("case state", "Paused"),
    CaseState.DECLINED: lazy_pgettext("case state", "Declined"),
    CaseState.WON: lazy_pgettext("case state", "Won"),
    CaseState.CLOSED: lazy_pgettext("case state", "Closed"),
}
ENDED_STATES = frozenset({CaseState.DECLINED, CaseState.WON, CaseState.CLOSED})
OPEN_STATES = tuple(state for state in CaseState if state not in ENDED_STATES)


def state_label(value: str | None) -> str:
    """The label of a state stored as text (the timeline's), or the text if no state has it."""
    if not value:
        return "—"
    return CaseState(value).label if value in CaseState._value2member_map_ else value
