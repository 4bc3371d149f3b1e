"""Accepting an offer below the claim or with conditions leads somewhere: what is needed, the
form that records it, then the Accept button; never a lone Save button, never a 405."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.extensions import db
from casework.models import ContactChannel, OfferStatus, TargetContact
from casework.workflow.states import CaseState
from tests.fights import NOW

CLAIM = Decimal("1200.00")  # make_case's amount claimed


def add_offer(app: Flask, case_id: int, amount: Decimal, conditions: str) -> int:
    with app.app_context():
        offer = TargetContact(case_id=case_id, happened_at=NOW, channel=ContactChannel.EMAIL,
                              summary="Their lawyer wrote", is_offer=True, offer_amount=amount,
                              offer_conditions=conditions, offer_status=OfferStatus.OPEN)
        db.session.add(offer)
        db.session.commit()
        return offer.id


def status_of(app: Flask, offer_id: int) -> OfferStatus | None:
    with app.app_context():
        return db.session.get_one(TargetContact, offer_id).offer_status


@pytest.mark.parametrize(("amount", "conditions", "explained"), [
    (Decimal("900.00"), "", "less than the $1,200.00 claimed"),
    (CLAIM, "Sign an NDA", "It comes with conditions"),
], ids=["below_claim", "with_nda"])
def test_a_conditional_offer_leads_to_the_decision_then_to_acceptance(
    app: Flask, make_fight: Callable[..., tuple[int, int]],
    login_as: Callable[[int], FlaskClient], amount: Decimal, conditions: str, explained: str,
) -> None:
    case_id, organizer = make_fight(CaseState.NEGOTIATING)
    offer_id = add_offer(app, case_id, amount, conditions)
    client = login_as(organizer)
    accept_url = f"/cases/{case_id}/contacts/{offer_id}/accept"

    refused = client.post(accept_url)
    assert refused.status_code == 302
    assert refused.location.endswith(f"/cases/{case_id}/contacts/{offer_id}/decision")
    page = client.get(refused.location).get_data(as_text=True)
    assert explained in page
    assert "No meeting has voted to accept this offer yet" in page
    assert f'action="/cases/{case_id}/decisions"' in page
    assert ">Save<" not in page
    assert status_of(app, offer_id) == OfferStatus.OPEN

    back = client.get(accept_url)  # the browser's back button, or a reload
    assert back.status_code == 302 and back.location.endswith(f"/cases/{case_id}#contacts")

    recorded = client.post(f"/cases/{case_id}/decisions", data={
        "kind": "accept_offer", "offer_id": str(offer_id), "meeting_on": "2026-11-20",
        "proposal": "Accept it", "votes_for": "9", "votes_against": "1", "votes_abstain": "0"})
    assert recorded.location.endswith(f"/contacts/{offer_id}/decision")
    page = client.get(recorded.location).get_data(as_text=True)
    assert "The meeting voted to accept this offer" in page
    assert "The member's consent to this offer is not recorded" in page
    assert f'action="{accept_url}"' not in page
    consented = client.post(f"/cases/{case_id}/consents", data={
        "consent-subject": "offer", "consent-offer_id": str(offer_id),
        "consent-given_on": "2026-11-20", "consent-method": "in_person"})
    assert consented.status_code == 302
    page = client.get(recorded.location).get_data(as_text=True)
    assert "The member consents to it" in page
    assert f'action="{accept_url}"' in page
    assert client.post(accept_url).location.endswith(f"/cases/{case_id}#contacts")
    assert status_of(app, offer_id) == OfferStatus.ACCEPTED


def test_a_full_offer_without_conditions_is_accepted_at_once(
    app: Flask, make_fight: Callable[..., tuple[int, int]],
    login_as: Callable[[int], FlaskClient],
) -> None:
    case_id, organizer = make_fight(CaseState.NEGOTIATING)
    offer_id = add_offer(app, case_id, CLAIM, "")
    client = login_as(organizer)
    response = client.post(f"/cases/{case_id}/contacts/{offer_id}/accept")
    assert response.location.endswith(f"/cases/{case_id}#contacts")
    assert status_of(app, offer_id) == OfferStatus.ACCEPTED
    again = client.post(f"/cases/{case_id}/contacts/{offer_id}/reject", follow_redirects=True)
    assert "This offer was already decided." in again.get_data(as_text=True)
    assert status_of(app, offer_id) == OfferStatus.ACCEPTED


@pytest.mark.parametrize("path", ["decisions", "demands", "contacts", "notes", "screening",
                                  "deadline-rule", "delivery-date"])
def test_get_on_a_record_form_url_shows_the_form_on_its_own_page(
    make_fight: Callable[..., tuple[int, int]], login_as: Callable[[int], FlaskClient],
    path: str,
) -> None:
    """The case page links each record form to its own page, with a way back to the case."""
    case_id, organizer = make_fight(CaseState.NEGOTIATING)
    response = login_as(organizer).get(f"/cases/{case_id}/{path}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'<form method="post" action="/cases/{case_id}/{path}"' in page
    assert f'href="/cases/{case_id}#' in page

