"""Do a network's records tell a possible story? Dates in order, tasks still true.

The demo data is checked with it in the test suite; the same rules are what the forms enforce
(casework.fight.dates), so real data entered through the app passes too. The reports' figures
row of each fight must also still say what its records do.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casework.clock import local_date_of, network_today
from casework.extensions import db
from casework.models import ActionStatus, Case, Event, Network, Task
from casework.reports.fight_figures import drifted_fights, drifted_tallies
from casework.workflow.states import CaseState
from casework.workflow.task_rules import states_needing


def inconsistencies(network: Network, today: date | None = None) -> list[str]:
    """Every record of the network's cases that could not have happened as dated."""
    today = today or network_today(network)
    problems: list[str] = []
    cases = db.session.scalars(
        select(Case).where(Case.network_id == network.id).order_by(Case.id).options(
            selectinload(Case.deliveries), selectinload(Case.contacts),
            selectinload(Case.outcomes), selectinload(Case.decisions),
            selectinload(Case.consents), selectinload(Case.actions))
    ).all()
    for case in cases:
        problems += case_inconsistencies(case, today)
    return problems + figures_inconsistencies(network, {case.id: case.reference for case in cases})


def figures_inconsistencies(network: Network, references: dict[int, str]) -> list[str]:
    """The fights whose report figures (FightFigures) no longer say what their records do."""
    db.session.flush()
    problems = [f"{references.get(case_id, case_id)}: its report figures do not match its "
                "records (casework.reports.fight_figures was not called after a change)."
                for case_id in drifted_fights(db.session.connection(), network.id)]
    drifted = drifted_tallies(db.session.connection(), network.id)
    if drifted:
        problems.append(f"The report tallies of {len(drifted)} days or months do not add up "
                        "to the fights' records (rebuild them with the fights' figures).")
    return problems


def case_inconsistencies(case: Case, today: date) -> list[str]:
    """What is impossible about one case's dates and tasks."""
    def day(moment: datetime) -> date:
        return local_date_of(moment, case.network)

    ref, logged = case.reference, day(case.created_at)
    problems = []

    def before_logged(what: str, when: date) -> None:
        if when < logged:
            problems.append(f"{ref}: {what} on {when} is before the case was logged ({logged}).")

    def in_future(what: str, when: date) -> None:
        if when > today:
            problems.append(f"{ref}: {what} on {when} is in the future (today is {today}).")

    for event in db.session.scalars(select(Event).where(Event.case_id == case.id)):
        before_logged(f"timeline event “{event.kind.value}”", day(event.created_at))
    for decision in case.decisions:
        before_logged("meeting decision", decision.meeting_on)
    for consent in case.consents:
        before_logged("member's consent", consent.given_on)
        in_future("member's consent", consent.given_on)
    delivered = None
    for delivery in case.deliveries:
        delivered = day(delivery.delivered_at)
        before_logged("delivery", delivered)
        in_future("delivery", delivered)
    for contact in case.contacts:
        happened = day(contact.happened_at)
        in_future("contact from the target", happened)
        if delivered is None or happened < delivered:
            problems.append(f"{ref}: contact from the target on {happened} is before the "
                            f"delivery ({delivered or 'none'}).")
    for outcome in case.outcomes:
        before_logged("outcome", outcome.decided_on)
        in_future("outcome", outcome.decided_on)
        if delivered is not None and outcome.decided_on < delivered:
            problems.append(f"{ref}: outcome on {outcome.decided_on} is before the delivery "
                            f"({delivered}).")
    for action in case.actions:
        if action.status == ActionStatus.DONE and action.starts_at is not None:
            in_future(f"done action “{action.display_title}”", day(action.starts_at))
    problems += passed_state_tasks(case)
    return problems


def passed_state_tasks(case: Case) -> list[str]:
    """Open tasks a state created that the fight has moved past."""
    state = case.paused_from if case.state == CaseState.PAUSED and case.paused_from \
        else case.state
    return [f"{case.reference}: task “{task.title}” is still open in “{case.state.label}”."
            for task in db.session.scalars(select(Task).where(
                Task.case_id == case.id, Task.rule_key.is_not(None), Task.is_done.is_(False)))
            if state not in states_needing(task.rule_key or "")]

