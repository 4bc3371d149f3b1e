"""The demo's second network, Portland, linked with Seattle (DESIGN.md §8): a joint fight
Seattle leads and Portland joined, and Portland's appeal for a one-off action waiting for
Seattle's answer. Loaded by ``flask casework demo`` after the Seattle demo."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from casework.cases.services import CaseFacts, create_case
from casework.extensions import db
from casework.models import (
    ActionKind,
    Appeal,
    AppealDirection,
    AppealKind,
    Case,
    IssueType,
    Network,
    Peer,
    Role,
    TargetKind,
    User,
)
from casework.models.base import utcnow
from casework.solidarity.appeals import AppealInput, save_strategy, send_appeal
from casework.solidarity.joint import answer_appeal
from casework.solidarity.outbox import deliver_due
from casework.solidarity.peers import local_peer
from casework.solidarity.services import answer_link_request, request_local_link
from casework.users.services import create_user
from casework.workflow.states import CaseState

PORTLAND = ("Portland Tenants Union (demo)", "PDX")
PORTLAND_COORDINATOR = ("Jun Coordinator", "coordinator@pdx.demo.casework.org")


def add_demo_solidarity(seattle: Network, password: str) -> User:
    """Portland, its coordinator (returned), the link, the joint fight and the appeal."""
    portland = Network(name=PORTLAND[0], code=PORTLAND[1], timezone=seattle.timezone,
                       page_size=seattle.page_size)
    db.session.add(portland)
    db.session.flush()
    jun = create_user(portland, *PORTLAND_COORDINATOR, Role.COORDINATOR, password)
    request_local_link(seattle, portland.id)
    deliver_due()
    answer_link_request(portland, peer_of(portland, seattle), accept=True)
    deliver_due()
    join_seattle_fight(seattle, portland, jun)
    ask_seattle_for_a_picket(seattle, jun)
    return jun


def peer_of(network: Network, other: Network) -> Peer:
    found = local_peer(network, other)
    assert found is not None  # noqa: S101 - linked just above
    return found


def join_seattle_fight(seattle: Network, portland: Network, jun: User) -> None:
    """Seattle's escalating fight, offered as a joint fight; Portland joins it."""
    fight = db.session.scalars(select(Case).where(
        Case.network_id == seattle.id, Case.state == CaseState.ESCALATING)
        .order_by(Case.id)).first()
    if fight is None or not fight.team:
        return
    organizer = fight.team[0]
    save_strategy(fight, organizer, (
        "Pickets at the target's places of business in both cities every Saturday, call-ins "
        "on weekdays, until it pays."), (
        "We end the fight when the money is paid in full and nobody is punished for asking."))
    send_appeal(fight, organizer, AppealInput(
        kind=AppealKind.JOINT, peer_ids=[peer_of(seattle, portland).id],
        ask="Join the fight: picket their Portland location on the Saturdays we picket here.",
        why="The same owners run a second location in Portland, on Burnside."))
    deliver_due()
    appeal = db.session.scalars(select(Appeal).where(
        Appeal.network_id == portland.id, Appeal.direction == AppealDirection.RECEIVED)).one()
    answer_appeal(appeal, jun, True, "In till the end: our picket team is ready.", "")
    deliver_due()


def ask_seattle_for_a_picket(seattle: Network, jun: User) -> None:
    """Portland's own fight asks Seattle for a one-off picket (not answered yet)."""
    fight = create_case(jun, CaseFacts(
        person_name="Dana Whitfield", target_name="Columbia Property Group",
        target_kind=TargetKind.COMPANY, issue_type=IssueType.REPAIRS,
        summary="No heat since October; the landlord ignores every request"))
    db.session.flush()
    send_appeal(fight, jun, AppealInput(
        kind=AppealKind.ONE_OFF, peer_ids=[peer_of(jun.network, seattle).id],
        ask="A picket at Columbia Property Group's Seattle office, on the day we deliver our "
            "demands here.",
        why="Their head office is in Seattle: that is where the decisions are made.",
        action_kind=ActionKind.PICKET.value, place="Columbia Property Group, 2nd Ave, Seattle",
        when=(utcnow() + timedelta(days=9)).replace(hour=19, minute=0, second=0,
                                                     microsecond=0)))
    deliver_due()
