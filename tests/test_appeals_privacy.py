"""No member's or anyone's personal data crosses to another network: every kind of message
of appeals and joint fights, built from fights full of generated names, phones, emails and
notes, is searched byte by byte for them."""

from __future__ import annotations

import string
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from casework.actions import services as actions
from casework.cases.services import CaseFacts, create_case
from casework.extensions import db
from casework.models import (
    ActionRoleKind,
    Appeal,
    AppealDirection,
    AppealKind,
    CallListEntry,
    Case,
    ContactChannel,
    IssueType,
    OutboxMessage,
    Person,
    TargetContact,
    TargetFact,
    TargetFactKind,
    User,
)
from casework.solidarity.appeals import (
    AppealInput,
    forward_contact_note,
    linked_peers,
    save_strategy,
    send_appeal,
)
from casework.solidarity.joint import answer_appeal
from casework.workflow.service import apply_transition
from casework.workflow.states import CaseState
from tests.fights import add_delivery, complete_records, full_input
from tests.joint_fights import Two, deliver, link_two
from tests.ladder import WHEN

LETTERS = st.text(string.ascii_letters, min_size=6, max_size=12)
WORDS = st.lists(LETTERS, min_size=2, max_size=4).map(" ".join)
DIGITS = st.text("0123456789", min_size=3, max_size=4)


@dataclass(frozen=True)
class Secrets:
    """Personal data for one fight: the member, a supporter, and notes about them."""

    member: str
    member_phone: str
    member_email: str
    supporter: str
    supporter_phone: str
    note: str

    def all(self) -> list[str]:
        return [self.member, self.member_phone, self.member_email, self.supporter,
                self.supporter_phone, self.note, self.member_phone.replace("-", "")]


secrets_strategy = st.builds(
    Secrets,
    member=st.builds(lambda a, b: f"Zq{a} Xv{b}", LETTERS, LETTERS),
    member_phone=st.builds(lambda a, b: f"206-{a[:3].zfill(3)}-{b.zfill(4)}", DIGITS, DIGITS),
    member_email=st.builds(lambda a, b: f"{a}@{b}.example", LETTERS, LETTERS),
    supporter=st.builds(lambda a: f"Wk{a}", LETTERS),
    supporter_phone=st.builds(lambda a, b: f"503-{a[:3].zfill(3)}-{b.zfill(4)}", DIGITS, DIGITS),
    note=st.builds(lambda words: f"Qj {words}", WORDS),
)


def full_of_personal_data(two: Two, secrets: Secrets) -> int:
    """A delivered Seattle fight whose every private field holds personal data."""
    author = db.session.get_one(User, two.sea_organizer)
    case = create_case(author, CaseFacts(
        person_name=secrets.member, person_phone=secrets.member_phone,
        person_email=secrets.member_email, safe_contact_notes=secrets.note,
        target_name="Acme Landlords", target_address=f"{secrets.supporter}'s house",
        issue_type=IssueType.DEPOSIT, summary="Deposit kept",
        what_happened=f"{secrets.member} said {secrets.note}"))
    complete_records(case, CaseState.DELIVERED)
    case.screening_notes = case.winnability_notes = secrets.note
    delivery = add_delivery(case)
    delivery.notes, delivery.handed_over_by = secrets.note, secrets.member
    case.target.contacts = f"{secrets.supporter} {secrets.supporter_phone}"
    case.target.research_notes = secrets.note
    case.target.facts.append(TargetFact(kind=TargetFactKind.MANAGER, name=secrets.supporter,
                                        details=secrets.supporter_phone))
    db.session.add(TargetContact(case=case, happened_at=delivery.delivered_at,
                                 channel=ContactChannel.PHONE,
                                 summary=f"{secrets.member} was called: {secrets.note}"))
    db.session.flush()
    return case.id


def an_action_with_people(case: Case, user: User, secrets: Secrets) -> None:
    """An action with a role, a call list of people and incidents naming them; done."""
    action = actions.plan_action(case, user, actions.ActionPlan(
        kind=actions.ActionKind.PICKET, starts_at=WHEN, place="Acme office",
        title=f"Picket with {secrets.supporter}", materials=secrets.note))
    actions.add_role(action, user, ActionRoleKind.SPEAKER, None, secrets.supporter)
    person = Person(network_id=case.network_id, name=secrets.supporter,
                    phone=secrets.supporter_phone, safe_contact_notes=secrets.note)
    db.session.add(person)
    db.session.flush()
    db.session.add(CallListEntry(action=action, person_id=person.id, is_checked_in=True))
    db.session.flush()
    action.incidents = secrets.note
    actions.record_done(action, user, actions.ActionReport(
        result="The manager came out", incidents=f"{secrets.supporter}: {secrets.note}"))


@pytest.fixture
def two(app: Flask, network_id: int, make_network: Callable[..., int],
        make_user: Callable[..., int]) -> Two:
    return link_two(app, network_id, make_network, make_user)


@settings(max_examples=8, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(secrets=secrets_strategy)
def test_no_personal_data_in_any_message_sent(app: Flask, two: Two, secrets: Secrets) -> None:
    with app.app_context():
        before = db.session.scalar(select(OutboxMessage.id).order_by(
            OutboxMessage.id.desc()).limit(1)) or 0
        seattle = db.session.get_one(User, two.sea_organizer)
        case_id = full_of_personal_data(two, secrets)
        case = db.session.get_one(Case, case_id)
        # The organizer slips: the member's name and phone in texts meant for the appeal.
        save_strategy(case, seattle, f"Stand with {secrets.member} ({secrets.member_phone})",
                      "We end the fight when the deposit is paid.")
        peer_ids = [peer.id for peer in linked_peers(case.network)]
        for kind in AppealKind:
            send_appeal(case, seattle, AppealInput(
                kind=kind, peer_ids=peer_ids, ask=f"Help {secrets.member.upper()}",
                why=f"Call {secrets.member_phone.replace('-', ' ')} or {secrets.member_email}",
                action_kind="picket", place="Acme office"))
        db.session.commit()
    deliver(app)
    with app.app_context():
        coordinator = db.session.get_one(User, two.pdx_coordinator)
        for appeal in db.session.scalars(select(Appeal).where(
                Appeal.network_id == two.pdx, Appeal.direction == AppealDirection.RECEIVED,
                Appeal.status == "new")):
            answer_appeal(appeal, coordinator, appeal.is_joint, "Count us in", "A call-in")
        db.session.commit()
        linked = db.session.scalars(select(Case).where(
            Case.network_id == two.pdx, Case.joint_with != "").order_by(Case.id.desc())).first()
        assert linked is not None
        an_action_with_people(linked, coordinator, secrets)
        forward_contact_note(linked, coordinator, "The landlord's office called us")
        db.session.commit()
    deliver(app)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        an_action_with_people(case, db.session.get_one(User, two.sea_organizer), secrets)
        seattle = db.session.get_one(User, two.sea_organizer)
        apply_transition(case_id, "win", seattle, full_input("win"), case.version,
                         today=date(2026, 11, 22))
        db.session.commit()
    deliver(app)
    with app.app_context():
        sent = db.session.execute(select(OutboxMessage.activity_type, OutboxMessage.body)
                                  .where(OutboxMessage.id > before)).all()
        kinds = {(activity, body.split('"object":{"type":"')[1].split('"')[0])
                 for activity, body in sent}
        assert kinds == {("Offer", "casework:Appeal"), ("Accept", "casework:Appeal"),
                         ("Reject", "casework:Appeal"), ("Update", "casework:JointFight"),
                         ("Announce", "casework:JointAction"),
                         ("Announce", "casework:ContactNote")}
        for _activity, body in sent:
            for secret in secrets.all():
                assert secret.lower() not in body.lower(), f"{secret!r} was sent"
        assert any("Stand with [" in body for _activity, body in sent)
