"""A joint fight through two installations' pages: link by invitation, appeal, accept, an
action with its turnout, the win — each network in its own browser, on its own server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from casework import create_app
from casework.cases.services import CaseFacts, create_case
from casework.extensions import db
from casework.models import IssueType, Network, Role, User
from casework.workflow.states import CaseState
from tests.conftest import PASSWORD, PASSWORD_HASH
from tests.fights import complete_records
from tests.postgres_server import free_port

ZONE = ZoneInfo("America/Los_Angeles")


@dataclass(frozen=True)
class Installation:
    url: str
    app: Flask
    email: str
    case_id: int | None


def serve(tmp_path: Path, code: str, name: str) -> Iterator[Installation]:
    """One installation: its own database, base URL and network, served on a free port."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    app = create_app({
        "TESTING": False, "SECRET_KEY": f"{code}-browser-secret",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / f'{code}.sqlite3'}",
        "WTF_CSRF_ENABLED": True, "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False, "CASEWORK_BASE_URL": url,
        "CASEWORK_FEDERATION_ALLOW_HTTP": True})
    email = f"coordinator@{code.lower()}.example"
    with app.app_context():
        db.create_all()
        network = Network(name=name, code=code, timezone="America/Los_Angeles")
        db.session.add(network)
        db.session.flush()
        user = User(network_id=network.id, role=Role.COORDINATOR, name=f"{name} coordinator",
                    email=email, password_hash=PASSWORD_HASH)
        db.session.add(user)
        db.session.commit()
        case_id = None
        if code == "SEA":
            case = create_case(user, CaseFacts(
                person_name="Maria Example", person_phone="206-555-0100",
                target_name="Acme Landlords", issue_type=IssueType.DEPOSIT,
                summary="Deposit kept"))
            complete_records(case, CaseState.DELIVERED)
            db.session.commit()
            case_id = case.id
        db.session.remove()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Installation(url, app, email, case_id)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def seattle(tmp_path: Path) -> Iterator[Installation]:
    yield from serve(tmp_path, "SEA", "Seattle SolNet")


@pytest.fixture
def portland(tmp_path: Path) -> Iterator[Installation]:
    yield from serve(tmp_path, "PDX", "Portland SolNet")


def logged_in(browser: Browser, installation: Installation) -> Page:
    context = browser.new_context(base_url=installation.url,
                                  viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("Email").fill(installation.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome,")
    return page


def test_appeal_accept_action_win_through_both_installations(
        browser: Browser, seattle: Installation, portland: Installation) -> None:
    sea, pdx = logged_in(browser, seattle), logged_in(browser, portland)

    # Seattle invites; Portland pastes the invitation.
    sea.goto("/solidarity/")
    sea.locator("summary", has_text="Invite a network on another installation").click()
    sea.get_by_role("button", name="Make an invitation").click()
    address, code = (sea.locator("dl.summary code").nth(i).inner_text() for i in (0, 1))
    pdx.goto("/solidarity/")
    pdx.locator("summary", has_text="Use an invitation from another installation").click()
    pdx.get_by_label("Invitation address").fill(address)
    pdx.get_by_label("Code").fill(code)
    pdx.get_by_role("button", name="Link", exact=True).click()
    expect(pdx.get_by_role("status")).to_have_text("Linked with Seattle SolNet.")

    # Seattle writes the terms and asks Portland to join the fight.
    sea.goto(f"/cases/{seattle.case_id}")
    sea.get_by_role("link", name="Ask other networks for solidarity").click()
    textbox = sea.get_by_role("textbox", name="Strategy", exact=True)
    textbox.fill("Pickets at every branch, every Saturday.")
    textbox = sea.get_by_role("textbox", name="End conditions", exact=True)
    textbox.fill("We end the fight when the deposit is paid.")
    sea.get_by_role("button", name="Save", exact=True).click()
    sea.get_by_label("Joint fight").check()
    sea.get_by_label("Portland SolNet").check()
    textbox = sea.get_by_role("textbox", name="What you ask of them")
    textbox.fill("Picket the Portland office on Saturdays.")
    sea.get_by_role("button", name="Send the appeal").click()
    expect(sea.get_by_role("status")).to_have_text("Appeal sent to Portland SolNet.")

    # Portland accepts and lands on its linked fight; it plans and records a picket.
    pdx.goto("/solidarity/")
    expect(pdx.get_by_role("heading", name="Seattle SolNet asks: Joint fight")).to_be_visible()
    pdx.get_by_label("Accept", exact=True).check()
    pdx.get_by_role("button", name="Send the answer").click()
    expect(pdx.get_by_role("status")).to_contain_text("You joined the fight.")
    expect(pdx.get_by_text("A joint fight led by Seattle SolNet")).to_be_visible()
    pdx.get_by_role("button", name="Plan an action").click()
    pdx.get_by_label("Kind of action").select_option("picket")
    yesterday = datetime.now(ZONE).date() - timedelta(days=1)
    pdx.get_by_label("When").fill(f"{yesterday}T11:00")
    pdx.get_by_label("Place").fill("Acme office on Burnside")
    pdx.get_by_role("button", name="Plan the action").click()
    pdx.get_by_role("link", name="Picket").first.click()
    pdx.locator("summary", has_text="Record the action as done").click()
    pdx.get_by_role("textbox", name="Result", exact=True).fill("The manager came out")
    pdx.get_by_label("Turnout (people who came)").fill("40")
    pdx.get_by_role("button", name="Record as done").click()

    # Seattle sees Portland's picket with its turnout, and records the win.
    sea.goto(f"/cases/{seattle.case_id}")
    expect(sea.get_by_text(
        f"Portland SolNet: picket at Acme office on Burnside, {day_shown(yesterday)}, 40 people")
    ).to_be_visible()
    sea.get_by_role("button", name="Record a win…").click()
    sea.get_by_label("Won in full").check()
    sea.get_by_label("Date").fill(str(datetime.now(ZONE).date()))
    sea.get_by_label("Amount recovered ($)").fill("1200")
    sea.get_by_role("button", name="Record a win", exact=True).click()

    # Portland's linked fight shows it won.
    pdx.goto("/solidarity/")
    pdx.get_by_role("link", name="PDX-", exact=False).first.click()
    expect(pdx.locator(".summary-state .state")).to_have_text("Won")


def day_shown(day: date) -> str:
    """A date as the timeline shows it in English: 'Sat 21 Nov 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"
