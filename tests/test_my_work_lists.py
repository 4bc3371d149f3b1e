"""'My work' shows the first rows of each list and leads to the case list for the rest."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.clock import network_today
from casework.dashboard import lists
from casework.extensions import db
from casework.models import Action, ActionKind, ActionStatus, Case, Network, Role, Task
from casework.workflow.states import CaseState

CaseMaker = Callable[..., int]


def section(page: str, heading_id: str) -> str:
    match = re.search(rf'<section aria-labelledby="{heading_id}"[^>]*>(.*?)</section>', page,
                      re.S)
    assert match, f"no {heading_id} section"
    return match.group(1)


def case_list_references(client: FlaskClient, url: str) -> list[str]:
    response = client.get(url.replace("&amp;", "&"))
    assert response.status_code == 200
    return re.findall(r'<a href="/cases/\d+">([^<]+)</a></td>', response.get_data(as_text=True))


def set_up_fight(app: Flask, case_id: int, organizer_id: int, days_late: int) -> str:
    """A delivered fight whose deadline passed ``days_late`` days ago, with one overdue and one
    open task for the organizer; returns its reference."""
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        today = network_today(db.session.get_one(Network, case.network_id))
        case.state, case.deadline_on = CaseState.DELIVERED, today - timedelta(days=days_late)
        db.session.add_all([
            Task(case=case, title="Late task", assignee_id=organizer_id,
                 due_on=today - timedelta(days=days_late)),
            Task(case=case, title="Next task", assignee_id=organizer_id,
                 due_on=today + timedelta(days=days_late)),
        ])
        db.session.commit()
        return case.reference


@pytest.fixture
def long_lists(app: Flask, make_case: CaseMaker, make_user: Callable[..., int]
               ) -> dict[str, object]:
    """An organizer with five more fights than a list shows, each past its deadline with an
    overdue and an open task; and fights that belong in none of the lists."""
    organizer = make_user(Role.ORGANIZER)
    references = [set_up_fight(app, make_case(team=[organizer]), organizer, n + 1)
                  for n in range(lists.SHOWN + 5)]
    ended = make_case(team=[organizer])  # won: its old deadline and done task are history
    set_up_fight(app, ended, organizer, 3)
    with app.app_context():
        case = db.session.get_one(Case, ended)
        case.state = CaseState.WON
        for task in db.session.query(Task).filter_by(case_id=ended):
            task.is_done = True
        db.session.commit()
    return {"organizer": organizer, "references": references}


@pytest.mark.parametrize(("heading", "latest_made_first"), [
    ("past-heading", True), ("deadlines-heading", True), ("overdue-heading", True),
    ("open-heading", False), ("cases-heading", True),
])
def test_a_long_list_shows_its_first_rows_and_the_rest_in_the_case_list(
    app: Flask, long_lists: dict[str, object], login_as: Callable[[int], FlaskClient],
    heading: str, latest_made_first: bool,
) -> None:
    organizer = long_lists["organizer"]
    references = long_lists["references"]
    assert isinstance(organizer, int) and isinstance(references, list)
    client = login_as(organizer)
    html = section(client.get("/").get_data(as_text=True), heading)

    assert html.count("<li>") == lists.SHOWN
    # Longest passed deadlines and most overdue tasks first (the fights made last); the
    # soonest open tasks (made first); the newest cases, as the case list orders them.
    first = (references[::-1] if latest_made_first else references)[:lists.SHOWN]
    assert all(reference in html for reference in first)
    link = re.search(r'<a href="([^"]+)">5 more<span class="visually-hidden">', html)
    assert link, html

    assert sorted(case_list_references(client, link.group(1))) == sorted(references)


def test_short_lists_have_no_more_link(
    app: Flask, make_case: CaseMaker, make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    organizer = make_user(Role.ORGANIZER)
    set_up_fight(app, make_case(team=[organizer]), organizer, 2)
    page = login_as(organizer).get("/").get_data(as_text=True)
    assert "Past deadline (1)" in page and "My cases (1)" in page
    assert "Overdue tasks (1)" in page and "Open tasks (1)" in page
    assert " more<span" not in page


def test_an_intake_volunteers_cases_link_to_the_ones_they_logged(
    app: Flask, make_case: CaseMaker, make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    intake = make_user(Role.INTAKE)
    mine = [make_case(intake) for _ in range(lists.SHOWN + 5)]
    make_case()  # someone else's
    client = login_as(intake)
    html = section(client.get("/").get_data(as_text=True), "cases-heading")
    assert html.count("<li>") == lists.SHOWN
    link = re.search(r'<a href="([^"]+)">5 more<span', html)
    assert link and "organizer" not in link.group(1)
    with app.app_context():
        expected = sorted(db.session.get_one(Case, case_id).reference for case_id in mine)
    assert sorted(case_list_references(client, link.group(1))) == expected


def test_a_very_long_list_is_counted_only_so_far(
    long_lists: dict[str, object], login_as: Callable[[int], FlaskClient],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(lists, "COUNTED_PAST_SHOWN", 3)  # 30 fights, counted up to 28
    organizer = long_lists["organizer"]
    assert isinstance(organizer, int)
    page = login_as(organizer).get("/").get_data(as_text=True)
    shown = lists.SHOWN
    assert f"My cases ({shown + 3}+)" in page and f"Overdue tasks ({shown + 3}+)" in page
    html = section(page, "cases-heading")
    assert html.count("<li>") == shown
    assert re.search(r'>3\+ more<span class="visually-hidden">', html)


@pytest.mark.parametrize(("on_my_fight", "status", "days_ahead", "shown"), [
    (True, ActionStatus.PLANNED, 3, True),
    (True, ActionStatus.PLANNED, 13, True),
    (True, ActionStatus.PLANNED, 20, False),  # beyond the two weeks
    (True, ActionStatus.DONE, 3, False),
    (True, ActionStatus.CANCELLED, 3, False),
    (False, ActionStatus.PLANNED, 3, False),  # another organizer's fight
])
def test_my_work_lists_the_planned_actions_of_my_fights_in_the_next_two_weeks(
    app: Flask, make_case: CaseMaker, make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], on_my_fight: bool, status: ActionStatus,
    days_ahead: int, shown: bool,
) -> None:
    me, other = make_user(Role.ORGANIZER), make_user(Role.ORGANIZER)
    mine = make_case(team=[me])
    case_id = mine if on_my_fight else make_case(team=[other])
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        today = network_today(db.session.get_one(Network, case.network_id))
        starts = datetime.combine(today + timedelta(days=days_ahead), time(18, 0), tzinfo=UTC)
        db.session.add(Action(case_id=case.id, network_id=case.network_id,
                              kind=ActionKind.PICKET, title="Picket at the office",
                              starts_at=starts, status=status, created_by_id=other))
        reference = case.reference
        db.session.commit()
    page = login_as(me).get("/").get_data(as_text=True)
    if shown:
        listed = section(page, "actions-heading")
        assert "Picket at the office" in listed and reference in listed
    else:
        assert "Picket at the office" not in page
