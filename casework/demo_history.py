"""Demo data: give each demo fight a past. The demo walks every fight through the real workflow
in one go, so without this every case would be logged, and enter its state, "today"."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlalchemy import select

from casework.clock import zone_of
from casework.extensions import db
from casework.models import Case, Event
from casework.models.base import utcnow
from casework.workflow.states import CaseState

# Days ago each demo fight was logged and entered its present state. They agree with the
# dates the demo records (meeting, delivery, the target's call, the outcome) in casework.demo.
DEMO_HISTORY: dict[CaseState, tuple[int, int]] = {
    CaseState.INQUIRY: (2, 2), CaseState.SCREENING: (6, 3), CaseState.PROPOSED: (9, 2),
    CaseState.DRAFTING: (25, 12), CaseState.READY: (25, 2), CaseState.DELIVERED: (25, 4),
    CaseState.ESCALATING: (45, 9), CaseState.NEGOTIATING: (30, 7), CaseState.WON: (60, 3),
    CaseState.CLOSED: (80, 20), CaseState.DECLINED: (8, 5), CaseState.PAUSED: (20, 4),
}


def date_demo_history(case: Case) -> None:
    """Move the fight's log, state change and timeline into the past, in their order, with
    the moves whose record has a date (the meeting, the delivery, the target's call) on it."""
    _, entered_ago = DEMO_HISTORY[case.state]
    now = utcnow()
    logged = case.created_at.replace(tzinfo=UTC) if case.created_at.tzinfo is None \
        else case.created_at  # when casework.demo logged it
    entered = logged if case.state == CaseState.INQUIRY else max(
        logged, now - timedelta(days=entered_ago))
    events = list(db.session.scalars(
        select(Event).where(Event.case_id == case.id).order_by(Event.id)))
    case.created_at = logged
    case.state_changed_at = entered
    if len(events) < 2:
        for event in events:
            event.created_at = logged
        return
    anchors = {0: logged, len(events) - 1: entered}
    dated = recorded_moments(case)
    for index, event in enumerate(events[1:-1], start=1):
        if event.to_state in dated:
            anchors[index] = dated[event.to_state]
            if index > 1:  # the record the move needed was written just before it
                anchors.setdefault(index - 1, dated[event.to_state] - timedelta(hours=1))
    fixed = sorted(anchors.items())
    if any(later <= earlier for (_, earlier), (_, later) in zip(fixed, fixed[1:], strict=False)):
        fixed = [(0, logged), (len(events) - 1, entered)]  # a date out of order: spread evenly
    for (start, begin), (end, finish) in zip(fixed, fixed[1:], strict=False):
        step = (finish - begin) / max(end - start, 1)
        for index in range(start, end + 1):
            events[index].created_at = finish if index == end else begin + step * (index - start)


def recorded_moments(case: Case) -> dict[str, datetime]:
    """When the moves into a state happened, where the fight's records say so."""
    moments: dict[str, datetime] = {}
    if case.decisions:
        meeting = datetime.combine(case.decisions[-1].meeting_on, time(19, 30),
                                   tzinfo=zone_of(case.network))
        moments[CaseState.DRAFTING.value] = meeting.astimezone(UTC)
    if case.delivery:
        moments[CaseState.DELIVERED.value] = case.delivery.delivered_at
    offers = [contact.happened_at for contact in case.contacts]
    if offers:
        moments[CaseState.NEGOTIATING.value] = offers[0] + timedelta(hours=1)
    return moments
