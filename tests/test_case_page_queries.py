"""The case page sends the same, small number of SQL statements whatever the fight's size."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

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
    ContactChannel,
    Delivery,
    Document,
    DocumentType,
    Event,
    EventKind,
    Person,
    Role,
    TargetContact,
    Task,
    User,
)
from casework.workflow.states import CaseState
from tests.fights import NOW, complete_records, days
from tests.statements import counting_statements

SMALL, LARGE = 10, 200
# Most statements a case page may send (login, the case, its records, the audit entry).
MOST_STATEMENTS = 40


def fill_fight(app: Flask, case_id: int, viewer_id: int, rows: int) -> None:
    """Give the fight ``rows`` of each kind of record, each kind by its own helpers (one per ten
    rows), so a lazy load of who wrote, does or uploaded each would grow with the fight."""
    with app.app_context():
        case = db.session.get_one(Case, case_id)

        def helpers(kind: str) -> list[User]:
            made = [User(network_id=case.network_id, role=Role.ORGANIZER,
                         name=f"{kind} {case_id}-{n}", email=f"{kind}{case_id}-{n}@example.org",
                         password_hash="x") for n in range(max(rows // 10, 1))]
            db.session.add_all(made)
            return made

        actors, assignees, uploaders = helpers("actor"), helpers("assignee"), helpers("uploader")
        db.session.flush()
        complete_records(case, CaseState.NEGOTIATING)
        db.session.add(Delivery(case=case, delivered_at=NOW - days(20), place="The office",
                                handed_over_by="Maria", turnout=12))
        case.deadline_on = (NOW - days(6)).date()
        caller = Person(network_id=case.network_id, name=f"Supporter {case_id}")
        db.session.add(caller)
        for n in range(rows):
            at = NOW - timedelta(hours=n)
            db.session.add_all([
                Event(case=case, actor=actors[n % len(actors)], kind=EventKind.NOTE,
                      created_at=at, note=f"Call number {n}"),
                Task(case=case, title=f"Task {n}", assignee=assignees[n % len(assignees)],
                     due_on=at.date(), is_done=n % 3 == 0),
                TargetContact(case=case, happened_at=at, channel=ContactChannel.PHONE,
                              summary=f"Contact {n}", is_offer=n % 2 == 0,
                              offer_amount=Decimal(100 + n),
                              recorded_by_id=actors[n % len(actors)].id),
                Document(case=case, file_name=f"stub-{n}.pdf", stored_name=f"{case_id}-{n}",
                         content_type=DocumentType.PDF, size_bytes=1000 + n, sha256="0" * 64,
                         uploaded_by=uploaders[n % len(uploaders)], uploaded_at=at),
            ])
            action = Action(case=case, position=n, kind=ActionKind.PICKET, title=f"Picket {n}",
                            starts_at=at, turnout_goal=10, created_by_id=actors[0].id,
                            status=[ActionStatus.PLANNED, ActionStatus.DONE,
                                    ActionStatus.CANCELLED][n % 3])
            db.session.add(action)
            if n % 3 == 0:
                db.session.add(CallListEntry(action=action, person=caller, caller_id=viewer_id,
                                             is_checked_in=n % 2 == 0))
        db.session.commit()


@pytest.fixture
def two_fights(app: Flask, make_user: Callable[..., int], make_case: Callable[..., int]
               ) -> dict[str, Any]:
    """One organizer on two fights, one with 10 rows of each record and one with 200."""
    organizer = make_user(Role.ORGANIZER)
    fights = {}
    for rows in (SMALL, LARGE):
        case_id = make_case(team=[organizer])
        fill_fight(app, case_id, organizer, rows)
        fights[rows] = case_id
    return {"organizer": organizer, "fights": fights}


def statements_for_page(app: Flask, client: FlaskClient, case_id: int) -> list[str]:
    with counting_statements(app) as statements:
        response = client.get(f"/cases/{case_id}")
    assert response.status_code == 200
    return statements


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.COORDINATOR])
def test_case_page_statement_count_does_not_grow_with_the_fight(
    app: Flask, db_backend: str, two_fights: dict[str, Any], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], role: Role,
) -> None:
    viewer = two_fights["organizer"] if role == Role.ORGANIZER else make_user(Role.COORDINATOR)
    client = login_as(viewer)
    small, large = two_fights["fights"][SMALL], two_fights["fights"][LARGE]
    for case_id in (small, large):  # warm: first-request work (and the day's first contact
        statements_for_page(app, client, case_id)  # view in the audit log) is not the page's

    few = statements_for_page(app, client, small)
    many = statements_for_page(app, client, large)

    page = client.get(f"/cases/{large}").get_data(as_text=True)
    assert "Call number 199" in page and "Task 199" in page and "stub-199.pdf" in page
    assert len(many) == len(few), "\n".join(many)
    assert len(few) <= MOST_STATEMENTS, "\n".join(few)
