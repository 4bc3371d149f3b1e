"""The case page sums up the fight on its first screen: at 1280 px without scrolling, and on a
360 px phone before the long sections, with nothing wider than the phone."""

from __future__ import annotations

from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from casework.extensions import db
from casework.models import Case
from casework.workflow.states import CaseState
from tests.browser.conftest import LiveServer
from tests.browser.test_fight_flow import log_in, region

LENA = "lena@demo.casework.org"  # a demo organizer, on the escalating fight's team


def escalating_fight(live_server: LiveServer) -> int:
    """The demo's escalating fight: its deadline has passed and its ladder has a next action."""
    with live_server.app.app_context():
        case_id = db.session.scalars(
            select(Case.id).where(Case.state == CaseState.ESCALATING)).first()
        db.session.remove()
    assert case_id is not None
    return case_id


def summary_item(page: Page, label: str) -> Locator:
    """One entry of the case's summary, e.g. its deadline, found by its label."""
    summary = page.get_by_role("region", name="Summary")
    return summary.locator("div").filter(has=page.locator("dt", has_text=label))


def bottom_of(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box["y"] + box["height"]


def top_of(locator: Locator) -> float:
    box = locator.bounding_box()
    assert box is not None
    return box["y"]


def test_state_deadline_next_action_and_moves_fit_the_first_screen(
    page: Page, live_server: LiveServer,
) -> None:
    page.set_viewport_size({"width": 1280, "height": 800})
    log_in(page, LENA)
    page.goto(f"/cases/{escalating_fight(live_server)}")

    shown = {
        "State": "Escalating",
        "Deadline": "days past",
        "Next action": "Leaflets at the owner's café",
    }
    for label, text in shown.items():
        expect(summary_item(page, label)).to_contain_text(text)
    moves = region(page, "Moves").locator("li.available").get_by_role("button")
    expect(moves).to_have_text(["Record a win…", "Close…", "Pause…"])
    on_first_screen = [summary_item(page, label) for label in shown] + moves.all()
    assert page.evaluate("window.scrollY") == 0
    for element in on_first_screen:
        box = element.bounding_box()
        assert box is not None
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280, element
        assert box["y"] >= 0 and box["y"] + box["height"] <= 800, element


def test_on_a_phone_the_summary_and_moves_come_first_and_nothing_scrolls_sideways(
    page: Page, live_server: LiveServer,
) -> None:
    page.set_viewport_size({"width": 360, "height": 800})
    log_in(page, LENA)
    page.goto(f"/cases/{escalating_fight(live_server)}")

    moves = region(page, "Moves")
    expect(summary_item(page, "Deadline")).to_contain_text("days past")
    end_of_moves = bottom_of(moves.locator("li.available").last)
    for section in ("Facts", "The person", "Screening", "Escalation ladder", "Tasks",
                    "Timeline"):
        assert end_of_moves < top_of(region(page, section)), section
    assert bottom_of(page.get_by_role("region", name="Summary")) < top_of(moves)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The header's menu opens without script and stays within the phone's width.
    page.get_by_text("Menu", exact=True).click()
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link", name="Board")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    menu.get_by_role("link", name="Board").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Board")
    page.wait_for_load_state("load")  # the width counts once the style sheets apply
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
