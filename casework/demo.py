"""Demo data: one network, a user of each role and a dozen realistic fights."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import select

from casework.actions.demo import add_demo_ladder, local_moment
from casework.cases.services import CaseFacts, create_case
from casework.cases.team import set_case_team
from casework.clock import network_today
from casework.demo_history import date_demo_history
from casework.extensions import db
from casework.fight import services as fight
from casework.letters import services as letters
from casework.letters.context import LetterKind
from casework.models import (
    Case,
    ConsentMethod,
    ConsentSubject,
    ContactChannel,
    DecisionKind,
    DeclineReason,
    DemandKind,
    Event,
    IssueType,
    Network,
    OutcomeKind,
    PageSize,
    Person,
    RetaliationRisk,
    Role,
    Target,
    TargetFactKind,
    TargetKind,
    Urgency,
    User,
)
from casework.models.base import utcnow
from casework.reports.fight_figures import refresh_fight_figures
from casework.targets import services as research
from casework.users.services import create_user
from casework.workflow.moves import DeliveryInput, MoveInput, OutcomeInput
from casework.workflow.service import apply_transition
from casework.workflow.states import CaseState

DEMO_PASSWORD = "solidarity-demo-2026"  # noqa: S105 - published demo credentials

DEMO_USERS = [
    ("Rosa Coordinator", "coordinator@demo.casework.org", Role.COORDINATOR),
    ("Omar Organizer", "organizer@demo.casework.org", Role.ORGANIZER),
    ("Lena Organizer", "lena@demo.casework.org", Role.ORGANIZER),
    ("Ivan Intake", "intake@demo.casework.org", Role.INTAKE),
    ("Lucía Morales", "lucia@demo.casework.org", Role.ORGANIZER),
]
# Lucía organizes in Spanish: her pages are in Spanish, and she is on the Spanish speakers'
# case teams. One of those members, Lucía Fernández, logs in to the portal, in Spanish too.
SPANISH_ORGANIZER_EMAIL = "lucia@demo.casework.org"
SPANISH_MEMBER = ("Lucía Fernández", "lucia.fernandez@demo.casework.org")

# (state, facts, amount) — enough variety to try every filter.
DEMO_CASES: list[tuple[CaseState, CaseFacts]] = [
    (CaseState.INQUIRY, CaseFacts(
        person_name="Maria Lopez", person_phone="206-555-0101", language="es",
        target_name="Blue Fern Bistro", issue_type=IssueType.UNPAID_WAGES,
        summary="Three weeks of unpaid wages after the restaurant changed owners",
        what_happened="Worked 120 hours in March; last three paychecks never came.",
        amount_claimed=Decimal("2160.00"), urgency=Urgency.HIGH, still_employed_or_housed=False)),
    (CaseState.INQUIRY, CaseFacts(
        person_name="Dmitri Volkov", safe_contact_notes="Text only, after 6pm.",
        target_name="Cascade Property Group", issue_type=IssueType.DEPOSIT,
        summary="Deposit of $1,800 kept with no itemised list",
        amount_claimed=Decimal("1800.00"), still_employed_or_housed=False)),
    (CaseState.SCREENING, CaseFacts(
        person_name="Aisha Bello", person_email="aisha.b@example.org",
        target_name="Cascade Property Group", issue_type=IssueType.REPAIRS,
        summary="Mould and a broken heater ignored for five months",
        what_happened="Two children with asthma; landlord says 'next week' every week.",
        urgency=Urgency.URGENT, retaliation_risk=RetaliationRisk.HIGH,
        still_employed_or_housed=True)),
    (CaseState.SCREENING, CaseFacts(
        person_name="Tomás Reyes", person_phone="206-555-0144", language="es",
        target_name="Evergreen Staffing LLC", issue_type=IssueType.ILLEGAL_FEES,
        summary="Staffing agency deducts a $40 weekly 'transport fee'",
        amount_claimed=Decimal("960.00"), still_employed_or_housed=True)),
    (CaseState.PROPOSED, CaseFacts(
        person_name="June Park", person_phone="206-555-0177",
        target_name="Harbor View Apartments", issue_type=IssueType.ILLEGAL_FEES,
        summary="$75 monthly 'amenity fee' added mid-lease",
        amount_claimed=Decimal("675.00"), still_employed_or_housed=True)),
    (CaseState.DRAFTING, CaseFacts(
        person_name="Samuel Okafor", person_phone="206-555-0190",
        target_name="Northgate Auto Body", issue_type=IssueType.UNPAID_WAGES,
        summary="Final paycheck withheld after quitting",
        amount_claimed=Decimal("1420.50"), still_employed_or_housed=False)),
    (CaseState.READY, CaseFacts(
        person_name="Lucía Fernández", person_phone="206-555-0123", language="es",
        target_name="Sunrise Cleaning Co.", issue_type=IssueType.UNPAID_WAGES,
        summary="Overtime never paid for six months of office cleaning",
        amount_claimed=Decimal("3840.00"), urgency=Urgency.HIGH)),
    (CaseState.DELIVERED, CaseFacts(
        person_name="Kevin Nguyen", person_email="kn.tenant@example.org",
        target_name="Harbor View Apartments", issue_type=IssueType.DEPOSIT,
        summary="Deposit withheld for 'carpet' that was already worn at move-in",
        amount_claimed=Decimal("1250.00"), still_employed_or_housed=False)),
    (CaseState.ESCALATING, CaseFacts(
        person_name="Fatima Hassan", person_phone="206-555-0155",
        target_name="Blue Fern Bistro", issue_type=IssueType.UNPAID_WAGES,
        summary="Tips kept by the manager for two months",
        amount_claimed=Decimal("1980.00"), urgency=Urgency.HIGH)),
    (CaseState.NEGOTIATING, CaseFacts(
        person_name="Peter Olsen", person_phone="206-555-0166",
        target_name="Rainier Rentals", issue_type=IssueType.REPAIRS,
        summary="No hot water for seven weeks in a 12-unit building",
        urgency=Urgency.URGENT, still_employed_or_housed=True)),
    (CaseState.WON, CaseFacts(
        person_name="Grace Kim", person_phone="206-555-0188",
        target_name="Evergreen Staffing LLC", issue_type=IssueType.UNPAID_WAGES,
        summary="Two weeks unpaid after a warehouse contract ended",
        amount_claimed=Decimal("1600.00"), still_employed_or_housed=False)),
    (CaseState.CLOSED, CaseFacts(
        person_name="Ahmed Musa", person_phone="206-555-0199",
        target_name="Lakeside Diner", issue_type=IssueType.WRONGFUL_FIRING,
        summary="Fired after asking about sick leave; diner has since closed",
        target_kind=TargetKind.PERSON)),
    (CaseState.DECLINED, CaseFacts(
        person_name="Bruno Silva", person_phone="206-555-0111",
        target_name="Lakeside Diner", issue_type=IssueType.OTHER,
        summary="Dispute with a co-worker over shifts; not a fight with the boss")),
    (CaseState.PAUSED, CaseFacts(
        person_name="Elena Petrova", person_phone="206-555-0133",
        target_name="Rainier Rentals", issue_type=IssueType.EVICTION,
        summary="Eviction notice days after a repair request; member travelling",
        retaliation_risk=RetaliationRisk.HIGH, still_employed_or_housed=True)),
]


# The road each demo fight takes through the workflow, by the state it should end in.
ROADS: dict[CaseState, tuple[str, ...]] = {
    CaseState.INQUIRY: (),
    CaseState.SCREENING: ("screen",),
    CaseState.PROPOSED: ("screen", "propose"),
    CaseState.DECLINED: ("screen", "propose", "decline"),
    CaseState.DRAFTING: ("screen", "propose", "accept"),
    CaseState.READY: ("screen", "propose", "accept", "approve_letter"),
    CaseState.DELIVERED: ("screen", "propose", "accept", "approve_letter", "deliver"),
    CaseState.ESCALATING: ("screen", "propose", "accept", "approve_letter", "deliver",
                           "escalate"),
    CaseState.NEGOTIATING: ("screen", "propose", "accept", "approve_letter", "deliver",
                            "open_talks"),
    CaseState.WON: ("screen", "propose", "accept", "approve_letter", "deliver", "open_talks",
                    "win"),
    CaseState.CLOSED: ("screen", "propose", "accept", "approve_letter", "deliver", "escalate",
                       "close"),
    CaseState.PAUSED: ("screen", "propose", "accept", "pause"),
}
# Days ago each fight's letter was delivered, so deadlines fall before and after today.
DELIVERED_DAYS_AGO = {CaseState.DELIVERED: 4, CaseState.ESCALATING: 24,
                      CaseState.NEGOTIATING: 10, CaseState.WON: 40, CaseState.CLOSED: 60}
# Days ago each fight was logged: before anything else happened to it.
LOGGED_DAYS_AGO = {CaseState.INQUIRY: 1, CaseState.SCREENING: 6, CaseState.PROPOSED: 12,
                   CaseState.DECLINED: 15}


def logged_days_ago(state: CaseState) -> int:
    """A fight past the meeting was logged a month before its meeting (and its delivery)."""
    return LOGGED_DAYS_AGO.get(state, DELIVERED_DAYS_AGO.get(state, 5) + 30)


# The demo demands (see prepare_for) as a Spanish letter words them.
SPANISH_DEMANDS = (
    ("Pague lo que se debe", "Según los registros de pago y los recibos"),
    ("Ninguna represalia de ningún tipo", ""),
)


def load_demo() -> list[User]:
    """Create the demo network, users and fights (each walked through the real workflow)."""
    network = Network(name="Seattle Solidarity Network (demo)", code="SEA",
                      timezone="America/Los_Angeles", page_size=PageSize.LETTER,
                      hotline_phone="206-555-0000", contact_email="hotline@demo.casework.org",
                      intake_email="intake-team@demo.casework.org", public_form_open=True)
    db.session.add(network)
    db.session.flush()
    users = [create_user(network, name, email, role, DEMO_PASSWORD)
             for name, email, role in DEMO_USERS]
    coordinator, omar, lena, intake, lucia = users
    lucia.languages, lucia.ui_language = "es,en", "es"
    for index, (state, facts) in enumerate(DEMO_CASES):
        author = intake if state in (CaseState.INQUIRY, CaseState.SCREENING) else coordinator
        case = create_case(author, facts)
        backdate_logging(case, logged_days_ago(state))
        if state is not CaseState.INQUIRY:
            organizer = omar if index % 2 else lena
            team = [organizer.id, lucia.id] if facts.language == "es" else [organizer.id]
            set_case_team(case, coordinator, team)
            for trigger in ROADS[state]:
                prepare_for(case, trigger, organizer, DELIVERED_DAYS_AGO.get(state, 5))
                apply_transition(case.id, trigger, organizer, demo_input(case, trigger, state),
                                 case.version)
        date_demo_history(case)
    db.session.flush()
    add_demo_research(network, omar)
    add_demo_ladder(network, lena, [lena, omar, coordinator])
    for case in db.session.scalars(select(Case).where(Case.network_id == network.id)):
        refresh_fight_figures(case)  # after the history was dated and the actions carried out
    return [*users, add_spanish_member_login(network)]


def add_spanish_member_login(network: Network) -> User:
    """The portal login of a Spanish-speaking member, whose pages are in Spanish."""
    name, email = SPANISH_MEMBER
    case = db.session.scalars(select(Case).where(Case.network_id == network.id)
                              .join(Case.person).where(Person.name == name)).one()
    member = create_user(network, name, email, Role.MEMBER, DEMO_PASSWORD)
    member.person_id, member.languages, member.ui_language = case.person_id, "es,en", "es"
    db.session.flush()
    return member


def backdate_logging(case: Case, days_ago: int) -> None:
    """The demo fight was logged some days ago (its first timeline entry with it)."""
    logged_at = utcnow() - timedelta(days=days_ago)
    case.created_at = case.state_changed_at = logged_at
    for event in db.session.scalars(select(Event).where(Event.case_id == case.id)):
        event.created_at = logged_at
    db.session.flush()


def prepare_for(case: Case, trigger: str, organizer: User, days_ago: int) -> None:
    """Record what the move's guard asks for, as the case team would."""
    today = network_today(case.network)
    if trigger == "propose":
        fight.save_screening(case, organizer, "Met at the hotline office; pay stubs and texts "
                             "seen.", "Winnable: the target has a public storefront and "
                             "cares about reviews; the member will take part.")
    elif trigger == "accept":
        meeting_on = today - timedelta(days=days_ago + 7)
        fight.record_decision(case, organizer, fight.DecisionInput(
            kind=DecisionKind.TAKE_FIGHT, meeting_on=meeting_on,
            proposal="Take on the fight", votes_for=14, votes_against=0, votes_abstain=2))
        fight.record_consent(case, organizer, fight.ConsentInput(
            subject=ConsentSubject.DEMANDS, given_on=meeting_on,
            method=ConsentMethod.IN_PERSON, consented_to="Pay what is owed; no retaliation.",
            note="Said yes at the meeting, after the vote."))
    elif trigger == "approve_letter":
        amount = case.amount_claimed or Decimal("500.00")
        fight.add_demand(case, organizer, DemandKind.MONEY, "Pay what is owed", amount,
                         "As computed from the pay records and receipts")
        fight.add_demand(case, organizer, DemandKind.ACTION, "No retaliation of any kind", None,
                         "")
        fight.set_deadline_rule(case, organizer, 14, None)
        letter = letters.create_letter(case, organizer, LetterKind.DEMAND)
        version = letter.versions[-1]
        texts = letters.version_texts(version)
        if "es" in texts:  # the demands' wording, written in Spanish too
            for wording, (description, calculation) in zip(
                    texts["es"]["demands"].values(), SPANISH_DEMANDS, strict=True):
                wording["description"], wording["calculation"] = description, calculation
            letters.save_texts(letter, organizer, texts)
        letters.approve_version(version, organizer, "Read it together with the member; agreed.")
        # The review is someone else's: never the letter's own author.
        reviewer = db.session.scalars(select(User).where(
            User.network_id == case.network_id, User.role == Role.COORDINATOR)).one()
        letters.review_version(version, reviewer, True, "")
    elif trigger == "open_talks":
        fight.log_contact(case, organizer, fight.ContactInput(
            happened_at=local_moment(case.network, -max(days_ago - 3, 1), 15),
            channel=ContactChannel.PHONE, summary="The owner called the hotline to bargain.",
            is_offer=True, offer_amount=(case.amount_claimed or Decimal("500")) / 2))


def demo_input(case: Case, trigger: str, state: CaseState) -> MoveInput:
    """What the move's form would carry for a demo fight (dates where the network is)."""
    days_ago = DELIVERED_DAYS_AGO.get(state, 5)
    today = network_today(case.network)
    if trigger == "decline":
        return MoveInput(decline_reason=DeclineReason.OUT_OF_SCOPE,
                         reason="A dispute between co-workers, not with the boss.")
    if trigger == "deliver":
        return MoveInput(delivery=DeliveryInput(
            delivered_at=local_moment(case.network, -days_ago, 11), place="At the front counter",
            handed_over_by="The member, with supporters", turnout=16,
            target_reaction="Took the letter and said nothing."))
    if trigger == "win":
        return MoveInput(outcome=OutcomeInput(
            kind=OutcomeKind.FULL, decided_on=today - timedelta(days=3),
            amount_recovered=case.amount_claimed or Decimal("0")))
    if trigger == "close":
        return MoveInput(outcome=OutcomeInput(
            kind=OutcomeKind.MOOT, decided_on=today - timedelta(days=20),
            debrief="The diner closed for good two weeks after the first picket."))
    if trigger in ("pause", "escalate"):
        return MoveInput(reason="The member is travelling for a family emergency."
                         if trigger == "pause" else "")
    return MoveInput()


# Research on a few targets (fictional people and businesses). Blue Fern Bistro and Cascade
# Property Group share an owner, so each lists the other as possibly related.
DEMO_RESEARCH: dict[str, list[tuple[TargetFactKind, str, str, str]]] = {
    "Blue Fern Bistro": [
        (TargetFactKind.OWNER, "Daniel Marsh", "Bought the bistro in February.",
         "State business licence lookup"),
        (TargetFactKind.RELATED_BUSINESS, "Fern & Fig Café", "Same owner, two blocks away; "
         "busiest on weekday mornings.", "Licence lookup; the café's own web page"),
        (TargetFactKind.LEVERAGE_POINT, "Saturday brunch", "The busiest service of the week; "
         "the owner answers every online review.", "Workers' account"),
        (TargetFactKind.SOURCE, "County business licence records", "Searched by owner name.",
         ""),
    ],
    "Cascade Property Group": [
        (TargetFactKind.OWNER, "Daniel Marsh", "Managing member of the LLC.",
         "Secretary of State corporations search"),
        (TargetFactKind.PROPERTY, "Alder Court, 14 units", "Same management office as the "
         "members' building.", "County assessor"),
    ],
}


def add_demo_research(network: Network, researcher: User) -> None:
    """Record the demo research through the same service as the target page."""
    for name, facts in DEMO_RESEARCH.items():
        target = db.session.scalars(select(Target).where(
            Target.network_id == network.id, Target.name == name)).one()
        for kind, fact_name, details, source in facts:
            research.add_fact(target, researcher, research.FactInput(
                kind=kind, name=fact_name, details=details, source=source))
