"""Demo data for the escalation ladder: supporters to call and an escalating fight's actions."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlalchemy import select

from casework.actions import calls
from casework.actions import services as ladder
from casework.clock import network_today, zone_of
from casework.extensions import db
from casework.models import (
    ActionKind,
    ActionRoleKind,
    CallAnswer,
    Case,
    Network,
    Person,
    TargetFact,
    Tier,
    User,
)
from casework.workflow.states import CaseState

# Fictional supporters (phone numbers in the 555-01xx range reserved for fiction).
DEMO_SUPPORTERS = [
    ("Carmen Ruiz", "206-555-0121", "es,en"), ("Jamal Wright", "206-555-0122", "en"),
    ("Hana Sato", "206-555-0124", "en"), ("Diego Castillo", "206-555-0125", "es"),
    ("Priya Raman", "206-555-0126", "en"), ("Luis Moreno", "206-555-0127", "es,en"),
    ("Sarah Cohen", "206-555-0128", "en"), ("Tobias Berg", "206-555-0129", "en"),
    ("Ines Duarte", "206-555-0131", "es"), ("Marcus Bell", "206-555-0132", "en"),
]
# What the demo picket's callers heard, by position on each caller's list, and who came.
ANSWER_CYCLE = (CallAnswer.YES, CallAnswer.YES, CallAnswer.MAYBE, CallAnswer.NO,
                CallAnswer.YES, CallAnswer.WRONG_NUMBER, CallAnswer.YES, CallAnswer.REACHED)


def local_moment(network: Network, days_from_today: int, hour: int) -> datetime:
    """A wall-clock time where the network is, some days from today."""
    day = network_today(network) + timedelta(days=days_from_today)
    return datetime.combine(day, time(hour), tzinfo=zone_of(network))


def add_demo_ladder(network: Network, lead: User, callers: list[User]) -> None:
    """Supporters, then the escalating fight's ladder: a done picket with its call list and
    check-ins, the next action against a related business, and a planned brunch picket."""
    db.session.add_all(Person(network_id=network.id, name=name, phone=phone, languages=codes,
                              tier=Tier.SUPPORTER, sms_consent=True)
                       for name, phone, codes in DEMO_SUPPORTERS)
    lead.languages = "es,en"  # so the split gives her the Spanish speakers
    case = db.session.scalars(select(Case).where(
        Case.network_id == network.id, Case.state == CaseState.ESCALATING).order_by(Case.id)
    ).first()
    if case is None:
        return
    if not case.is_on_team(lead):
        case.team.append(lead)
    db.session.flush()
    picket = ladder.plan_action(case, lead, ladder.ActionPlan(
        kind=ActionKind.PICKET, title="Picket at Blue Fern Bistro",
        starts_at=local_moment(network, -9, 11), place="Sidewalk outside the front door",
        turnout_goal=15, calls_supporters=True,
        materials="Banner, 200 leaflets, sign-up sheet, water."))
    calls.build_call_list(picket, lead)
    calls.split_call_list(picket, lead, [u.id for u in callers], 15)
    by_id = {u.id: u for u in callers}
    for entry in sorted(picket.calls, key=lambda e: e.id):
        caller = by_id.get(entry.caller_id or 0)
        if caller is None:  # more people than the callers have room for
            continue
        # The fight's own member stands at the front of their own picket.
        is_member = entry.person_id == case.person_id
        answer = CallAnswer.YES if is_member else ANSWER_CYCLE[entry.id % len(ANSWER_CYCLE)]
        calls.record_answer(entry, caller, answer)
        if answer == CallAnswer.YES and (is_member or entry.id % 5 != 0):  # most who said yes
            calls.set_checked_in(entry, lead, True)
    ladder.add_role(picket, lead, ActionRoleKind.SPEAKER, case.person_id, "")
    ladder.add_role(picket, lead, ActionRoleKind.POLICE_LIAISON, None, "Jo (legal observer)")
    ladder.record_done(picket, lead, ladder.ActionReport(
        result="The manager came out after 40 minutes and took a leaflet; two tables left.",
        incidents="A customer shouted at the picket line; nothing more."))
    related = db.session.scalars(select(TargetFact).where(
        TargetFact.target_id == case.target_id, TargetFact.name == "Fern & Fig Café")).first()
    ladder.plan_action(case, lead, ladder.ActionPlan(
        kind=ActionKind.SECONDARY_TARGET, title="Leaflets at the owner's café",
        starts_at=local_moment(network, 3, 8), place="Fern & Fig Café",
        pressure_point_id=related.id if related else None, turnout_goal=8,
        calls_supporters=True, materials="Leaflet: 'Your owner keeps his workers' tips'."))
    ladder.plan_action(case, lead, ladder.ActionPlan(
        kind=ActionKind.PICKET, title="Saturday brunch picket",
        starts_at=local_moment(network, 10, 10), place="Sidewalk outside the front door",
        turnout_goal=25, calls_supporters=True))
