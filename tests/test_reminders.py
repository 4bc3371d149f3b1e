"""Reminders by email from `flask casework tick`, received by a real SMTP server on loopback."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.clock import network_today
from casework.extensions import db
from casework.models import (
    Action,
    ActionKind,
    ActionStatus,
    CallAnswer,
    CallListEntry,
    Case,
    Network,
    Person,
    Role,
    SentReminder,
    Task,
    Tier,
    User,
)
from casework.reminders.services import Reminder, claim, release
from casework.workflow.states import CaseState
from casework.workflow.task_rules import DEADLINE_PASSED_TASK, add_rule_task
from tests.mail_server import BASE_URL, MailServer, smtp_config

LA = ZoneInfo("America/Los_Angeles")
TICKED = re.compile(r'<input[^>]*\bchecked\b[^>]*name="wants_email_reminders"')


@pytest.fixture
def app_config(mail_server: MailServer) -> dict[str, Any]:
    return smtp_config(mail_server)


@dataclass
class World:
    case_id: int
    reference: str
    omar: int  # organizer on the team
    away: int  # on the team, reminders turned off
    gone: int  # on the team, disabled
    tomorrow: date
    overdue_task: int
    action_id: int


def today_in_seattle(app: Flask) -> date:
    with app.app_context():
        return network_today(db.session.scalars(select(Network).where(Network.code == "SEA")).one())


@pytest.fixture
def world(app: Flask, make_user: Callable[..., int], make_fight: Callable[..., tuple[int, int]],
          make_task: Callable[..., int]) -> World:
    """A delivered fight whose deadline is tomorrow, tasks in every state, and tomorrow's picket
    at 17:00 Seattle time with a call list."""
    omar = make_user(Role.ORGANIZER, name="Omar", email="omar@example.org")
    away = make_user(Role.ORGANIZER, name="Away", email="away@example.org")
    gone = make_user(Role.ORGANIZER, name="Gone", email="gone@example.org")
    member = make_user(Role.MEMBER, name="Member login", email="member@example.org")
    case_id, _ = make_fight(CaseState.DELIVERED, omar)
    today = today_in_seattle(app)
    tomorrow = today + timedelta(days=1)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        case.team.extend(db.session.get_one(User, uid) for uid in (away, gone))
        case.deadline_on = tomorrow
        db.session.get_one(User, away).wants_email_reminders = False
        db.session.get_one(User, gone).is_disabled = True
        starts = datetime.combine(tomorrow, time(17, 0), LA).astimezone(ZoneInfo("UTC"))
        action = Action(case=case, kind=ActionKind.PICKET, title="Picket for Maria Example",
                        starts_at=starts, place="Acme office, 12 Pine St", turnout_goal=20)
        people = {
            "yes": Person(network_id=case.network_id, name="Sam Supporter",
                          email="sam@example.org", email_consent=True, tier=Tier.SUPPORTER),
            "no_consent": Person(network_id=case.network_id, name="Nico", tier=Tier.SUPPORTER,
                                 email="nico@example.org", email_consent=False),
            "said_no": Person(network_id=case.network_id, name="Noa", tier=Tier.SUPPORTER,
                              email="noa@example.org", email_consent=True),
            "no_email": Person(network_id=case.network_id, name="Eli", email_consent=True),
        }
        answers = {"yes": CallAnswer.YES, "no_consent": CallAnswer.YES,
                   "said_no": CallAnswer.NO, "no_email": CallAnswer.YES}
        action.calls = [CallListEntry(person=people[k], answer=answers[k]) for k in people]
        db.session.add(action)
        db.session.commit()
        reference, action_id = case.reference, action.id
    make_task(case_id, "Call the landlord", omar, tomorrow)
    overdue = make_task(case_id, "Collect pay stubs", omar, today - timedelta(days=3))
    make_task(case_id, "Later", omar, today + timedelta(days=5))
    make_task(case_id, "Already done", omar, tomorrow, is_done=True)
    make_task(case_id, "Opted out", away, tomorrow)
    make_task(case_id, "Disabled", gone, tomorrow)
    make_task(case_id, "Portal login", member, tomorrow)
    return World(case_id, reference, omar, away, gone, tomorrow, overdue, action_id)


def tick(runner: Any) -> str:
    result = runner.invoke(args=["casework", "tick"])
    assert result.exit_code == 0, result.output
    return str(result.output)


def day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def reference_of(app: Flask, case_id: int) -> str:
    with app.app_context():
        return db.session.get_one(Case, case_id).reference


def sent_rows(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(SentReminder)) or 0


def expected(world: World) -> set[tuple[str, str]]:
    ref = world.reference
    return {
        ("omar@example.org", f"Task due tomorrow on {ref}"),
        ("omar@example.org", f"Task overdue on {ref}"),
        ("omar@example.org", f"Deadline tomorrow on {ref}"),
        ("omar@example.org", f"Picket tomorrow at 17:00 on {ref}"),
        ("sam@example.org", "Picket tomorrow at 17:00"),
    }


def test_tick_sends_each_reminder_once_to_the_right_people(
        app: Flask, runner: Any, world: World, mail_server: MailServer,
        caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="casework.reminders"):
        output = tick(runner)
    received = mail_server.take()
    assert "Reminders sent: 5." in output
    assert {(m["To"], m["Subject"]) for m in received} == expected(world)
    assert "@" not in caplog.text and "5 sent" in caplog.text
    second = tick(runner)
    assert "Reminders sent: 0." in second and mail_server.take() == []
    assert sent_rows(app) == 5


def test_messages_give_dates_in_the_networks_time_zone_and_a_link_to_the_case(
        runner: Any, world: World, mail_server: MailServer) -> None:
    tick(runner)
    by_subject = {m["Subject"].removesuffix(f" on {world.reference}"): m
                  for m in mail_server.take() if m["To"] == "omar@example.org"}
    link = f"{BASE_URL}/cases/{world.case_id}"
    due = by_subject["Task due tomorrow"].get_content()
    assert day(world.tomorrow) in due and f"{link}#tasks" in due and "Call the landlord" in due
    overdue = by_subject["Task overdue"].get_content()
    assert day(world.tomorrow - timedelta(days=4)) in overdue and "Collect pay stubs" in overdue
    deadline = by_subject["Deadline tomorrow"].get_content()
    assert f"tomorrow, {day(world.tomorrow)}" in deadline and "Acme Landlords" in deadline
    # 17:00 in Seattle is 01:00 UTC the day after: shown as Seattle time on the right day.
    action = by_subject["Picket tomorrow at 17:00"].get_content()
    assert f"{day(world.tomorrow)} at 17:00 (P" in action and "12 Pine St" in action
    assert "said yes so far: 3 of 4" in action and link in action


def test_a_supporter_is_told_time_and_place_and_nothing_about_the_member(
        runner: Any, world: World, mail_server: MailServer) -> None:
    tick(runner)
    received = mail_server.take()
    (to_sam,) = [m for m in received if m["To"] == "sam@example.org"]
    body = to_sam.get_content()
    assert f"{day(world.tomorrow)} at 17:00" in body and "Acme office, 12 Pine St" in body
    assert "Picket at Acme Landlords" in body
    for private in ("Maria", "206-555", world.reference, "/cases/"):
        assert private not in body and private not in to_sam["Subject"]
    assert to_sam["Auto-Submitted"] == "auto-generated"
    assert all("Maria" not in m["Subject"] for m in received)


PRIVATE_TITLE = "Call Fatima Hassan on 206-555-0155 about her visa papers"
FIXED_SUBJECT = re.compile(r"(Task (due tomorrow|overdue)|Deadline (today|tomorrow)"
                           r"|[A-Z][a-z -]+ tomorrow at \d\d:\d\d)( on SEA-\d{4}-\d{4})?")


def test_subjects_are_fixed_sentences_that_never_carry_typed_text(
        app: Flask, runner: Any, world: World, mail_server: MailServer) -> None:
    with app.app_context():
        for task in db.session.scalars(select(Task).where(Task.case_id == world.case_id)):
            task.title = PRIVATE_TITLE
        action = db.session.get_one(Action, world.action_id)
        action.title, action.place = PRIVATE_TITLE, "Fatima Hassan's flat"
        db.session.commit()
    tick(runner)
    received = mail_server.take()
    assert len(received) == 5
    for message in received:
        assert FIXED_SUBJECT.fullmatch(message["Subject"]), message["Subject"]
        assert "Fatima" not in message["Subject"] and "206-555" not in message["Subject"]
    to_omar = [m.get_content() for m in received if m["To"] == "omar@example.org"]
    assert sum(PRIVATE_TITLE in body for body in to_omar) == 3  # two tasks and the action


@pytest.mark.parametrize(("role", "on_team", "sees_title"), [
    (Role.ORGANIZER, True, True),
    (Role.ORGANIZER, False, False),  # taken off the team after the task was given to them
    (Role.COORDINATOR, False, True),
    (Role.INTAKE, False, True),  # logged the inquiry
])
def test_a_task_title_is_mailed_only_to_an_assignee_who_may_see_the_case(
        app: Flask, runner: Any, make_user: Callable[..., int], make_case: Callable[..., int],
        make_task: Callable[..., int], mail_server: MailServer, role: Role, on_team: bool,
        sees_title: bool) -> None:
    assignee = make_user(role, email="assignee@example.org")
    case_id = make_case(assignee if role == Role.INTAKE else None,
                        team=[assignee] if on_team else [])
    make_task(case_id, PRIVATE_TITLE, assignee, today_in_seattle(app) + timedelta(days=1))
    tick(runner)
    (message,) = mail_server.take()
    body = message.get_content()
    assert message["Subject"] == f"Task due tomorrow on {reference_of(app, case_id)}"
    assert (PRIVATE_TITLE in body) is sees_title and ("Fatima" in body) is sees_title
    assert f"{BASE_URL}/cases/{case_id}#tasks" in body


@pytest.mark.parametrize("who", ["away@example.org", "gone@example.org", "member@example.org",
                                 "nico@example.org", "noa@example.org"])
def test_no_reminder_to_those_who_opted_out_are_disabled_or_gave_no_consent(
        runner: Any, world: World, mail_server: MailServer, who: str) -> None:
    tick(runner)
    assert who not in {m["To"] for m in mail_server.take()}


def test_a_changed_due_date_or_action_day_sends_a_new_reminder(
        app: Flask, runner: Any, world: World, mail_server: MailServer) -> None:
    tick(runner)
    mail_server.take()
    with app.app_context():
        task = db.session.get_one(Task, world.overdue_task)
        assert task.due_on is not None
        task.due_on -= timedelta(days=1)
        action = db.session.get_one(Action, world.action_id)
        assert action.starts_at is not None
        action.starts_at += timedelta(hours=1)  # same day: the same reminder
        db.session.commit()
    assert "Reminders sent: 1." in tick(runner)
    (again,) = mail_server.take()
    assert again["Subject"] == f"Task overdue on {world.reference}"
    assert day(world.tomorrow - timedelta(days=5)) in again.get_content()
    assert "Collect pay stubs" in again.get_content()


def test_cancelled_actions_and_ended_fights_get_no_reminder(
        app: Flask, runner: Any, world: World, mail_server: MailServer) -> None:
    with app.app_context():
        db.session.get_one(Action, world.action_id).status = ActionStatus.CANCELLED
        db.session.get_one(Case, world.case_id).state = CaseState.WON
        db.session.commit()
    tick(runner)
    subjects = {m["Subject"] for m in mail_server.take()}
    assert subjects == {f"Task due tomorrow on {world.reference}",
                        f"Task overdue on {world.reference}"}


def test_smtp_down_marks_nothing_sent_and_the_next_tick_sends(
        app: Flask, runner: Any, world: World, mail_server: MailServer) -> None:
    mail_server.stop()
    output = tick(runner)
    assert "Reminders sent: 0." in output and "5 not sent" in output
    assert sent_rows(app) == 0
    mail_server.start()
    assert "Reminders sent: 5." in tick(runner)
    assert {(m["To"], m["Subject"]) for m in mail_server.take()} == expected(world)


def test_a_refused_address_is_tried_again_and_the_others_go_out(
        app: Flask, runner: Any, world: World, mail_server: MailServer) -> None:
    mail_server.refused = {"sam@example.org"}
    output = tick(runner)
    assert "Reminders sent: 4." in output and "1 not sent" in output
    assert sent_rows(app) == 4 and len(mail_server.take()) == 4
    mail_server.refused = set()
    assert "Reminders sent: 1." in tick(runner)
    assert [m["To"] for m in mail_server.take()] == ["sam@example.org"]


def test_a_reminder_is_claimed_once_even_by_two_ticks_at_once(app: Flask, world: World) -> None:
    reminder = Reminder(network_id=1, key="task-overdue:1:2026-11-28", recipient_key="user:1",
                        address="omar@example.org", subject="Overdue", body="")
    with app.app_context():
        first, second = claim(reminder), claim(reminder)
        assert first is not None and second is None
        release(first)
        assert claim(reminder) is not None
    assert sent_rows(app) == 1


@pytest.mark.parametrize("app_config", [{"CASEWORK_SMTP_HOST": ""}])
def test_without_an_smtp_host_nothing_is_sent_or_marked(
        app: Flask, runner: Any, world: World, mail_server: MailServer) -> None:
    output = tick(runner)
    assert "Reminders not sent: CASEWORK_SMTP_HOST is not set." in output
    assert sent_rows(app) == 0 and mail_server.take() == []


def test_tomorrow_is_counted_in_each_networks_own_time_zone(
        app: Flask, runner: Any, make_network: Callable[..., int], make_user: Callable[..., int],
        make_case: Callable[..., int], make_task: Callable[..., int],
        mail_server: MailServer) -> None:
    seattle_user = make_user(Role.ORGANIZER, email="sea@example.org")
    seattle = make_case(team=[seattle_user])
    island = make_network("KIR", timezone="Pacific/Kiritimati")  # UTC+14: ahead of Seattle
    island_user = make_user(Role.ORGANIZER, network=island, email="kir@example.org")
    with app.app_context():
        island_today = network_today(db.session.get_one(Network, island))
    island_case = make_case(make_user(Role.INTAKE, network=island), team=[island_user])
    make_task(seattle, "Seattle task", seattle_user, today_in_seattle(app) + timedelta(days=1))
    make_task(island_case, "Kiritimati task", island_user, island_today + timedelta(days=1))
    tick(runner)
    received = {(m["To"], m["Subject"], "Seattle task" in m.get_content(),
                 "Kiritimati task" in m.get_content()) for m in mail_server.take()}
    assert received == {
        ("sea@example.org", f"Task due tomorrow on {reference_of(app, seattle)}", True, False),
        ("kir@example.org", f"Task due tomorrow on {reference_of(app, island_case)}", False, True),
    }


def test_the_account_page_turns_reminders_off_and_on(
        app: Flask, runner: Any, world: World, mail_server: MailServer,
        login_as: Callable[[int], FlaskClient]) -> None:
    client = login_as(world.omar)
    page = client.get("/account/reminders").get_data(as_text=True)
    assert "Email me reminders" in page and TICKED.search(page)
    response = client.post("/account/reminders", data={}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Email reminders are off." in page and not TICKED.search(page)
    tick(runner)
    assert "omar@example.org" not in {m["To"] for m in mail_server.take()}
    client.post("/account/reminders", data={"wants_email_reminders": "y"})
    with app.app_context():
        assert db.session.get_one(User, world.omar).wants_email_reminders


def test_members_have_no_reminder_setting(
        make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]) -> None:
    client = login_as(make_user(Role.MEMBER))
    assert client.get("/account/reminders").status_code == 403
    assert "Email reminders" not in client.get("/account/password").get_data(as_text=True)


def test_a_new_inquiry_is_announced_to_the_intake_address_by_reference_only(
        app: Flask, runner: Any, mail_server: MailServer, make_user: Callable[..., int],
        make_fight: Callable[..., tuple[int, int]], login_as: Callable[[int], Any]) -> None:
    from tests.test_bad_input import VALID_INTAKE

    make_fight(CaseState.SCREENING)  # no longer an inquiry: not announced
    assert "SEA has no intake address" in runner.invoke(
        args=["casework", "intake-email", "SEA"]).output
    tick(runner)
    mail_server.take()
    refused = runner.invoke(args=["casework", "intake-email", "SEA", "not an address"])
    assert refused.exit_code != 0 and "Not an email address" in refused.output
    assert "announced to intake@sea.example.org" in runner.invoke(
        args=["casework", "intake-email", "sea", "Intake@sea.example.org"]).output
    login_as(make_user(Role.INTAKE)).post("/cases/new", data=VALID_INTAKE)
    with app.app_context():
        case_id, reference = db.session.execute(
            select(Case.id, Case.reference).order_by(Case.id.desc())).first() or (0, "")
    tick(runner)
    received = mail_server.take()
    assert [(m["To"], m["Subject"]) for m in received] == [
        ("intake@sea.example.org", f"New inquiry {reference}")]
    body = received[0].get_content()
    assert f"{BASE_URL}/cases/{case_id}" in body
    for private in ("Rita", "Gravel Pit", "Deposit kept", "206-555-0199", "1200"):
        assert private not in body
    tick(runner)
    assert mail_server.take() == []  # once
    assert "are not announced" in runner.invoke(
        args=["casework", "intake-email", "SEA", "--off"]).output


@pytest.mark.parametrize(("language", "subject", "title"), [
    ("en", "Task due tomorrow on {ref}", "Deadline passed: plan the first escalation"),
    ("es", "Tarea para mañana en {ref}", "Venció el plazo: planear la primera escalada"),
])
def test_a_standard_tasks_reminder_reads_in_the_assignees_language(
        app: Flask, runner: Any, world: World, mail_server: MailServer, language: str,
        subject: str, title: str) -> None:
    with app.app_context():
        case = db.session.get_one(Case, world.case_id)
        task = add_rule_task(case, DEADLINE_PASSED_TASK, world.tomorrow, None)
        assert task is not None
        omar = db.session.get_one(User, world.omar)
        task.due_on, task.assignee, omar.ui_language = world.tomorrow, omar, language
        db.session.commit()
    tick(runner)
    body = "\n".join(m.get_content() for m in mail_server.take()
                     if m["To"] == "omar@example.org"
                     and m["Subject"] == subject.format(ref=world.reference))
    assert title in body and "Call the landlord" in body  # a typed title stays as typed
