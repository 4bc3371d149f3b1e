"""Test setup for fights: a case placed in any state with every record its guards look at."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from casework.extensions import db
from casework.letters.context import LetterKind, to_snapshot
from casework.letters.services import context_of
from casework.models import (
    Case,
    Consent,
    ConsentMethod,
    ConsentSubject,
    ContactChannel,
    Decision,
    DecisionKind,
    DeclineReason,
    Delivery,
    Demand,
    DemandKind,
    Letter,
    LetterVersion,
    OutcomeKind,
    ReviewStatus,
    TargetContact,
)
from casework.workflow.moves import DeliveryInput, MoveInput, OutcomeInput
from casework.workflow.states import CaseState

NOW = datetime(2026, 11, 2, 18, 30, tzinfo=UTC)
LOGGED_AT = datetime(2026, 10, 1, 17, 0, tzinfo=UTC)
DELIVERED_AT = datetime(2026, 10, 18, 18, 0, tzinfo=UTC)  # its deadline (14 days) has passed


def complete_records(case: Case, state: CaseState) -> None:
    """Give the case everything every guard asks for, then put it in ``state``.

    Setting the state directly is test setup only: the app moves cases through the service.
    """
    case.created_at = LOGGED_AT  # logged before every record below
    case.winnability_notes = "Winnable: clear pay stubs, owner owns two more restaurants."
    case.screening_notes = "Met on 1 Nov."
    db.session.add_all([
        Decision(case=case, kind=DecisionKind.TAKE_FIGHT, meeting_on=date(2026, 11, 1),
                 proposal="Take the fight", votes_for=12, votes_against=1, votes_abstain=2),
        Consent(case=case, subject=ConsentSubject.DEMANDS, given_on=date(2026, 11, 1),
                method=ConsentMethod.IN_PERSON, consented_to="Pay the unpaid wages"),
        Demand(case=case, kind=DemandKind.MONEY, description="Pay the unpaid wages",
               amount=Decimal("2160.00"), calculation="120 h × $18"),
        TargetContact(case=case, happened_at=NOW, channel=ContactChannel.PHONE,
                      summary="Owner called to bargain"),
    ])
    case.deadline_days = 14
    db.session.flush()
    db.session.expire(case)
    approved_demand_letter(case)
    case.deadline_on = date(2026, 11, 1)  # already passed
    case.state = state
    case.paused_from = CaseState.DELIVERED if state == CaseState.PAUSED else None
    case.ended_from = CaseState.NEGOTIATING if state in (CaseState.WON, CaseState.CLOSED) \
        else None


def add_delivery(case: Case, delivered_at: datetime = DELIVERED_AT) -> Delivery:
    """The delivery record of a fight set up past "ready" (complete_records has none)."""
    delivery = Delivery(case=case, delivered_at=delivered_at, place="Blue Fern Bistro",
                        handed_over_by="Maria with 18 supporters", turnout=19)
    db.session.add(delivery)
    db.session.flush()
    db.session.expire(case, ["deliveries"])
    return delivery


def approved_demand_letter(case: Case) -> LetterVersion:
    """A demand letter whose version 1 the member approved and a reviewer passed."""
    letter = Letter(case=case, kind=LetterKind.DEMAND, language="en")
    version = LetterVersion(letter=letter, number=1, extra={})
    db.session.add_all([letter, version])
    version.snapshot = to_snapshot(context_of(version))
    version.approved_at = NOW
    version.member_approval_note = "Read together"
    version.review_status = ReviewStatus.PASSED
    db.session.flush()
    return version


def full_input(trigger: str) -> MoveInput:
    """A move input that satisfies the move's own form."""
    outcome = None
    if trigger == "win":
        outcome = OutcomeInput(kind=OutcomeKind.FULL, decided_on=date(2026, 11, 20),
                               amount_recovered=Decimal("2160.00"))
    elif trigger == "close":
        outcome = OutcomeInput(kind=OutcomeKind.MOOT, decided_on=date(2026, 11, 20),
                               debrief="The restaurant closed for good.")
    return MoveInput(
        reason="Agreed at the meeting",
        decline_reason=DeclineReason.REFERRED,
        referred_to="Tenants' legal clinic",
        delivery=DeliveryInput(delivered_at=NOW, place="Blue Fern Bistro, 12 Pine St",
                               handed_over_by="Maria with 18 supporters", turnout=19),
        outcome=outcome,
    )


def days(n: int) -> timedelta:
    return timedelta(days=n)
