"""The top of the case page sums up the fight, and each role is shown only the forms it may use."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, time, timedelta
from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.clock import network_today, zone_of
from casework.extensions import db
from casework.models import (
    Action,
    ActionKind,
    ActionStatus,
    Case,
    Outcome,
    OutcomeKind,
    Role,
    Task,
    User,
)
from casework.workflow.states import CaseState


def summary_text(page: str) -> str:
    """The visible text of the page's summary, whitespace collapsed."""
    match = re.search(r'<dl class="summary">(.*?)</dl>', page, re.S)
    assert match, "no summary"
    inline_dropped = re.sub(r"</?(a|span|time|strong|small)\b[^>]*>", "", match.group(1))
    return " ".join(re.sub(r"<[^>]+>", " ", inline_dropped).split())


def set_case(app: Flask, case_id: int, **values: object) -> None:
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        for name, value in values.items():
            setattr(case, name, value)
        db.session.commit()


@pytest.mark.parametrize(("days_from_today", "shown"), [
    (5, "in 5 days"), (1, "in 1 day"), (0, "today"), (-1, "1 day past"), (-3, "3 days past"),
])
def test_the_deadline_counts_down_and_then_past(
    app: Flask, make_fight: Callable[..., tuple[int, int]],
    login_as: Callable[[int], FlaskClient], days_from_today: int, shown: str,
) -> None:
    case_id, organizer = make_fight(CaseState.DELIVERED)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        deadline = network_today(case.network) + timedelta(days=days_from_today)
        case.deadline_on = deadline
        db.session.commit()
    page = login_as(organizer).get(f"/cases/{case_id}").get_data(as_text=True)
    assert f"Deadline {deadline:%a} {deadline.day} {deadline:%b %Y}, {shown}" in \
        summary_text(page)


@pytest.mark.parametrize(("days_ago", "shown"), [
    (0, "Delivered since today"), (1, "Delivered for 1 day, since"),
    (12, "Delivered for 12 days, since"),
])
def test_the_state_says_how_long_the_fight_has_been_in_it(
    app: Flask, make_fight: Callable[..., tuple[int, int]],
    login_as: Callable[[int], FlaskClient], days_ago: int, shown: str,
) -> None:
    case_id, organizer = make_fight(CaseState.DELIVERED)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        today, zone = network_today(case.network), zone_of(case.network)
        # Mid-day where the network is, so the count never hinges on the hour the test runs.
        case.state_changed_at = datetime.combine(today - timedelta(days=days_ago), time(12),
                                                 tzinfo=zone)
        db.session.commit()
    page = login_as(organizer).get(f"/cases/{case_id}").get_data(as_text=True)
    assert f"State {shown}" in summary_text(page)


def test_next_action_my_next_task_and_the_team(
    app: Flask, make_fight: Callable[..., tuple[int, int]], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    rosa = make_user(Role.ORGANIZER, name="Rosa")
    case_id, organizer = make_fight(CaseState.ESCALATING)
    soon = datetime(2026, 11, 21, 19, 0, tzinfo=UTC)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        case.team.append(db.session.get_one(User, rosa))
        db.session.add_all([
            Action(case=case, position=0, kind=ActionKind.PICKET, title="Done picket",
                   starts_at=soon - timedelta(days=7), status=ActionStatus.DONE),
            Action(case=case, position=1, kind=ActionKind.CALL_IN, title="Call-in",
                   starts_at=soon, place="The office"),
            Action(case=case, position=2, kind=ActionKind.PICKET, title="Later picket",
                   starts_at=soon + timedelta(days=7)),
            Task(case=case, title="Rosa's task", assignee_id=rosa,
                 due_on=soon.date() - timedelta(days=1)),
            Task(case=case, title="Print leaflets", assignee_id=organizer,
                 due_on=soon.date() + timedelta(days=3)),
            Task(case=case, title="Book the hall", assignee_id=organizer,
                 due_on=soon.date() + timedelta(days=1)),
            Task(case=case, title="Done already", assignee_id=organizer,
                 due_on=soon.date() - timedelta(days=5), is_done=True),
        ])
        db.session.commit()
        organizer_name = db.session.get_one(User, organizer).name
    text = summary_text(login_as(organizer).get(f"/cases/{case_id}").get_data(as_text=True))
    assert "Next action Call-in · Sat 21 Nov 2026, 11:00 · The office" in text
    assert "Your next task Book the hall · due Sun 22 Nov 2026" in text
    assert f"Team {', '.join(sorted([organizer_name, 'Rosa']))}" in text


# Each case-page form (on the page, or linked to on a page of its own) and the roles whose
# POST route accepts it on a case they may edit.
FORMS = {
    "screening": ("/screening", {Role.INTAKE, Role.ORGANIZER, Role.COORDINATOR}),
    "note": ("/notes", {Role.INTAKE, Role.ORGANIZER, Role.COORDINATOR}),
    "task": ("/tasks", {Role.INTAKE, Role.ORGANIZER, Role.COORDINATOR}),
    "decision": ("/decisions", {Role.ORGANIZER, Role.COORDINATOR}),
    "demand": ("/demands", {Role.ORGANIZER, Role.COORDINATOR}),
    "deadline rule": ("/deadline-rule", {Role.ORGANIZER, Role.COORDINATOR}),
    "documents": ("/documents", {Role.ORGANIZER, Role.COORDINATOR}),
}


@pytest.mark.parametrize("role", [Role.INTAKE, Role.ORGANIZER, Role.COORDINATOR])
def test_each_role_sees_only_the_forms_it_may_use(
    make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient], role: Role,
) -> None:
    user = make_user(role)
    # Logged by the user: an intake volunteer sees what they logged; an organizer who logs an
    # inquiry is put on its team.
    case_id = make_case(user)
    page = login_as(user).get(f"/cases/{case_id}").get_data(as_text=True)
    for name, (path, roles) in FORMS.items():
        shown = any(f'{attribute}="/cases/{case_id}{path}"' in page
                    for attribute in ("action", "href"))
        assert shown is (role in roles), name


def test_an_ended_fight_sums_up_its_outcome_without_a_countdown(
    app: Flask, make_fight: Callable[..., tuple[int, int]],
    login_as: Callable[[int], FlaskClient],
) -> None:
    case_id, organizer = make_fight(CaseState.WON)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        db.session.add(Outcome(case=case, kind=OutcomeKind.FULL, decided_on=case.deadline_on,
                               amount_recovered=Decimal("2160.00")))
        db.session.commit()
    text = summary_text(login_as(organizer).get(f"/cases/{case_id}").get_data(as_text=True))
    assert "Deadline Sun 1 Nov 2026 Outcome Won in full: $2,160.00 recovered Team" in text
    assert "past" not in text and "Next action" not in text
