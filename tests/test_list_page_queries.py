"""My work, the board, the case list and the people list send the same, small number of SQL
statements whatever the network's size: no lazy load per row, no list that grows unbounded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.extensions import db
from casework.models import (
    Action,
    ActionKind,
    ActionStatus,
    CallListEntry,
    Case,
    IssueType,
    Person,
    Role,
    Target,
    Task,
    Tier,
    Urgency,
    User,
)
from casework.workflow.states import OPEN_STATES, CaseState
from tests.statements import counting_statements

SMALL, LARGE = 10, 200
# Most statements any of these pages may send (login, the page's lists, the filters' choices).
MOST_STATEMENTS = 25

PAGES: dict[Role, list[str]] = {
    Role.ORGANIZER: ["/", "/board", "/cases/", "/cases/?state=negotiating&urgency=normal",
                     "/cases/?organizer={me}&deadline=set", "/cases/?deadline=passed",
                     "/cases/?my_tasks=overdue",
                     "search:Target", "/people/", "/people/?tier=supporter&language=es",
                     "people-search:Member"],
    Role.COORDINATOR: ["/", "/board", "/board?organizer={organizer}", "/cases/",
                       "/cases/?issue_type=unpaid_wages&organizer=none", "search:Target 1",
                       "/people/"],
    Role.INTAKE: ["/", "/cases/", "/cases/?state=inquiry", "search:Target"],
}


def add_fights(app: Flask, network_id: int, organizer_id: int, intake_id: int,
               first: int, count: int) -> None:
    """``count`` fights spread over the open states, each with its own member, target, task,
    planned action and call, and helpers on its team (a new one every ten fights), so that
    anything loaded once per row would grow with the network."""
    now = datetime.now(UTC)
    with app.app_context():
        organizer = db.session.get_one(User, organizer_id)
        helper: User | None = None
        for n in range(first, first + count):
            if helper is None or n % 10 == 0:
                helper = User(network_id=network_id, role=Role.ORGANIZER, name=f"Helper {n}",
                              email=f"helper{n}@example.org", password_hash="x")
                db.session.add(helper)
            state = OPEN_STATES[n % len(OPEN_STATES)]
            person = Person(network_id=network_id, name=f"Member {n}", languages="es,en",
                            tier=[Tier.MEMBER, Tier.SUPPORTER][n % 2], phone=f"206555{n:04d}")
            target = Target(network_id=network_id, name=f"Target {n}")
            case = Case(
                network_id=network_id, reference=f"SEA-T-{n:04d}", state=state,
                issue_type=[IssueType.UNPAID_WAGES, IssueType.DEPOSIT][n % 2], summary=f"Fight {n}",
                urgency=[Urgency.HIGH, Urgency.NORMAL][n % 2], person=person, target=target,
                created_by_id=intake_id, state_changed_at=now - timedelta(hours=n),
                deadline_on=(now + timedelta(days=n // 9 % 5 - 2)).date()
                if state in (CaseState.DELIVERED, CaseState.NEGOTIATING) else None,
                team=[] if state == CaseState.INQUIRY else [organizer, helper])
            case.refresh_search_text()
            action = Action(case=case, kind=ActionKind.PICKET, title=f"Picket {n}",
                            starts_at=now + timedelta(days=n % 12, hours=1),
                            status=ActionStatus.PLANNED)
            db.session.add_all([
                case, action,
                Task(case=case, title=f"Task {n}", assignee=organizer,
                     due_on=(now + timedelta(days=n % 7 - 3)).date()),
                CallListEntry(action=action, person=person, caller_id=organizer_id),
            ])
        db.session.commit()


def statements_for(app: Flask, client: FlaskClient, page: str) -> tuple[list[str], str]:
    """The statements one GET of the page sends, and the page. ``search:<text>`` types the
    text into the case list's search box first (the URL then carries only a token)."""
    if ":" in page:
        kind, text = page.split(":", 1)
        form = "/cases/search" if kind == "search" else "/people/search"
        page = client.post(form, data={"q": text}).location
    with counting_statements(app) as statements:
        response = client.get(page)
    assert response.status_code == 200, page
    return statements, response.get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.COORDINATOR, Role.INTAKE])
def test_list_pages_send_as_many_statements_for_200_fights_as_for_10(
    app: Flask, db_backend: str, network_id: int, make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], role: Role,
) -> None:
    organizer, intake = make_user(Role.ORGANIZER), make_user(Role.INTAKE)
    viewer = {Role.ORGANIZER: organizer, Role.INTAKE: intake}.get(role) or make_user(role)
    client = login_as(viewer)
    pages = [page.format(me=viewer, organizer=organizer) for page in PAGES[role]]
    add_fights(app, network_id, organizer, intake, 0, SMALL)
    for page in pages:  # warm: first-request work is not the page's
        statements_for(app, client, page)
    few = {page: statements_for(app, client, page)[0] for page in pages}

    add_fights(app, network_id, organizer, intake, SMALL, LARGE - SMALL)
    for page in pages:
        many, html = statements_for(app, client, page)
        assert len(many) == len(few[page]), f"{page}\n" + "\n".join(many)
        assert len(many) <= MOST_STATEMENTS, f"{page}\n" + "\n".join(many)
        assert "Target 1" in html or "Member 1" in html, page  # the page lists the rows
