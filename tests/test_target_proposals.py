"""A case form never overwrites a target other fights rely on: it proposes, someone who may
edit the target accepts or dismisses, and naming a target opens none of its research."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from casework.extensions import db
from casework.models import (
    AuditEntry,
    Case,
    Event,
    ProposalStatus,
    Role,
    Target,
    TargetFact,
    TargetFactKind,
    TargetKind,
    TargetProposal,
)
from tests.conftest import login
from tests.test_bad_input import VALID_INTAKE

# The intake volunteer's inquiry names the organizers' target, with other details.
HIJACK = {**VALID_INTAKE, "target_name": "ACME LANDLORDS", "target_kind": "person",
          "target_address": "1 Decoy Road"}


@dataclass
class Fight:
    """An organizer's fight against a researched target, and an intake volunteer."""

    case_id: int
    target_id: int
    organizer: int
    intake: int


@pytest.fixture
def fight(app: Flask, make_user: Callable[..., int], make_case: Callable[..., int]) -> Fight:
    organizer = make_user(Role.ORGANIZER, name="Omar Organizer")
    case_id = make_case(organizer, target_name="Acme Landlords",  # logged it: on its team
                        target_address="12 Pine St")
    with app.app_context():
        target_id = db.session.get_one(Case, case_id).target_id
        db.session.add(TargetFact(target_id=target_id, kind=TargetFactKind.OWNER,
                                  name="Daniel Marsh", details="Owns four buildings"))
        db.session.commit()
    return Fight(case_id, target_id, organizer, make_user(Role.INTAKE, name="Ivan Intake"))


def client_of(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    login(client, app, user_id)
    return client


def target_details(app: Flask, target_id: int) -> tuple[str, TargetKind, str]:
    with app.app_context():
        target = db.session.get_one(Target, target_id)
        return target.name, target.kind, target.address


def timeline(app: Flask, case_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(Event.note).where(
            Event.case_id == case_id).order_by(Event.id)))


def log_inquiry(client: FlaskClient, data: dict[str, str]) -> tuple[int, str]:
    """Log an inquiry through the form; the new case's id and the page it leads to."""
    response = client.post("/cases/new", data=data)
    assert response.status_code == 302
    case_id = int(response.location.rsplit("/", 1)[1])
    return case_id, client.get(response.location).get_data(as_text=True)


def proposal_buttons(page: str) -> list[str]:
    return re.findall(r'action="(/targets/\d+/proposals/\d+/(?:accept|reject))"', page)


def test_an_inquiry_naming_a_shared_target_proposes_and_changes_nothing(
        app: Flask, fight: Fight) -> None:
    intake = client_of(app, fight.intake)
    assert intake.get(f"/targets/{fight.target_id}").status_code == 403
    case_id, page = log_inquiry(intake, HIJACK)
    # The fight is against the same target, which keeps its details for every fight against it.
    assert target_details(app, fight.target_id) == ("Acme Landlords", TargetKind.COMPANY,
                                                    "12 Pine St")
    with app.app_context():
        assert db.session.get_one(Case, case_id).target_id == fight.target_id
    assert "its kind and address were not changed" in page
    assert "Acme Landlords (company)" in page and "12 Pine St" in page
    assert "Waiting for an organizer's review, proposed from this case: person, " \
           "1 Decoy Road." in page
    # Naming the target opened none of its research.
    assert intake.get(f"/targets/{fight.target_id}").status_code == 403
    assert "Daniel Marsh" not in page and "/targets/" not in page
    # The other fight is untouched, and nothing was said on its timeline.
    organizer = client_of(app, fight.organizer)
    other = organizer.get(f"/cases/{fight.case_id}").get_data(as_text=True)
    assert "Acme Landlords (company)" in other and "1 Decoy Road" not in other
    assert timeline(app, fight.case_id) == ["Inquiry logged"]


def test_an_organizer_accepts_a_proposal_and_the_open_fights_are_told(
        app: Flask, fight: Fight) -> None:
    case_id, _ = log_inquiry(client_of(app, fight.intake), HIJACK)
    organizer = client_of(app, fight.organizer)
    page = organizer.get(f"/targets/{fight.target_id}").get_data(as_text=True)
    section = page.split('id="proposals-heading"', 1)[1].split("</section>", 1)[0]
    assert "Ivan Intake" in section and "1 Decoy Road" in section and "Now: 12 Pine St" in section
    assert "Person <small>(now company)" in section
    accept, dismiss = proposal_buttons(page)
    response = organizer.post(accept, follow_redirects=True)
    assert "The proposed details were accepted." in response.get_data(as_text=True)
    assert 'id="proposals-heading"' not in response.get_data(as_text=True)
    assert target_details(app, fight.target_id) == ("Acme Landlords", TargetKind.PERSON,
                                                    "1 Decoy Road")
    with app.app_context():
        reference = db.session.get_one(Case, case_id).reference
        audited = db.session.scalars(sa.select(AuditEntry.detail).where(
            AuditEntry.action == "target.update", AuditEntry.user_id == fight.organizer)).one()
    told = f"Target details: accepted the kind and address proposed from {reference}."
    assert timeline(app, fight.case_id)[-1] == told
    assert timeline(app, case_id)[-1] == told
    assert set(audited.split(", ")) == {"kind", "address"}
    # A second answer to the same proposal (another tab) changes nothing more.
    again = organizer.post(dismiss, follow_redirects=True).get_data(as_text=True)
    assert "Omar Organizer already accepted these proposed details." in again
    assert timeline(app, fight.case_id)[-1] == told


def test_a_dismissed_proposal_leaves_the_target_and_tells_the_case_it_came_from(
        app: Flask, fight: Fight, make_user: Callable[..., int]) -> None:
    case_id, _ = log_inquiry(client_of(app, fight.intake), HIJACK)
    coordinator = client_of(app, make_user(Role.COORDINATOR))
    _, dismiss = proposal_buttons(coordinator.get(f"/targets/{fight.target_id}").get_data(
        as_text=True))
    assert coordinator.post(dismiss).status_code == 302
    assert target_details(app, fight.target_id) == ("Acme Landlords", TargetKind.COMPANY,
                                                    "12 Pine St")
    assert timeline(app, case_id)[-1] == ("Target details: dismissed the details proposed from "
                                          "this case; the target keeps its own.")
    assert timeline(app, fight.case_id) == ["Inquiry logged"]
    page = client_of(app, fight.intake).get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Waiting for an organizer" not in page


@pytest.mark.parametrize("verdict", ["accept", "reject"])
def test_an_intake_volunteer_cannot_answer_a_proposal(
        app: Flask, fight: Fight, verdict: str) -> None:
    intake = client_of(app, fight.intake)
    log_inquiry(intake, HIJACK)
    with app.app_context():
        proposal_id = db.session.scalars(sa.select(TargetProposal.id)).one()
    response = intake.post(f"/targets/{fight.target_id}/proposals/{proposal_id}/{verdict}")
    assert response.status_code == 403
    assert target_details(app, fight.target_id)[1:] == (TargetKind.COMPANY, "12 Pine St")
    with app.app_context():
        assert db.session.get_one(TargetProposal, proposal_id).status is ProposalStatus.PENDING


@pytest.mark.parametrize(("kind", "address", "proposed"), [
    ("company", "", False),  # nothing new: a blank address is "not known", not "none"
    ("company", "12 Pine St", False),
    ("person", "", True),
    ("company", "14 Pine St", True),
])
def test_only_details_that_differ_are_proposed(
        app: Flask, fight: Fight, kind: str, address: str, proposed: bool) -> None:
    _, page = log_inquiry(client_of(app, fight.intake), {
        **HIJACK, "target_kind": kind, "target_address": address})
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(TargetProposal.id)))
    assert count == int(proposed)
    assert ("its kind and address were not changed" in page) is proposed
    assert target_details(app, fight.target_id)[1:] == (TargetKind.COMPANY, "12 Pine St")


EDIT = {**VALID_INTAKE, "person_name": "Maria Example", "summary": "Deposit kept",
        "version": "1"}


@pytest.mark.parametrize(("target_name", "shared", "applied"), [
    ("acme landlords", False, False),  # renamed to the organizers' target: proposed
    ("Own Target LLC", True, False),  # its own target, which another fight now shares
    ("Own Target LLC", False, True),  # its own target, no one else's: changed
])
def test_editing_an_inquiry_overwrites_only_a_target_no_other_fight_has(
        app: Flask, fight: Fight, make_case: Callable[..., int], target_name: str,
        shared: bool, applied: bool) -> None:
    case_id = make_case(fight.intake, target_name="Own Target LLC")
    if shared:
        make_case(fight.intake, target_name="Own Target LLC")
    data = {**EDIT, "target_name": target_name, "target_kind": "person",
            "target_address": "1 Decoy Road"}
    response = client_of(app, fight.intake).post(f"/cases/{case_id}/edit", data=data,
                                                 follow_redirects=True)
    page = response.get_data(as_text=True)
    with app.app_context():
        target = db.session.get_one(Case, case_id).target
        details = target.name.lower(), target.kind, target.address
        proposals = db.session.scalar(sa.select(sa.func.count(TargetProposal.id)))
    if applied:
        assert details == ("own target llc", TargetKind.PERSON, "1 Decoy Road")
        assert proposals == 0 and "target kind, target address" in page
    else:
        assert details[1:] == (TargetKind.COMPANY, "12 Pine St" if target_name.startswith(
            "acme") else "")
        assert proposals == 1 and "its kind and address were not changed" in page
        assert "target kind" not in page.split("Timeline", 1)[1]
    assert target_details(app, fight.target_id)[1:] == (TargetKind.COMPANY, "12 Pine St")


def test_a_proposal_of_another_target_is_not_found_under_this_one(
        app: Flask, fight: Fight, make_case: Callable[..., int]) -> None:
    log_inquiry(client_of(app, fight.intake), HIJACK)
    make_case(target_name="Solo Bistro")
    with app.app_context():
        proposal_id = db.session.scalars(sa.select(TargetProposal.id)).one()
        solo = db.session.scalars(sa.select(Target.id).where(Target.name == "Solo Bistro")).one()
    response = client_of(app, fight.organizer).post(
        f"/targets/{solo}/proposals/{proposal_id}/accept")
    assert response.status_code == 404
    assert target_details(app, fight.target_id)[1:] == (TargetKind.COMPANY, "12 Pine St")
