"""The board: open cases in one column per state, with day counts and an organizer filter."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from casework.board import queries
from casework.clock import network_today, zone_of
from casework.extensions import db
from casework.models import Case, Network, Role, Urgency
from casework.workflow.states import ENDED_STATES, OPEN_STATES, CaseState
from tests.statements import counting_statements

CaseMaker = Callable[..., int]


def set_case(app: Flask, case_id: int, **values: Any) -> None:
    """Put a case where the test needs it (state, dates) without walking the workflow."""
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        for name, value in values.items():
            setattr(case, name, value)
        db.session.commit()


def reference_of(app: Flask, case_id: int) -> str:
    with app.app_context():
        return db.session.get_one(Case, case_id).reference


def network_dates(app: Flask, network_id: int) -> tuple[date, Any]:
    with app.app_context():
        network = db.session.get_one(Network, network_id)
        return network_today(network), zone_of(network)


def column(page: str, state: CaseState) -> str:
    """The HTML of one state's column."""
    match = re.search(
        rf'<section class="board-column" aria-labelledby="board-{state.value}">(.*?)</section>',
        page, re.S)
    assert match, f"no {state} column"
    return match.group(1)


def count_in(column_html: str) -> int:
    match = re.search(r'<span class="board-count">(\d+)', column_html)
    assert match
    return int(match.group(1))


def text_of(html: str) -> str:
    """The visible text: inline tags dropped, block tags as spaces, whitespace collapsed."""
    inline_dropped = re.sub(r"</?(a|span|time)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", inline_dropped).split())


@pytest.fixture
def board(app: Flask, make_user: Callable[..., int],
          login_as: Callable[[int], FlaskClient]) -> Callable[[str], str]:
    """Open the board as a coordinator; returns the page for a query string."""
    client = login_as(make_user(Role.COORDINATOR))

    def get(query: str = "") -> str:
        response = client.get("/board" + query)
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return get


def test_board_has_a_column_per_open_state_in_workflow_order(board: Callable[[str], str]) -> None:
    page = board("")
    assert page.count("<h1") == 1
    headings = re.findall(r'<h2 id="board-(\w+)"', page)
    assert headings == [state.value for state in OPEN_STATES]
    for state in OPEN_STATES:
        html = column(page, state)
        assert count_in(html) == 0
        assert "No cases here." in html
    for state in ENDED_STATES:
        assert f'id="board-{state.value}"' not in page


@pytest.mark.parametrize("state", [CaseState.INQUIRY, CaseState.DRAFTING, CaseState.PAUSED])
def test_a_case_shows_as_a_card_in_its_state_column(
    app: Flask, make_case: CaseMaker, board: Callable[[str], str], state: CaseState,
) -> None:
    case_id = make_case(target_name="Blue Fern Bistro")
    set_case(app, case_id, state=state)
    page = board("")
    html = column(page, state)
    assert reference_of(app, case_id) in html and "Blue Fern Bistro" in html
    assert f'href="/cases/{case_id}"' in html
    assert count_in(html) == 1
    others = [s for s in OPEN_STATES if s != state]
    assert all("Blue Fern Bistro" not in column(page, s) for s in others)


def test_counts_cover_every_case_of_the_state(
    app: Flask, make_case: CaseMaker, board: Callable[[str], str],
) -> None:
    for _ in range(3):
        set_case(app, make_case(), state=CaseState.SCREENING)
    set_case(app, make_case(), state=CaseState.NEGOTIATING)
    page = board("")
    assert count_in(column(page, CaseState.SCREENING)) == 3
    assert count_in(column(page, CaseState.NEGOTIATING)) == 1
    assert count_in(column(page, CaseState.INQUIRY)) == 0


@pytest.mark.parametrize("state", sorted(ENDED_STATES))
def test_ended_cases_never_appear(
    app: Flask, make_case: CaseMaker, board: Callable[[str], str], state: CaseState,
) -> None:
    ended = make_case(target_name="Finished Holdings")
    set_case(app, ended, state=state)
    page = board("")
    assert reference_of(app, ended) not in page and "Finished Holdings" not in page
    assert sum(count_in(column(page, s)) for s in OPEN_STATES) == 0


def test_another_networks_cases_never_appear(
    app: Flask, make_case: CaseMaker, make_user: Callable[..., int],
    make_network: Callable[..., int], board: Callable[[str], str],
) -> None:
    elsewhere = make_network("OTH")
    foreign = make_case(make_user(Role.INTAKE, network=elsewhere), target_name="Far Away Inc")
    mine = make_case(target_name="Near By LLC")
    page = board("")
    assert "Near By LLC" in page and reference_of(app, mine) in page
    assert "Far Away Inc" not in page and reference_of(app, foreign) not in page
    assert count_in(column(page, CaseState.INQUIRY)) == 1


def test_the_organizer_filter_keeps_only_that_organizers_cases(
    app: Flask, make_case: CaseMaker, make_user: Callable[..., int],
    board: Callable[[str], str],
) -> None:
    omar = make_user(Role.ORGANIZER, name="Omar")
    lena = make_user(Role.ORGANIZER, name="Lena")
    make_case(target_name="Omar Target", team=[omar])
    make_case(target_name="Lena Target", team=[lena])
    make_case(target_name="Nobody Target")
    everyone = board("")
    assert all(name in everyone for name in ("Omar Target", "Lena Target", "Nobody Target"))
    assert f'<option value="{omar}">Omar</option>' in everyone
    filtered = board(f"?organizer={omar}")
    assert "Omar Target" in filtered
    assert "Lena Target" not in filtered and "Nobody Target" not in filtered
    assert count_in(column(filtered, CaseState.INQUIRY)) == 1
    assert f'<option selected value="{omar}">Omar</option>' in filtered


@pytest.mark.parametrize("query", ["?organizer=abc", "?organizer=", "?organizer=99999",
                                   "?organizer=-1", "?organizer=1%00"])
def test_a_broken_organizer_filter_shows_everything(
    make_case: CaseMaker, make_user: Callable[..., int], board: Callable[[str], str],
    query: str,
) -> None:
    make_case(target_name="Omar Target", team=[make_user(Role.ORGANIZER, name="Omar")])
    make_case(target_name="Nobody Target")
    page = board(query)
    assert "Omar Target" in page and "Nobody Target" in page
    assert "Not a valid choice" not in page


def test_an_organizer_of_another_network_is_not_a_filter(
    make_case: CaseMaker, make_user: Callable[..., int], make_network: Callable[..., int],
    board: Callable[[str], str],
) -> None:
    stranger = make_user(Role.ORGANIZER, network=make_network("OTH"), name="Stranger")
    make_case(target_name="Nobody Target")
    page = board(f"?organizer={stranger}")
    assert "Nobody Target" in page and "Stranger" not in page


@pytest.mark.parametrize(("days_ago", "expected"),
                         [(0, "since today"), (1, "1 day"), (2, "2 days"), (45, "45 days")])
def test_days_in_the_current_state(
    app: Flask, make_case: CaseMaker, network_id: int, board: Callable[[str], str],
    days_ago: int, expected: str,
) -> None:
    today, zone = network_dates(app, network_id)
    # Mid-day where the network is, so the count never hinges on the hour the test runs.
    changed = datetime.combine(today - timedelta(days=days_ago), time(12), tzinfo=zone)
    case_id = make_case()
    set_case(app, case_id, state=CaseState.SCREENING, state_changed_at=changed)
    html = text_of(column(board(""), CaseState.SCREENING))
    assert f"In screening {expected}" in html


def test_days_in_state_counts_calendar_days_where_the_network_is(
    app: Flask, make_case: CaseMaker, network_id: int, board: Callable[[str], str],
) -> None:
    today, zone = network_dates(app, network_id)
    # Just after local midnight of yesterday: still one day ago, whatever UTC says.
    changed = datetime.combine(today - timedelta(days=1), time(0, 5), tzinfo=zone)
    set_case(app, make_case(), state_changed_at=changed)
    assert "In inquiry 1 day" in text_of(column(board(""), CaseState.INQUIRY))


@pytest.mark.parametrize(("days_from_today", "expected"), [
    (5, "in 5 days"), (1, "in 1 day"), (0, "today"),
    (-1, "passed 1 day ago"), (-3, "passed 3 days ago"),
])
def test_deadline_date_and_countdown(
    app: Flask, make_case: CaseMaker, network_id: int, board: Callable[[str], str],
    days_from_today: int, expected: str,
) -> None:
    today, _zone = network_dates(app, network_id)
    deadline = today + timedelta(days=days_from_today)
    set_case(app, make_case(), state=CaseState.DELIVERED, deadline_on=deadline)
    html = text_of(column(board(""), CaseState.DELIVERED))
    shown = f"{deadline:%a} {deadline.day} {deadline:%b %Y}"
    assert f"Deadline {shown}, {expected}" in html


def test_a_case_without_a_deadline_shows_none(
    make_case: CaseMaker, board: Callable[[str], str],
) -> None:
    make_case()
    assert "Deadline" not in column(board(""), CaseState.INQUIRY)


@pytest.mark.parametrize(("urgency", "shown"), [
    (Urgency.URGENT, True), (Urgency.HIGH, True), (Urgency.NORMAL, False), (Urgency.LOW, False),
])
def test_only_high_and_urgent_cases_show_their_urgency(
    make_case: CaseMaker, board: Callable[[str], str], urgency: Urgency, shown: bool,
) -> None:
    make_case(urgency=urgency)
    html = column(board(""), CaseState.INQUIRY)
    assert (f'class="urgency urgency-{urgency.value}">{urgency.label}<' in html) is shown
    assert ("urgency" in html) is shown


def test_cards_are_ordered_longest_in_state_first(
    app: Flask, make_case: CaseMaker, board: Callable[[str], str],
) -> None:
    now = datetime.now(UTC)
    fresh, old, middle = make_case(), make_case(), make_case()
    for case_id, days in ((fresh, 1), (old, 30), (middle, 10)):
        set_case(app, case_id, state_changed_at=now - timedelta(days=days))
    html = column(board(""), CaseState.INQUIRY)
    order = [reference_of(app, case_id) for case_id in (old, middle, fresh)]
    positions = [html.index(reference) for reference in order]
    assert positions == sorted(positions)


def test_a_long_column_is_cut_and_points_to_the_case_list(
    app: Flask, make_case: CaseMaker, make_user: Callable[..., int],
    board: Callable[[str], str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(queries, "CARDS_PER_COLUMN", 2)
    omar = make_user(Role.ORGANIZER, name="Omar")
    for _ in range(5):
        set_case(app, make_case(team=[omar]), state=CaseState.READY)
    set_case(app, make_case(), state=CaseState.PROPOSED)
    page = board("")
    ready = column(page, CaseState.READY)
    assert count_in(ready) == 5
    assert ready.count('class="board-card"') == 2
    assert '<a href="/cases/?state=ready">+3 more in the case list</a>' in ready
    assert "more in the case list" not in column(page, CaseState.PROPOSED)
    filtered = column(board(f"?organizer={omar}"), CaseState.READY)
    assert f'href="/cases/?state=ready&amp;organizer={omar}"' in filtered


def test_a_full_column_that_fits_has_no_more_link(
    app: Flask, make_case: CaseMaker, board: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(queries, "CARDS_PER_COLUMN", 2)
    for _ in range(2):
        make_case()
    html = column(board(""), CaseState.INQUIRY)
    assert html.count('class="board-card"') == 2 and "more in the case list" not in html


@pytest.mark.parametrize(("team", "shown"), [
    ((), "Organizer none yet"), (("Omar",), "Organizer Omar"),
    (("Omar", "Lena"), "Organizers Lena, Omar"),
])
def test_a_card_names_the_case_team(
    make_case: CaseMaker, make_user: Callable[..., int], board: Callable[[str], str],
    team: tuple[str, ...], shown: str,
) -> None:
    make_case(team=[make_user(Role.ORGANIZER, name=name) for name in team])
    assert shown in text_of(column(board(""), CaseState.INQUIRY))


def test_the_board_sends_as_many_statements_for_many_cards_as_for_one(
    app: Flask, make_case: CaseMaker, make_user: Callable[..., int],
    board: Callable[[str], str],
) -> None:
    first = make_user(Role.ORGANIZER)
    make_case(team=[first])
    board("")  # warm
    with counting_statements(app) as one_card:
        board("")
    for n in range(12):
        organizers = [make_user(Role.ORGANIZER) for _ in range(2)]
        case_id = make_case(team=organizers)
        set_case(app, case_id, state=CaseState.INQUIRY if n % 2 else CaseState.SCREENING)
    with counting_statements(app) as many_cards:
        page = board("")
    assert page.count('class="board-card"') == 13
    # One more column has cards (screening): the same statements.
    assert len(many_cards) == len(one_card), "\n".join(many_cards)


@pytest.mark.parametrize(("role", "status"), [
    (Role.INTAKE, 403), (Role.MEMBER, 403), (Role.ORGANIZER, 200), (Role.COORDINATOR, 200),
])
def test_who_may_open_the_board(
    make_user: Callable[..., int], login_as: Callable[[int], FlaskClient], role: Role,
    status: int,
) -> None:
    assert login_as(make_user(role)).get("/board").status_code == status


def test_the_board_needs_a_login(client: FlaskClient) -> None:
    response = client.get("/board")
    assert response.status_code == 302 and "/login?next=" in response.location


def test_demo_fights_entered_their_states_on_different_days_after_they_were_logged(
    app: Flask,
) -> None:
    from casework.demo import load_demo
    from casework.models import Event

    with app.app_context():
        coordinator = next(u for u in load_demo() if u.role == Role.COORDINATOR)
        db.session.commit()
        cards = [card for col in queries.board_columns(coordinator) for card in col.cards]
        cases = db.session.scalars(sa.select(Case)).all()
        events = db.session.scalars(sa.select(Event).order_by(Event.id)).all()
        logged = {case.id: case.created_at for case in cases}
        entered = {case.id: case.state_changed_at for case in cases}
        transitions = [e for e in events if e.kind.value == "transition"]
    assert len({card.days_in_state for card in cards}) >= 5
    assert all(logged[case.id] <= entered[case.id] for case in cases)
    assert all(event.created_at >= logged[event.case_id] for event in events)
    assert all(t.created_at <= entered[t.case_id] for t in transitions)
    for case_id in logged:  # the timeline's moves keep their order
        moments = [t.created_at for t in transitions if t.case_id == case_id]
        assert moments == sorted(moments)


def case_list_references(client: FlaskClient, url: str) -> list[str]:
    """The references the case list shows at ``url`` (its first page)."""
    response = client.get(url)
    assert response.status_code == 200
    return re.findall(r'<a href="/cases/\d+">([^<]+)</a></td>', response.get_data(as_text=True))


@pytest.mark.parametrize("by_organizer", [False, True])
def test_a_column_shows_its_oldest_cards_and_the_rest_in_the_case_list(
    app: Flask, make_case: CaseMaker, make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], by_organizer: bool,
) -> None:
    shown = queries.CARDS_PER_COLUMN
    omar = make_user(Role.ORGANIZER, name="Omar")
    now = datetime.now(UTC)
    ready = []
    for n in range(shown + 5):
        ready.append(make_case(team=[omar]))
        set_case(app, ready[-1], state=CaseState.READY, state_changed_at=now - timedelta(days=n))
    # Not in the column: another state, and (filtered by Omar) another organizer's case.
    set_case(app, make_case(), state=CaseState.DRAFTING)
    others = make_case(team=[make_user(Role.ORGANIZER)])
    set_case(app, others, state=CaseState.READY)
    client = login_as(make_user(Role.COORDINATOR))
    page = client.get(f"/board?organizer={omar}" if by_organizer else "/board")
    html = column(page.get_data(as_text=True), CaseState.READY)

    in_column = shown + 5 + (0 if by_organizer else 1)
    assert count_in(html) == in_column
    assert html.count('class="board-card"') == shown
    oldest = [reference_of(app, case_id) for case_id in ready[-shown:]]
    assert all(reference in html for reference in oldest)
    link = re.search(r'<a href="([^"]+)">\+(\d+) more in the case list</a>', html)
    assert link and int(link.group(2)) == in_column - shown

    listed = case_list_references(client, link.group(1).replace("&amp;", "&"))
    expected = {reference_of(app, case_id) for case_id in ready}
    if not by_organizer:
        expected.add(reference_of(app, others))
    assert sorted(listed) == sorted(expected)
