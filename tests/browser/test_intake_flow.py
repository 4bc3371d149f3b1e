"""Logging an inquiry, finding it and adding a task, in a real browser."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote_plus

from playwright.sync_api import Page, expect

from casework.demo import DEMO_CASES, DEMO_PASSWORD, DEMO_USERS
from casework.models import Role

REFERENCE = re.compile(r"SEA-\d{4}-\d{4}")
TARGET = "Gravel Pit Holdings"
SUMMARY = "Two months of unpaid overtime hauling gravel"


def log_in(page: Page, role: Role) -> None:
    """Log in through the login form as the demo user with this role."""
    email = next(email for _name, email, user_role in DEMO_USERS if user_role == role)
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("status")).to_contain_text("Welcome,")


def test_intake_search_and_task(page: Page, tmp_path: Path) -> None:
    log_in(page, Role.INTAKE)
    page.get_by_role("link", name="New inquiry").click()
    expect(page.get_by_role("heading", name="New inquiry")).to_be_visible()

    # Everything but the required name: the form comes back with a message by that field.
    page.get_by_label("Phone").fill("206-555-0142")
    page.get_by_label("Boss or landlord").fill(TARGET)
    page.get_by_label("Issue", exact=True).select_option(label="Unpaid wages")
    page.get_by_label("Summary").fill(SUMMARY)
    page.get_by_label("Amount claimed ($)").fill("2450.75")
    page.get_by_role("button", name="Log inquiry").click()

    name = page.get_by_label("Name or alias")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description("This is needed.")
    expect(page.locator("#person_name + .field-error")).to_have_text("This is needed.")
    expect(page.get_by_label("Phone")).to_have_value("206-555-0142")
    expect(page.get_by_label("Boss or landlord")).to_have_value(TARGET)
    expect(page.get_by_label("Issue", exact=True)).to_have_value("unpaid_wages")
    expect(page.get_by_label("Summary")).to_have_value(SUMMARY)
    expect(page.get_by_label("Amount claimed ($)")).to_have_value("2450.75")

    name.fill("Ana Torres")
    page.get_by_role("button", name="Log inquiry").click()
    flash = page.get_by_role("status")
    expect(flash).to_have_text(re.compile(rf"Inquiry {REFERENCE.pattern} logged\."))
    reference = REFERENCE.search(flash.inner_text())
    assert reference is not None
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text(f"{reference.group()} · {TARGET}")
    expect(page.get_by_text("$2,450.75")).to_be_visible()

    page.get_by_role("link", name="Cases", exact=True).click()
    page.get_by_label("Search").fill(TARGET)
    page.get_by_role("button", name="Filter").click()
    rows = page.get_by_role("row").filter(has_text=TARGET)
    expect(rows).to_have_count(1)
    # The search was POSTed: what was typed is in the box, not in the address bar.
    expect(page.get_by_label("Search")).to_have_value(TARGET)
    assert "search=" in page.url and "gravel" not in unquote_plus(page.url).lower()
    rows.get_by_role("link", name=reference.group()).click()

    expect(heading).to_contain_text(reference.group())
    page.locator("summary", has_text="Add a task").click()
    page.get_by_label("Task", exact=True).fill("Collect Ana's pay stubs")
    page.get_by_label("Assigned to").select_option(label="Ivan Intake")
    page.get_by_label("Due").fill("2030-03-01")
    page.get_by_role("button", name="Add task").click()

    expect(page.get_by_role("status")).to_have_text("Task added.")
    task = page.get_by_role("region", name="Tasks").get_by_role("listitem")
    expect(task).to_have_count(1)
    expect(task).to_contain_text("Collect Ana's pay stubs")
    expect(task).to_contain_text("Ivan Intake")
    expect(task.get_by_role("button", name="Mark done: Collect Ana's pay stubs")).to_be_visible()

    screenshot = tmp_path / "case.png"
    page.screenshot(path=screenshot, full_page=True)
    assert screenshot.exists()
    assert screenshot.stat().st_size > 0


def test_case_list_fits_a_narrow_phone(page: Page) -> None:
    page.set_viewport_size({"width": 360, "height": 780})
    log_in(page, Role.COORDINATOR)
    page.get_by_text("Menu", exact=True).click()  # on a phone the header's links sit behind it
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(page.get_by_role("heading", name="Cases", level=1)).to_be_visible()
    expect(page.get_by_role("row")).to_have_count(len(DEMO_CASES) + 1)  # and the header row
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= 360, f"the case list is {scroll_width}px wide at a 360px viewport"
