"""A member caller rings a 30-person list on a 360 px phone; an organizer checks people in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from casework.actions import services
from casework.demo import DEMO_PASSWORD
from casework.extensions import db
from casework.models import (
    ActionKind,
    CallAnswer,
    CallListEntry,
    Case,
    Person,
    Role,
    Target,
    Tier,
    User,
)
from casework.workflow.states import CaseState
from tests.browser.conftest import LiveServer
from tests.browser.test_fight_flow import ORGANIZER, expect_flash, log_in

PHONE = {"width": 360, "height": 740}
CALLER_EMAIL = "carla.caller@example.org"
PICKET = "Picket at the leasing office"
# Who needs care: a safe-contact note, a language other than English.
CAREFUL = {"Ana Souza": ("Call only after 6 pm", "pt", "Portuguese"),
           "Wei Chen": ("Never leave a voicemail: her landlord shares the phone", "zh",
                        "Chinese"),
           "Tomasa Ruiz": ("Text first; calls only on weekends", "es", "Spanish")}
ANSWERS = {"Ana Souza": "Yes", "Wei Chen": "Maybe", "Caller Target 07": "Yes",
           "Caller Target 12": "No"}


@dataclass(frozen=True)
class CallList:
    case_id: int
    action_id: int


def set_up_call_list(live_server: LiveServer) -> CallList:
    """A picket on the demo's Harbor View fight, 30 people to call, all given to Carla, a
    member marked as a caller with a portal login."""
    with live_server.app.app_context():
        case = db.session.scalars(select(Case).join(Target, Target.id == Case.target_id).where(
            Target.name == "Harbor View Apartments", Case.state == CaseState.DELIVERED)).one()
        organizer = db.session.scalars(select(User).where(User.email == ORGANIZER)).one()
        action = services.plan_action(case, organizer, services.ActionPlan(
            kind=ActionKind.PICKET, title=PICKET, turnout_goal=20,
            starts_at=datetime.now(UTC) + timedelta(days=5)))
        caller = Person(network_id=case.network_id, name="Carla Caller", phone="206-555-0190",
                        tier=Tier.SUPPORTER, is_caller=True)
        db.session.add(caller)
        db.session.flush()
        people = [Person(network_id=case.network_id, name=name, phone=f"206-555-02{n:02}",
                         safe_contact_notes=CAREFUL.get(name, ("", ""))[0],
                         languages=CAREFUL[name][1] if name in CAREFUL else "en")
                  for n, name in enumerate([*CAREFUL, *(f"Caller Target {n:02}"
                                                      for n in range(27))])]
        db.session.add_all(people)
        db.session.flush()
        db.session.add_all(CallListEntry(action_id=action.id, person_id=p.id,
                                         caller_person_id=caller.id) for p in people)
        db.session.add(User(network_id=case.network_id, role=Role.MEMBER, name="Carla Caller",
                            email=CALLER_EMAIL, person_id=caller.id,
                            password_hash=generate_password_hash(DEMO_PASSWORD)))
        db.session.commit()
        return CallList(case.id, action.id)


def phone_page(browser: Browser, live_server: LiveServer) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport=PHONE, is_mobile=True,
                                  has_touch=True)
    context.set_default_timeout(10_000)
    return context.new_page()


def expect_no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"], page.url


def card(page: Page, name: str) -> Locator:
    return page.locator("li.call-card").filter(
        has=page.get_by_role("heading", name=name, exact=True))


def make_the_calls(page: Page, live_server: LiveServer, calls: CallList) -> None:
    log_in(page, CALLER_EMAIL)  # a caller with no fight of their own starts on their calls
    expect(page.get_by_role("heading", level=1)).to_have_text("My calls")
    page.get_by_role("link", name=PICKET).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My calls")
    expect(page.locator("li.call-card")).to_have_count(30)
    expect_no_sideways_scroll(page)

    for name, (note, _code, language) in CAREFUL.items():
        expect(card(page, name).locator(".safe-contact")).to_have_text(f"Safe contact: {note}")
        expect(card(page, name)).to_contain_text(f"Speaks {language}")
    expect(card(page, "Caller Target 00").locator(".safe-contact")).to_have_count(0)
    expect(card(page, "Ana Souza").get_by_role("link", name="Call Ana Souza on 206-555-0200")
           ).to_have_attribute("href", "tel:206-555-0200")

    for name, answer in ANSWERS.items():
        button = card(page, name).get_by_role("button", name=f"{answer}: {name}", exact=True)
        box = button.bounding_box()
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 360
        button.tap()
        expect_flash(page, f"Answer saved: {answer}.")
    page.reload()
    expect_no_sideways_scroll(page)
    for name, answer in ANSWERS.items():
        expect(card(page, name).locator(".call-now")).to_have_text(f"Answer: {answer}")
    with live_server.app.app_context():
        stored = dict(db.session.execute(
            select(Person.name, CallListEntry.answer).join(
                CallListEntry, CallListEntry.person_id == Person.id).where(
                CallListEntry.action_id == calls.action_id,
                CallListEntry.answer != CallAnswer.NOT_CALLED)).all())
    assert stored == {name: CallAnswer(answer.lower()) for name, answer in ANSWERS.items()}


def check_people_in(page: Page, live_server: LiveServer, calls: CallList) -> None:
    log_in(page, ORGANIZER)
    page.goto(f"/cases/{calls.case_id}/actions/{calls.action_id}/check-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Check-in")
    expect_no_sideways_scroll(page)
    names = page.locator("li.call-card .call-name")
    expect(names.nth(0)).to_have_text("Ana Souza")  # those who said yes first
    expect(names.nth(1)).to_have_text("Caller Target 07")
    for name in ("Ana Souza", "Caller Target 07", "Wei Chen"):
        card(page, name).get_by_role("button", name=f"Check in: {name}").tap()
        expect_flash(page, "Checked in.")
        expect(card(page, name)).to_contain_text("✓ Checked in")
    expect_no_sideways_scroll(page)
    expect(page.get_by_role("main")).to_contain_text("3 checked in")
    with live_server.app.app_context():
        here = db.session.scalars(select(Person.name).join(
            CallListEntry, CallListEntry.person_id == Person.id).where(
            CallListEntry.action_id == calls.action_id, CallListEntry.is_checked_in.is_(True))
            .order_by(Person.name)).all()
    assert here == ["Ana Souza", "Caller Target 07", "Wei Chen"]


def test_a_member_caller_rings_thirty_people_on_a_phone_and_people_are_checked_in(
        browser: Browser, live_server: LiveServer) -> None:
    calls = set_up_call_list(live_server)
    caller = phone_page(browser, live_server)
    make_the_calls(caller, live_server, calls)
    caller.context.close()
    organizer = phone_page(browser, live_server)
    check_people_in(organizer, live_server, calls)
    organizer.context.close()
