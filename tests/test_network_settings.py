"""The network settings page: coordinators set the network's public identity and defaults,
each change is in the audit log, bad input is refused next to its field, and the new
settings take effect (a fight's default deadline, the letters' signature line)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.extensions import db
from casework.letters.context import from_snapshot, to_snapshot
from casework.letters.rendering import render_html
from casework.letters.services import context_of
from casework.models import AuditEntry, Case, Letter, Network, PageSize, Role
from casework.workflow.states import CaseState
from tests.test_letters_flow import latest_version, pdf_text, start_letter

VALID = {
    "name": "Seattle Solidarity Network", "hotline_phone": "(206) 555-0199",
    "contact_email": "Info@SeaSol.example", "address": "PO Box 1, Seattle WA",
    "timezone": "America/Chicago", "page_size": "A4", "default_deadline_days": "10",
    "signature_line": "Seattle Solidarity Network, case team",
    "intake_email": "Intake@SeaSol.example", "appeals_delegate_id": "",
    "public_form_open": "y",
}


TYPED_FIELDS = {"timezone", "default_deadline_days", "contact_email", "intake_email",
                "hotline_phone"}


def settings_of(app: Flask, network_id: int) -> dict[str, Any]:
    with app.app_context():
        network = db.session.get_one(Network, network_id)
        return {name: getattr(network, name) for name in (*VALID, "code")}


def audit_entries(app: Flask, network_id: int) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "network.update", AuditEntry.network_id == network_id)))


@pytest.fixture
def coordinator(make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]
                ) -> FlaskClient:
    return login_as(make_user(Role.COORDINATOR, name="Cora Coordinator"))


def test_a_coordinator_sets_the_network_and_the_log_says_what_changed_without_values(
        app: Flask, coordinator: FlaskClient, network_id: int, db_backend: str,
        make_user: Callable[..., int]) -> None:
    delegate = make_user(Role.ORGANIZER, name="Dana Delegate")
    response = coordinator.post("/network/settings",
                                data={**VALID, "appeals_delegate_id": str(delegate)})
    assert response.status_code == 302
    saved = settings_of(app, network_id)
    assert saved | {"code": "SEA"} == {
        **VALID, "code": "SEA", "page_size": PageSize.A4, "default_deadline_days": 10,
        "intake_email": "intake@seasol.example", "appeals_delegate_id": delegate,
        "public_form_open": True}
    page = coordinator.get("/network/settings").get_data(as_text=True)
    assert "Settings saved" in page and "(206) 555-0199" in page
    [entry] = audit_entries(app, network_id)
    assert "timezone" in entry.detail and "signature_line" in entry.detail
    log = html.unescape(coordinator.get("/audit/").get_data(as_text=True))
    assert ("Cora Coordinator changed the network's settings: the name, time zone, paper size, "
            "hotline phone, public email" in log)
    assert "signature line, appeals delegate and public form's status." in log
    assert "555-0199" not in log and "America/Chicago" not in log  # names, never values
    # Saving the same again changes nothing and logs nothing.
    coordinator.post("/network/settings", data={**VALID, "appeals_delegate_id": str(delegate)})
    assert len(audit_entries(app, network_id)) == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("timezone", "Mars/Olympus_Mons", "Choose a time zone from the list"),
    ("timezone", "", "Choose the network's time zone."),
    ("default_deadline_days", "0", "from 3 to 60"),
    ("default_deadline_days", "61", "from 3 to 60"),
    ("default_deadline_days", "two weeks", "Not a valid integer value"),
    ("contact_email", "not-an-address", "This is not an email address."),
    ("intake_email", "intake@", "This is not an email address."),
    ("name", "", "The network needs a name."),
    ("name", "Sea\x1b[31mttle", "cannot be stored"),
    ("hotline_phone", "call us", "at least 7 digits"),
    ("page_size", "A3", "Not a valid choice"),
    ("appeals_delegate_id", "intake", "Not a valid choice"),
    ("appeals_delegate_id", "other network", "Not a valid choice"),
])
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(
        app: Flask, coordinator: FlaskClient, network_id: int, make_user: Callable[..., int],
        make_network: Callable[..., int], field: str, value: str, message: str) -> None:
    if field == "appeals_delegate_id":
        value = str(make_user(Role.INTAKE) if value == "intake" else
                    make_user(Role.ORGANIZER, network=make_network("OTH")))
    before = settings_of(app, network_id)
    typed = {**VALID, "hotline_phone": "206-555-0123", field: value}
    response = coordinator.post("/network/settings", data=typed)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    # What was typed is still there to correct and send again, the bad value too.
    assert 'value="Seattle Solidarity Network, case team"' in page
    assert 'value="206-555-0123"' in page or field == "hotline_phone"
    if field in TYPED_FIELDS and value:
        assert f'value="{html.escape(value)}"' in page
    assert settings_of(app, network_id) == before
    assert audit_entries(app, network_id) == []


def test_the_page_offers_the_time_zones_and_the_delegates_and_is_linked_from_the_header(
        app: Flask, coordinator: FlaskClient, make_user: Callable[..., int]) -> None:
    make_user(Role.ORGANIZER, name="Olga Organizer")
    make_user(Role.INTAKE, name="Ian Intake")
    page = coordinator.get("/cases/").get_data(as_text=True)
    assert 'href="/network/settings"' in page and 'href="/network/posters"' in page
    page = coordinator.get("/network/settings").get_data(as_text=True)
    assert '<option value="America/Los_Angeles">' in page and 'list="time-zones"' in page
    assert "Olga Organizer (organizer)" in page and "Cora Coordinator (coordinator)" in page
    assert "Ian Intake" not in page
    assert "http://localhost/n/sea/get-in-touch" in page


def test_an_organizer_sees_no_network_links(
        make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]) -> None:
    client = login_as(make_user(Role.ORGANIZER))
    assert "/network/settings" not in client.get("/cases/").get_data(as_text=True)
    assert client.get("/network/settings").status_code == 403


def set_network(app: Flask, network_id: int, **values: Any) -> None:
    with app.app_context():
        network = db.session.get_one(Network, network_id)
        for name, value in values.items():
            setattr(network, name, value)
        db.session.commit()


@pytest.mark.parametrize("default_days", [10, 30])
def test_a_new_fight_proposes_the_networks_default_deadline(
        app: Flask, network_id: int, make_fight: Callable[..., tuple[int, int]],
        login_as: Callable[[int], FlaskClient], default_days: int) -> None:
    set_network(app, network_id, default_deadline_days=default_days)
    case_id, organizer = make_fight(CaseState.DRAFTING)
    with app.app_context():
        db.session.get_one(Case, case_id).deadline_days = None  # no rule chosen yet
        db.session.commit()
    client = login_as(organizer)
    page = client.get(f"/cases/{case_id}/deadline-rule").get_data(as_text=True)
    assert (f'<option selected value="{default_days}">{default_days} days after delivery'
            in page)
    letter_id = start_letter(client, case_id)
    with app.app_context():
        version = db.session.get_one(Letter, letter_id).latest
        assert version is not None and context_of(version).deadline_days == default_days
    response = client.post(f"/cases/{case_id}/deadline-rule",
                           data={"deadline_days": str(default_days)})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get_one(Case, case_id).deadline_days == default_days


def test_letters_sign_with_the_signature_line_and_old_snapshots_with_the_name(
        app: Flask, network_id: int, make_fight: Callable[..., tuple[int, int]],
        login_as: Callable[[int], FlaskClient]) -> None:
    set_network(app, network_id, name="Seattle Solidarity Network",
                signature_line="SeaSol, the Blue Fern case team")
    case_id, organizer = make_fight(CaseState.DRAFTING)
    client = login_as(organizer)
    version_id = latest_version(app, start_letter(client, case_id))
    text = pdf_text(client.get(f"/letters/versions/{version_id}/pdf").data)
    assert "SeaSol, the Blue Fern case team" in text
    with app.app_context():
        version = db.session.get(Letter, 1)
        assert version is not None and version.latest is not None
        stored = to_snapshot(context_of(version.latest))
        del stored["signature_line"]  # a letter approved before the network had one
        old = render_html(from_snapshot(stored))
    assert "SeaSol, the Blue Fern" not in old and "Seattle Solidarity Network" in old
