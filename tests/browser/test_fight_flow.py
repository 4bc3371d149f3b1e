"""One fight from inquiry to won, through the case page, in a real browser."""

from __future__ import annotations

import hashlib
import io
import re
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from babel.dates import format_date
from playwright.sync_api import Locator, Page, expect
from pypdf import PdfReader

from casework.demo import DEMO_PASSWORD
from tests.browser.conftest import LiveServer

ORGANIZER = "organizer@demo.casework.org"
NETWORK_ZONE = ZoneInfo("America/Los_Angeles")  # the demo network's time zone
REFERENCE = re.compile(r"SEA-\d{4}-\d{4}")
TARGET = "Quarry Lane Logistics"
SUMMARY = "Six weeks of unpaid wages after the warehouse shift was cut"
NOTE = "Call-in: 30 calls to the owner's office"
DELIVERED_DAYS_AGO = 20
DEADLINE_DAYS = 14


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome,")


def region(page: Page, name: str) -> Locator:
    """A case-page section, found by its heading."""
    return page.get_by_role("region", name=name, exact=True)


def open_form(page: Page, link: str) -> None:
    """Follow the case page's link to one of its record forms (each on a page of its own)."""
    page.get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def open_details(page: Page, summary: str) -> None:
    """Open a collapsed <details> by clicking its summary."""
    page.locator("summary", has_text=summary).click()


def expect_flash(page: Page, text: str) -> None:
    expect(page.get_by_role("status")).to_have_text(text)


def expect_state(page: Page, label: str) -> None:
    """The state badge in the case page's summary."""
    expect(page.locator(".summary-state .state")).to_have_text(label)


def move(page: Page, label: str, new_state: str) -> None:
    """Make a move that needs no form: a plain POST button in the Moves section."""
    region(page, "Moves").get_by_role("button", name=label, exact=True).click()
    expect_flash(page, f"{label}: the fight is now “{new_state}”.")
    expect_state(page, new_state)


def open_move_form(page: Page, label: str) -> None:
    """Follow a move that asks for input to its own form page.

    The move is a link to that page, but it carries role="button", so that is its role.
    """
    region(page, "Moves").get_by_role("button", name=f"{label}…", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(label)


def network_today() -> date:
    return datetime.now(NETWORK_ZONE).date()


def long_date(day: date) -> str:
    """A date as the app shows it, e.g. 'Mon 3 Nov 2026'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def logged_long_ago(live_server: LiveServer, reference: str) -> None:
    """Setup: the inquiry was logged 40 days ago, so its letter can be delivered 20 days ago."""
    from sqlalchemy import select

    from casework.extensions import db
    from casework.models import Case, Event

    with live_server.app.app_context():
        case = db.session.scalars(select(Case).where(Case.reference == reference)).one()
        case.created_at -= timedelta(days=2 * DELIVERED_DAYS_AGO)
        for event in db.session.scalars(select(Event).where(Event.case_id == case.id)):
            event.created_at = case.created_at
        db.session.commit()


def log_inquiry(page: Page) -> str:
    page.get_by_role("link", name="New inquiry").click()
    page.get_by_label("Name or alias").fill("Rafael Mendes")
    page.get_by_label("Phone").fill("206-555-0162")
    page.get_by_label("Boss or landlord").fill(TARGET)
    page.get_by_label("Issue", exact=True).select_option(label="Unpaid wages")
    page.get_by_label("Summary").fill(SUMMARY)
    page.get_by_label("Amount claimed ($)").fill("2450.00")
    page.get_by_role("button", name="Log inquiry").click()
    flash = page.get_by_role("status")
    expect(flash).to_have_text(re.compile(rf"Inquiry {REFERENCE.pattern} logged\."))
    reference = REFERENCE.search(flash.inner_text())
    assert reference is not None
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{reference.group()} · {TARGET}")
    return reference.group()


def screen_and_propose(page: Page) -> None:
    # An organizer who logs an inquiry is put on its case team, so there is nothing to join.
    team = region(page, "Case team")
    expect(team).to_contain_text("Omar Organizer")
    expect(team.get_by_role("button", name="Ask to join the case team")).to_have_count(0)
    move(page, "Start screening", "Screening")

    # A blocked move is a disabled button with the reason beside it.
    propose = page.get_by_role("button", name="Propose to the meeting")
    blocked = region(page, "Moves").get_by_role("listitem").filter(has=propose)
    expect(blocked.get_by_role("button")).to_be_disabled()
    expect(blocked.get_by_role("listitem")).to_have_text(
        ["Write the winnability assessment in the screening notes."])

    open_form(page, "Edit screening notes")
    page.get_by_label("Screening notes").fill("Pay stubs and the schedule app seen.")
    page.get_by_label("Winnability assessment").fill(
        "Winnable: a local depot that cares about its contracts; Rafael will take part.")
    page.get_by_role("button", name="Save screening notes").click()
    expect_flash(page, "Screening notes saved.")
    move(page, "Propose to the meeting", "Proposed")


def record_meeting_decision(page: Page) -> None:
    open_form(page, "Record a meeting decision")
    page.get_by_label("Decision about").select_option(label="Take on the fight")
    page.get_by_label("Proposal").fill("Take on Rafael's fight for his unpaid wages")
    page.get_by_label("Votes for").fill("12")
    page.get_by_label("Votes against").fill("1")
    page.get_by_label("Abstentions").fill("2")
    page.get_by_role("button", name="Record decision").click()
    expect_flash(page, "Decision recorded.")
    decisions = region(page, "Meeting decisions")
    expect(decisions).to_contain_text("carried (12 for, 1 against, 2 abstaining)")
    # The vote alone does not accept the fight: Rafael's own consent is its own record.
    expect(region(page, "Moves")).to_contain_text("Record Rafael's consent to the demands.")
    open_form(page, "Record the member's consent")
    page.get_by_label("By phone").check()
    page.get_by_role("button", name="Record consent").click()
    expect_flash(page, "Consent recorded.")
    consent = region(page, "The member's consent")
    expect(consent).to_contain_text("To the demands, given by phone")
    move(page, "Accept the fight", "Drafting")


def log_out(page: Page) -> None:
    """Log out from the header: the button is under the user's menu (or the phone's Menu)."""
    page.wait_for_load_state("load")  # which menu shows depends on the style sheet
    page.locator("header summary:visible").last.click()
    page.locator("header button:visible", has_text="Log out").click()


def prepare_letter(page: Page, reference: str) -> None:
    """Demands and deadline rule on the case page; approval and review on the letter's page."""
    open_form(page, "Add a demand")
    page.get_by_label("Money").check()
    page.get_by_label("What we demand").fill("Pay the unpaid wages")
    page.get_by_label("Amount ($)", exact=True).fill("2450.00")
    page.get_by_label("How the amount was calculated").fill("140 hours × $17.50")
    page.get_by_role("button", name="Add demand").click()
    expect_flash(page, "Demand added.")
    demands = region(page, "Demands")
    expect(demands.get_by_role("listitem").filter(has_text="Pay the unpaid wages")).to_contain_text(
        "$2,450.00")

    open_form(page, "Deadline rule and planned delivery")
    page.get_by_label("Deadline", exact=True).select_option(label="14 days after delivery")
    page.get_by_role("button", name="Save deadline rule").click()
    expect_flash(page, "Deadline rule saved.")
    expect(demands).to_contain_text(f"Deadline: {DEADLINE_DAYS} days after delivery")

    demands.get_by_role("link", name="Letters", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Letters")
    page.get_by_label("Kind").select_option(label="Demand letter")
    page.get_by_role("button", name="Start letter").click()
    expect_flash(page, "Demand letter started: version 1 is a draft.")

    page.get_by_label("How the member approved this version").fill(
        "Read the letter with Rafael; he agreed")
    page.get_by_role("button", name="Approve version 1").click()
    expect_flash(page, "Version 1 approved: its text is kept as approved.")
    # Whoever wrote the letter may not review it: the coordinator does.
    expect(page.get_by_role("region", name="Review version 1")).to_have_count(0)
    letter_url = page.url
    log_out(page)
    log_in(page, "coordinator@demo.casework.org")
    page.goto(letter_url)

    review = page.get_by_role("region", name="Review version 1")
    review.get_by_label("Passed: nothing self-incriminating").check()
    review.get_by_role("button", name="Record the review").click()
    expect_flash(page, "Review recorded.")
    expect(page.get_by_role("row").filter(has=page.get_by_role("cell", name="1", exact=True))
           ).to_contain_text("passed")
    log_out(page)
    log_in(page, ORGANIZER)
    page.goto(letter_url)

    page.get_by_role("link", name=reference, exact=True).click()
    move(page, "Approve the letter", "Ready")


def record_delivery(page: Page) -> date:
    """Deliver the letter 20 days ago, so its 14-day deadline has passed; return the deadline."""
    open_move_form(page, "Record the delivery")
    delivered_at = datetime.now(NETWORK_ZONE).replace(hour=14, minute=0) - timedelta(
        days=DELIVERED_DAYS_AGO)
    page.get_by_label("Delivered at").fill(f"{delivered_at:%Y-%m-%dT%H:%M}")
    page.get_by_label("Place").fill("At the depot's front office")
    page.get_by_label("Handed over by").fill("Rafael, with supporters")
    page.get_by_label("Turnout (people present)").fill("18")
    page.get_by_role("button", name="Record the delivery").click()
    expect_flash(page, "Record the delivery: the fight is now “Delivered”.")
    expect_state(page, "Delivered")

    deadline = delivered_at.date() + timedelta(days=DEADLINE_DAYS)
    passed = (network_today() - deadline).days
    delivery = region(page, "Delivery and deadline")
    expect(delivery).to_contain_text(long_date(deadline))
    expect(delivery).to_contain_text(f"(passed {passed} days ago)")
    return deadline


def download_frozen_letter(page: Page, reference: str, deadline: date) -> None:
    """The delivered letter downloads as the frozen PDF, whose sha256 the letter page shows."""
    region(page, "Demands").get_by_role("link", name="Letters", exact=True).click()
    page.get_by_role("link", name="Demand letter").click()
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name="1", exact=True))
    expect(row).to_contain_text("delivered (frozen)")
    with page.expect_download() as download_info:
        row.get_by_role("link", name="PDF").click()
    download = download_info.value
    assert download.suggested_filename == f"{reference}-demand-v1.pdf"
    data = Path(download.path()).read_bytes()
    expect(row).to_contain_text(f"sha256 {hashlib.sha256(data).hexdigest()[:16]}")
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert TARGET in text and "Rafael Mendes" in text and "2,450.00" in text
    assert f"{deadline:%B} {deadline.day}, {deadline.year}" in text  # the real deadline date
    page.get_by_role("link", name=reference, exact=True).click()


def tick_deadlines(page: Page, live_server: LiveServer, deadline: date) -> None:
    """The cron command notices the deadline; the case page then shows its task and note."""
    result = live_server.app.test_cli_runner().invoke(args=["casework", "tick"])
    assert result.exit_code == 0, result.output
    assert "Tick done: 1 fight(s) newly past their deadline." in result.output
    page.reload()
    expect(region(page, "Tasks").get_by_role("listitem").filter(
        has_text="Deadline passed: plan the first escalation")).to_have_count(1)
    expect(timeline_entries(page).first).to_contain_text(
        f"The deadline ({format_date(deadline, 'EEE d MMM yyyy', locale='en_US')}) passed")


def add_note(page: Page, note: str) -> None:
    open_details(page, "Add a note (an action taken, a call, a meeting)")
    region(page, "Timeline").get_by_label("Note for the timeline").fill(note)
    region(page, "Timeline").get_by_role("button", name="Add note").click()
    expect_flash(page, "Note added.")
    expect(timeline_entries(page).first).to_contain_text(note)


def log_offer(page: Page) -> None:
    open_form(page, "Log a contact or offer")
    page.get_by_label("When", exact=True).fill(
        f"{datetime.now(NETWORK_ZONE) - timedelta(hours=2):%Y-%m-%dT%H:%M}")
    page.get_by_label("How", exact=True).select_option(label="Phone")
    page.get_by_label("What they said").fill("The owner called: he will pay everything owed.")
    page.get_by_label("This is an offer").check()
    page.get_by_label("Amount offered ($)").fill("2450")
    page.get_by_role("button", name="Log contact").click()
    expect_flash(page, "Contact logged.")
    contacts = region(page, "Contacts and offers from the target")
    expect(contacts).to_contain_text("Offer of $2,450.00")


def record_win(page: Page) -> None:
    open_move_form(page, "Record a win")
    page.get_by_label("Won in full").check()
    page.get_by_label("Date", exact=True).fill(network_today().isoformat())
    page.get_by_label("Amount recovered ($)").fill("2450")
    page.get_by_role("button", name="Record a win").click()
    expect_flash(page, "Record a win: the fight is now “Won”.")
    expect_state(page, "Won")
    expect(region(page, "Outcome")).to_contain_text("Won in full: $2,450.00 recovered")


def timeline_entries(page: Page) -> Locator:
    """The timeline's entries, newest first."""
    return region(page, "Timeline").locator("ol.timeline > li")


def assert_in_order(entries: list[str], expected: list[str]) -> None:
    """Each expected text appears in an entry after the entry of the one before it."""
    position = -1
    for text in expected:
        later = [i for i, entry in enumerate(entries) if i > position and text in entry]
        assert later, f"{text!r} is missing after entry {position} in {entries}"
        position = later[0]


def test_fight_from_inquiry_to_won(page: Page, live_server: LiveServer, tmp_path: Path) -> None:
    log_in(page, ORGANIZER)
    reference = log_inquiry(page)
    expect_state(page, "Inquiry")
    logged_long_ago(live_server, reference)
    page.reload()  # the case's version moved with the setup

    screen_and_propose(page)
    record_meeting_decision(page)
    prepare_letter(page, reference)
    deadline = record_delivery(page)
    download_frozen_letter(page, reference, deadline)
    tick_deadlines(page, live_server, deadline)
    add_note(page, NOTE)
    log_offer(page)
    move(page, "Open talks", "Negotiating")
    record_win(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{reference} · {TARGET}")

    oldest_first = list(reversed(timeline_entries(page).all_inner_texts()))
    assert_in_order(oldest_first, [
        "moved from inquiry to screening",
        "moved from screening to proposed",
        "Meeting decision (take on the fight): carried 12–1–2",
        "The member's consent to the demands recorded: given by phone",
        "moved from proposed to drafting",
        "moved from drafting to ready",
        "moved from ready to delivered",
        f"The deadline ({format_date(deadline, 'EEE d MMM yyyy', locale='en_US')}) passed",
        NOTE,
        "moved from delivered to negotiating",
        "moved from negotiating to won",
    ])

    screenshot = tmp_path / "won-fight.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.stat().st_size > 0
