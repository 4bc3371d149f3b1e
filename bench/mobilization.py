"""Benchmark mobilizing a network: call lists, their pages, calendar feeds, reminders, CSV import.

Run from the project root (about a minute per database on 2 cores):

    .venv/bin/python bench/mobilization.py              # SQLite in a temporary directory
    .venv/bin/python bench/mobilization.py --postgres   # then again on a throwaway PostgreSQL

It seeds one network at realistic scale with bulk Core inserts (fixed random seed, dates
relative to today because reminders and feeds read the real clock): 5,000 people of mixed
tiers and languages, 300 fights, 1,000 planned, done or cancelled actions, call lists of 800
people on six big actions and smaller ones on many others, tasks, deliveries and deadlines,
3 organizers/coordinators and 20 callers. It then times the real services and pages:

- ``build_call_list`` for a big action and ``split_call_list`` among the 20 callers (each run
  rolled back, so every run does the same work), and ``reliability`` for 800 people;
- the call-list, check-in and "my calls" pages through the Flask test client, logged in
  through the login form;
- ``/calendar/<token>.ics`` for a coordinator's, an organizer's and the network's feed;
- ``send_due_reminders`` against an aiosmtpd server on loopback (about 500 messages a pass);
- ``parse_csv`` of a 5,000-row spreadsheet and the import preview page showing it.
"""

from __future__ import annotations

import argparse
import io
import math
import os
import platform
import random
import socket
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, delete, event, insert, select, text
from werkzeug.security import generate_password_hash

from casework import create_app
from casework.actions import calls
from casework.calendars.services import rotate_feed
from casework.database import write_intent
from casework.extensions import db
from casework.models import (
    Action,
    ActionKind,
    ActionStatus,
    CallAnswer,
    CallListEntry,
    Case,
    CaseCounter,
    Delivery,
    IssueType,
    Network,
    Person,
    Role,
    SentReminder,
    Target,
    TargetFact,
    TargetFactKind,
    TargetKind,
    Task,
    Tier,
    User,
    case_team,
)
from casework.people import csv_import
from casework.reminders.services import due_reminders, send_due_reminders
from casework.workflow.states import CaseState

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED = 20260501
TIMEZONE = "America/Los_Angeles"
ZONE = ZoneInfo(TIMEZONE)
CHUNK = 5_000
PASSWORD = "bench-password-2026"  # noqa: S105 - throwaway benchmark accounts
COORDINATOR_EMAIL = "coordinator@bench.casework.org"
SLOW_MS = 200.0

FIGHTS = 300
ACTIONS = 1_000
BIG_LIST = 800  # people on each of the six big actions' call lists
BIG_DONE_DAYS_AGO = (200, 120, 60, 20)
SMALL_LISTS = 150  # done actions that called members only
TASKS = 1_200
CALLERS = 20
SPLIT_SIZE = 20  # the most split_call_list gives one caller
RELIABILITY_PEOPLE = 800
CSV_ROWS = csv_import.MAX_ROWS



def words(names: str) -> list[str]:
    return names.split()


FIRST_NAMES = words(
    "Maria José Ana Luis Carmen Juan Rosa Miguel Lucía Carlos Aisha Fatima Omar Amina Yusuf "
    "Mei Wei Li Hana Minh Linh Tuan Jin Priya Ravi Anil Sunita Dmitri Olga Ivan Natalia Tomás "
    "Sofia Mateo Valentina Kevin Jasmine Tyrone Keisha Samuel Grace Chinedu Ngozi Abdi Hodan "
    "Tesfaye Selam June Daniel Sarah Michael Emily James Laura David Elena Pedro Guadalupe"
)
LAST_NAMES = words(
    "Lopez Garcia Hernandez Martinez Rodriguez Gonzalez Perez Sanchez Ramirez Torres Flores "
    "Rivera Gomez Diaz Reyes Cruz Morales Ortiz Nguyen Tran Le Pham Huynh Kim Park Lee Wang "
    "Zhang Liu Chen Patel Shah Singh Okafor Adeyemi Mensah Abebe Mohamed Hassan Ali Ahmed "
    "Volkov Ivanova Kowalski Novak Smith Johnson Williams Brown Jones Miller Davis Wilson"
)
PLACES = ("Blue Fern", "Cascade", "Harbor View", "Evergreen", "Northgate", "Sunrise",
          "Rainier", "Emerald City", "Cedar Ridge", "Lakeside", "Pioneer", "Olympic",
          "Capitol Hill", "Ballard", "Fremont", "Beacon Hill", "Columbia", "Alki", "Magnolia",
          "Greenwood", "Georgetown", "Madrona", "Leschi", "Union Bay", "Green Lake")
BUSINESSES = (("Bistro", "employer"), ("Property Group", "landlord"), ("Apartments", "landlord"),
              ("Staffing LLC", "employer"), ("Cleaning Co.", "employer"), ("Hotel", "employer"),
              ("Realty", "landlord"))
# Most of a network's people are contacts (a petition signed, a leaflet taken); the members
# and supporters with a phone are who call lists ring: about 800 at 5,000 people.
TIER_WEIGHTS = {Tier.CONTACT: 80, Tier.SUPPORTER: 11, Tier.MEMBER: 8, Tier.ORGANIZER: 1}
LANGUAGE_WEIGHTS = {"en": 50, "es,en": 18, "es": 14, "vi,en": 5, "vi": 3, "zh": 3, "so,en": 3,
                    "am": 2, "tl,en": 2}
CALLER_LANGUAGES = ["en"] * 12 + ["es,en"] * 5 + ["vi,en", "zh,en", "so,en"]
STATE_WEIGHTS = {CaseState.INQUIRY: 8, CaseState.SCREENING: 6, CaseState.PROPOSED: 3,
                 CaseState.DECLINED: 8, CaseState.DRAFTING: 5, CaseState.READY: 3,
                 CaseState.DELIVERED: 8, CaseState.ESCALATING: 20, CaseState.NEGOTIATING: 12,
                 CaseState.PAUSED: 4, CaseState.WON: 15, CaseState.CLOSED: 8}
DELIVERED_STATES = (CaseState.DELIVERED, CaseState.ESCALATING, CaseState.NEGOTIATING,
                    CaseState.PAUSED, CaseState.WON, CaseState.CLOSED)
DEADLINE_STATES = (CaseState.DELIVERED, CaseState.NEGOTIATING)
SMALL_KINDS = (ActionKind.CALL_IN, ActionKind.BUSINESS_CONTACTS, ActionKind.POSTERING,
               ActionKind.OUTREACH, ActionKind.OTHER)
# Answers on a done action's list, and how likely each answer was to come.
DONE_ANSWERS = {CallAnswer.YES: 35, CallAnswer.MAYBE: 15, CallAnswer.NO: 20,
                CallAnswer.REACHED: 5, CallAnswer.WRONG_NUMBER: 3, CallAnswer.NOT_CALLED: 22}
CAME = {CallAnswer.YES: 0.7, CallAnswer.MAYBE: 0.35}
# The evening before: most of tomorrow's lists have been rung.
TOMORROW_ANSWERS = {CallAnswer.YES: 50, CallAnswer.MAYBE: 10, CallAnswer.NO: 12,
                    CallAnswer.REACHED: 5, CallAnswer.WRONG_NUMBER: 3, CallAnswer.NOT_CALLED: 20}
TASK_TITLES = ("Call {name} about the pay stubs", "Collect {name}'s lease and receipts",
               "Draft the demand letter", "Research who owns the building",
               "Print leaflets for the picket", "Book the van", "Check in with {name}",
               "Find a Spanish interpreter", "Ask {name} for the text messages")


@dataclass
class Seeded:
    """What the seeding produced: the ids the benchmark uses, and counts to print."""

    coordinator_id: int
    organizer_id: int
    caller_ids: list[int]
    big_case_id: int = 0
    big_action_id: int = 0  # planned picket with no call list yet: built and split here
    reliability_ids: list[int] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)  # existing people's, for CSV duplicates
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class Timing:
    label: str
    samples: list[float]
    note: str = ""
    statements: float | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:  # nearest rank
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


# --- Seeding -----------------------------------------------------------------------------


def bulk_insert(table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(table), rows[start:start + CHUNK])


def pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def local_moment(day: date, hour: int) -> datetime:
    """A local hour of a day in the network, as UTC."""
    return datetime.combine(day, clock_time(hour), ZONE).astimezone(UTC)


def seed(people_count: int, rng: random.Random) -> Seeded:
    """One network; its people, users, targets, fights, actions, call lists and tasks."""
    started = time.perf_counter()
    now = datetime.now(UTC)
    today = now.astimezone(ZONE).date()
    bulk_insert(Network.__table__, [{
        "id": 1, "name": "Seattle Solidarity Network", "code": "SEA", "timezone": TIMEZONE,
        "contact_email": "info@seasol.example", "created_at": now - timedelta(days=3 * 365)}])
    password_hash = generate_password_hash(PASSWORD)  # one hash, shared: scrypt is slow
    users = [("Rosa Coordinator", COORDINATOR_EMAIL, Role.COORDINATOR, "es,en"),
             ("Omar Organizer", "organizer1@bench.casework.org", Role.ORGANIZER, "en,so"),
             ("Mei Organizer", "organizer2@bench.casework.org", Role.ORGANIZER, "en,zh")]
    users += [(f"{rng.choice(FIRST_NAMES)} Caller{i:02d}", f"caller{i}@bench.casework.org",
               Role.ORGANIZER, CALLER_LANGUAGES[i - 1]) for i in range(1, CALLERS + 1)]
    bulk_insert(User.__table__, [
        {"id": user_id, "network_id": 1, "name": name, "email": email, "role": role,
         "password_hash": password_hash, "languages": langs, "wants_email_reminders": True,
         "is_disabled": False, "created_at": now - timedelta(days=700)}
        for user_id, (name, email, role, langs) in enumerate(users, start=1)])
    seeded = Seeded(coordinator_id=1, organizer_id=2,
                    caller_ids=list(range(4, 4 + CALLERS)))
    staff = [1, 2, 3]

    people, members, callable_people = [], [], []
    for person_id in range(1, people_count + 1):
        tier = pick(rng, TIER_WEIGHTS)
        phone = f"206-555-{person_id:04d}" if rng.random() < 0.9 else ""
        has_email = rng.random() < 0.7
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        people.append({
            "id": person_id, "network_id": 1, "name": f"{first} {last}", "phone": phone,
            "email": f"{first.lower()}.{person_id}@mail.example" if has_email else "",
            "safe_contact_notes": "", "sms_consent": rng.random() < 0.6,
            "email_consent": has_email and rng.random() < 0.55,
            "languages": pick(rng, LANGUAGE_WEIGHTS), "tier": tier,
            "created_at": now - timedelta(days=rng.randint(1, 1000))})
        if tier == Tier.MEMBER:
            members.append(person_id)
        if phone and tier in (Tier.MEMBER, Tier.SUPPORTER):
            callable_people.append(person_id)
        if phone:
            seeded.phones.append(phone)
    bulk_insert(Person.__table__, people)
    member_set = set(members)
    callable_members = [p for p in callable_people if p in member_set]

    target_names = [f"{place} {kind}" for place in PLACES for kind, _ in BUSINESSES]
    bulk_insert(Target.__table__, [
        {"id": i, "network_id": 1, "name": name, "kind": TargetKind.COMPANY,
         "role": BUSINESSES[(i - 1) % len(BUSINESSES)][1], "created_at": now}
        for i, name in enumerate(target_names, start=1)])
    facts = [{"id": i, "target_id": i, "kind": TargetFactKind.RELATED_BUSINESS,
              "name": f"{rng.choice(PLACES)} Holdings", "created_at": now}
             for i in range(1, len(target_names) + 1, 2)]
    bulk_insert(TargetFact.__table__, facts)
    fact_of_target = {fact["target_id"]: fact["id"] for fact in facts}

    cases, team, deliveries, case_info = [], [], [], []
    counters: dict[int, int] = {}
    deadline_soon = 0
    for case_id in range(1, FIGHTS + 1):
        created = now - timedelta(days=rng.randint(20, 720))
        counters[created.year] = number = counters.get(created.year, 0) + 1
        reference = f"SEA-{created.year}-{number:06d}"
        state = pick(rng, STATE_WEIGHTS)
        target_id = rng.randint(1, len(target_names))
        planned = today + timedelta(days=rng.randint(1, 20)) \
            if state in (CaseState.DRAFTING, CaseState.READY) else None
        deadline = None
        if state in DEADLINE_STATES:  # ten deadlines today or tomorrow: reminders are due
            deadline = today + timedelta(days=deadline_soon % 2) if deadline_soon < 10 \
                else today + timedelta(days=rng.choice([*range(-20, 0), *range(2, 25)]))
            deadline_soon += 1
        elif state in DELIVERED_STATES:
            deadline = (created + timedelta(days=rng.randint(10, 15))).date()
        cases.append({
            "id": case_id, "network_id": 1, "reference": reference, "state": state,
            "issue_type": rng.choice(list(IssueType)), "summary": f"Fight {reference}",
            "person_id": rng.choice(members), "target_id": target_id,
            "created_by_id": rng.choice(staff), "created_at": created, "updated_at": created,
            "state_changed_at": created, "planned_delivery_on": planned,
            "deadline_days": 14 if deadline else None, "deadline_on": deadline,
            "search_text": f"{reference} {target_names[target_id - 1]}".lower(), "version": 1})
        if deadline is not None:
            deliveries.append({
                "id": len(deliveries) + 1, "case_id": case_id,
                "delivered_at": local_moment(deadline - timedelta(days=14), 17),
                "place": "Front office", "handed_over_by": "The member and two organizers",
                "turnout": rng.randint(5, 25), "created_at": now})
        on_team = {rng.choice(staff)} | ({rng.choice(staff)} if rng.random() < 0.4 else set())
        team += [{"case_id": case_id, "user_id": user_id} for user_id in sorted(on_team)]
        if state in DELIVERED_STATES:
            case_info.append((case_id, target_id))
    bulk_insert(Case.__table__, cases)
    bulk_insert(case_team, team)
    bulk_insert(Delivery.__table__, deliveries)
    bulk_insert(CaseCounter.__table__, [{"network_id": 1, "year": year, "last_number": last}
                                        for year, last in sorted(counters.items())])

    # Actions: six big ones with 800-person lists (four done, two tomorrow), the big planned
    # picket the benchmark builds a list for, and the rest spread over the taken-on fights.
    tomorrow = today + timedelta(days=1)
    specs: list[tuple[ActionKind, datetime, ActionStatus]] = [
        (ActionKind.PICKET, local_moment(today - timedelta(days=days), 12), ActionStatus.DONE)
        for days in BIG_DONE_DAYS_AGO]
    specs += [(ActionKind.DELIVERY, local_moment(tomorrow, 12), ActionStatus.PLANNED),
              (ActionKind.PICKET, local_moment(tomorrow, 18), ActionStatus.PLANNED),
              (ActionKind.PICKET, local_moment(today + timedelta(days=10), 17),
               ActionStatus.PLANNED)]
    while len(specs) < ACTIONS:
        if rng.random() < 0.8:
            starts = local_moment(today - timedelta(days=rng.randint(1, 540)), 17)
            status = ActionStatus.DONE if rng.random() < 0.9 else ActionStatus.CANCELLED
        else:  # never tomorrow: those are the two above, whose reminders are counted
            starts = local_moment(today + timedelta(days=rng.randint(3, 90)), 17)
            status = ActionStatus.PLANNED
        kind = rng.choice(SMALL_KINDS) if rng.random() < 0.7 else rng.choice(
            [ActionKind.DELIVERY, ActionKind.PICKET, ActionKind.SECONDARY_TARGET])
        specs.append((kind, starts, status))
    action_cases = [rng.choice(case_info) for _ in specs]
    seeded.big_case_id = action_cases[6][0]
    actions = []
    for action_id, ((kind, starts, status), (case_id, target_id)) in enumerate(
            zip(specs, action_cases, strict=True), start=1):
        pressed = fact_of_target.get(target_id) if kind == ActionKind.SECONDARY_TARGET else None
        actions.append({
            "id": action_id, "case_id": case_id, "network_id": 1, "kind": kind,
            "starts_at": starts,
            "place": "Outside the front office", "pressure_point_id": pressed,
            "turnout_goal": 40 if kind.is_big else 8, "calls_supporters": kind.is_big,
            "status": status, "done_at": starts + timedelta(hours=2)
            if status == ActionStatus.DONE else None,
            "result": "They agreed to meet." if status == ActionStatus.DONE else "",
            "created_by_id": 1, "created_at": starts - timedelta(days=14),
            "updated_at": starts})
    for position, action in enumerate(sorted(actions, key=lambda a: a["starts_at"])):
        action["position"] = position  # ordered by time; the ladder only compares within a case
    seeded.big_action_id = 7

    entries: list[dict[str, Any]] = []
    turnout: dict[int, int] = {}

    def call_list(action_id: int, people_ids: list[int], answers: dict[CallAnswer, int],
                  moment: datetime, done: bool) -> None:
        for person_id in people_ids:
            answer = pick(rng, answers)
            came = done and rng.random() < CAME.get(answer, 0.05)
            turnout[action_id] = turnout.get(action_id, 0) + came
            entries.append({
                "id": len(entries) + 1, "action_id": action_id, "person_id": person_id,
                "caller_id": rng.choice(seeded.caller_ids), "answer": answer,
                "answered_at": None if answer == CallAnswer.NOT_CALLED else moment,
                "is_checked_in": came, "checked_in_at": moment if came else None})

    big_size = min(BIG_LIST, len(callable_people))
    for action_id in range(1, 5):
        call_list(action_id, rng.sample(callable_people, big_size), DONE_ANSWERS,
                  specs[action_id - 1][1], done=True)
    for action_id in (5, 6):
        call_list(action_id, rng.sample(callable_people, big_size), TOMORROW_ANSWERS, now,
                  done=False)
    done_small = [a["id"] for a in actions[7:] if a["status"] == ActionStatus.DONE]
    for action_id in rng.sample(done_small, min(SMALL_LISTS, len(done_small))):
        size = min(rng.randint(30, 120), len(callable_members))
        call_list(action_id, rng.sample(callable_members, size), DONE_ANSWERS,
                  specs[action_id - 1][1], done=True)
    for action in actions:  # every row the same keys: one executemany
        action["turnout_actual"] = turnout.get(action["id"]) \
            if action["status"] == ActionStatus.DONE else None
    bulk_insert(Action.__table__, actions)
    bulk_insert(CallListEntry.__table__, entries)
    seeded.reliability_ids = rng.sample(callable_people,
                                        min(RELIABILITY_PEOPLE, len(callable_people)))

    tasks = []
    for task_id in range(1, TASKS + 1):
        case = cases[rng.randrange(FIGHTS)]
        is_done = rng.random() < 0.55
        if is_done:
            due = today - timedelta(days=rng.randint(1, 400))
        else:  # about 90 overdue and 70 due tomorrow: their reminders are due
            due = rng.choices([today - timedelta(days=rng.randint(1, 30)), tomorrow,
                               today + timedelta(days=rng.randint(2, 60))],
                              weights=[17, 13, 70])[0]
        name = people[case["person_id"] - 1]["name"].split()[0]
        tasks.append({
            "id": task_id, "case_id": case["id"], "is_done": is_done,
            "title": rng.choice(TASK_TITLES).format(name=name),
            "assignee_id": rng.choice(staff * 5 + seeded.caller_ids), "due_on": due,
            "done_at": now if is_done else None, "created_by_id": 1,
            "created_at": now - timedelta(days=30)})
    bulk_insert(Task.__table__, tasks)
    db.session.commit()
    seeded.seconds = time.perf_counter() - started
    seeded.counts = {"people": people_count, "callable members/supporters": len(callable_people),
                     "users": len(users), "fights": FIGHTS, "actions": len(actions),
                     "call-list entries": len(entries), "tasks": TASKS,
                     "deliveries": len(deliveries)}
    return seeded


SEQUENCED = ("network", "user_account", "person", "target", "target_fact", "case_record",
             "delivery", "action", "call_list_entry", "task")


def finish_postgres_seed() -> None:
    """Move the id sequences past the explicit ids, and gather planner statistics."""
    for table in SEQUENCED:
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - constants
            f"(SELECT max(id) FROM {table}))"))
    db.session.commit()
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


# --- Measuring ---------------------------------------------------------------------------


class StatementCounter:
    """Counts the SQL statements an engine executes."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args: Any) -> None:
        self.count += 1


def measure(label: str, run: Callable[[], str], repeat: int, counter: StatementCounter, *,
            warmup: int = 2, after_each: Callable[[], None] | None = None) -> Timing:
    """Milliseconds per call, ``repeat`` times after ``warmup`` untimed calls; ``run`` returns
    the note shown beside the figures, ``after_each`` runs untimed (a rollback, say)."""
    samples, note = [], ""
    before = counter.count
    for index in range(warmup + repeat):
        started = time.perf_counter()
        note = run()
        elapsed = (time.perf_counter() - started) * 1000
        if after_each is not None:
            after_each()
        if index >= warmup:
            samples.append(elapsed)
    return Timing(label, samples, note, (counter.count - before) / (warmup + repeat))


def start_over() -> None:
    """Undo the run and empty the session, as the next request would find it."""
    db.session.rollback()
    db.session.expunge_all()


def loaded(model: type[Any], object_id: int) -> Any:
    found = db.session.get(model, object_id)
    assert found is not None, f"{model.__name__} {object_id} was not seeded"
    return found


def bench_call_lists(app: Flask, seeded: Seeded, repeat: int,
                     counter: StatementCounter) -> list[Timing]:
    """build_call_list and split_call_list on the big action (rolled back), reliability."""
    timings = []
    with app.app_context(), write_intent():
        def build() -> str:
            action, actor = loaded(Action, seeded.big_action_id), loaded(User, 1)
            return f"{calls.build_call_list(action, actor):,} people added"

        timings.append(measure("build_call_list (big action, +supporters)", build, repeat,
                               counter, after_each=start_over))
        added = calls.build_call_list(loaded(Action, seeded.big_action_id), loaded(User, 1))
        db.session.commit()
        db.session.expunge_all()

        def split() -> str:
            action, actor = loaded(Action, seeded.big_action_id), loaded(User, 1)
            result = calls.split_call_list(action, actor, seeded.caller_ids, SPLIT_SIZE)
            return f"{result.assigned} assigned, {result.unassigned} left"

        timings.append(measure(f"split_call_list ({added:,} among {CALLERS}, {SPLIT_SIZE} each)",
                               split, repeat, counter, after_each=start_over))
        calls.split_call_list(loaded(Action, seeded.big_action_id), loaded(User, 1),
                              seeded.caller_ids, SPLIT_SIZE)
        db.session.commit()
        answer_some_calls(seeded.big_action_id)

        def reliability() -> str:
            found = calls.reliability(seeded.reliability_ids)
            return f"{sum(1 for r in found.values() if r.said_yes):,} with a record"

        timings.append(measure(f"reliability({len(seeded.reliability_ids)} people)",
                               reliability, repeat, counter, after_each=start_over))
    return timings


def answer_some_calls(action_id: int) -> None:
    """Half of the assigned calls answered, so the pages show a list in progress."""
    rng = random.Random(SEED)
    assigned = db.session.scalars(select(CallListEntry.id).where(
        CallListEntry.action_id == action_id, CallListEntry.caller_id.is_not(None))).all()
    for entry_id in rng.sample(list(assigned), len(assigned) // 2):
        db.session.execute(CallListEntry.__table__.update().where(
            CallListEntry.__table__.c.id == entry_id).values(
            answer=pick(rng, TOMORROW_ANSWERS), answered_at=datetime.now(UTC)))
    db.session.commit()


def logged_in(app: Flask, email: str) -> FlaskClient:
    """A test client that logged in through the login form."""
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, f"login of {email} failed: {response.status_code}"
    return client


def timed_get(label: str, client: FlaskClient, url: str, repeat: int,
              counter: StatementCounter, note: Callable[[bytes], str]) -> Timing:
    def get() -> str:
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        return f"{note(response.data)}, {len(response.data) // 1024} KiB"

    return measure(label, get, repeat, counter)


def rows_shown(body: bytes) -> str:
    """Rows of the page's last table (the people; the call list has a callers table first)."""
    table = body[body.rfind(b"<table"):]
    return f"{table.count(b'<tr') - table.count(b'<thead'):,} rows"


def people_to_call(body: bytes) -> str:
    buttons = body.count(b'name="answer"')
    return f"{buttons // len(calls.ANSWERS)} people"


def bench_pages(app: Flask, seeded: Seeded, repeat: int,
                counter: StatementCounter) -> list[Timing]:
    """The call-list and check-in pages as the coordinator, "my calls" as a caller."""
    coordinator = logged_in(app, COORDINATOR_EMAIL)
    caller = logged_in(app, "caller1@bench.casework.org")
    base = f"/cases/{seeded.big_case_id}/actions/{seeded.big_action_id}"
    return [
        timed_get("GET …/calls (coordinator, page 1)", coordinator, f"{base}/calls", repeat,
                  counter, rows_shown),
        timed_get("GET …/check-in (coordinator, page 1)", coordinator, f"{base}/check-in",
                  repeat, counter, rows_shown),
        timed_get("GET …/calls/mine (a caller)", caller, f"{base}/calls/mine", repeat, counter,
                  people_to_call),
    ]


def bench_feeds(app: Flask, seeded: Seeded, repeat: int,
                counter: StatementCounter) -> list[Timing]:
    """The calendar feeds at their secret addresses (made with rotate_feed)."""
    with app.app_context(), write_intent():
        tokens = {
            "coordinator's own feed": rotate_feed(loaded(User, seeded.coordinator_id),
                                                  network_wide=False),
            "an organizer's own feed": rotate_feed(loaded(User, seeded.organizer_id),
                                                   network_wide=False),
            "the network's feed": rotate_feed(loaded(User, seeded.coordinator_id),
                                              network_wide=True),
        }
        db.session.commit()
    client = app.test_client()  # calendar apps do not log in: the secret is the credential
    return [timed_get(f"GET /calendar/<token>.ics: {who}", client, f"/calendar/{token}.ics",
                      repeat, counter, lambda body: f"{body.count(b'BEGIN:VEVENT'):,} events")
            for who, token in tokens.items()]


def spreadsheet(seeded: Seeded, rows: int, rng: random.Random) -> bytes:
    """A network's CSV as exported from a spreadsheet: mostly new people, some already known
    (same phone), some twice in the file, and a few rows with mistakes."""
    out = io.StringIO()
    out.write("Name,Phone,Email,Languages,Tier,Text OK,Email OK,Notes\r\n")
    for line in range(2, rows + 2):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        phone = f"(425) 555-{line:04d}"
        email = f"{first.lower()}.{last.lower()}{line}@mail.example"
        roll = rng.random()
        if roll < 0.12:
            phone = rng.choice(seeded.phones)
        elif roll < 0.14 and line > 10:
            phone = f"(425) 555-{rng.randint(2, line - 1):04d}"
        elif roll < 0.15:
            email = "not an address"
        language = rng.choice(["English", "Spanish", "es, en", "Vietnamese", "en", "zh"])
        tier = rng.choice(["supporter", "contact", "contact", "member"])
        notes = "Prefers texts after 6pm" if rng.random() < 0.2 else ""
        out.write(f"{first} {last},{phone},{email},\"{language}\",{tier},"
                  f"{rng.choice(['yes', 'no', 'y'])},{rng.choice(['yes', 'no'])},{notes}\r\n")
    return out.getvalue().encode()


def bench_import(app: Flask, seeded: Seeded, repeat: int,
                 counter: StatementCounter) -> list[Timing]:
    """parse_csv on a 5,000-row file, and the preview page (through an upload) showing it."""
    data = spreadsheet(seeded, CSV_ROWS, random.Random(SEED))
    with app.app_context():
        def parse() -> str:
            parsed = csv_import.parse_csv(data, 1, importer=None)
            return (f"{len(parsed.rows):,} rows, {len(parsed.duplicates):,} duplicates, "
                    f"{len(parsed.rows_with_errors)} with errors")

        parse_timing = measure(f"parse_csv ({len(data) // 1024} KiB, {CSV_ROWS:,} rows)", parse,
                               repeat, counter, warmup=1, after_each=start_over)
    client = logged_in(app, COORDINATOR_EMAIL)
    response = client.post("/people/import", data={"upload": (io.BytesIO(data), "people.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 302, f"upload refused: {response.status_code}"
    page = timed_get("GET /people/import/preview (5,000 rows)", client,
                     "/people/import/preview", repeat, counter, rows_shown)
    return [parse_timing, page]


class CountingMailbox:
    """What the loopback SMTP server does with a message: count it."""

    def __init__(self) -> None:
        self.received = 0

    async def handle_DATA(self, _server: Any, _session: Any, _envelope: Any) -> str:
        self.received += 1
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ReminderPass:
    sent: int
    seconds: float
    statements: int

    @property
    def per_second(self) -> float:
        return self.sent / self.seconds


def bench_reminders(app: Flask, runs: int, counter: StatementCounter
                    ) -> tuple[Timing, list[ReminderPass]]:
    """send_due_reminders to an aiosmtpd server on loopback; the sent rows are deleted between
    passes so each pass sends the same messages."""
    mailbox = CountingMailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    app.config.update(CASEWORK_SMTP_HOST="127.0.0.1", CASEWORK_SMTP_PORT=port,
                      CASEWORK_SMTP_STARTTLS=False, CASEWORK_MAIL_FROM="casework@seasol.example",
                      CASEWORK_BASE_URL="https://casework.seasol.example")
    passes = []
    try:
        with app.app_context(), write_intent():  # as `flask casework tick` runs it
            collect = measure("due_reminders() (find and render, no sending)",
                              lambda: f"{len(due_reminders())} reminders due", 5, counter,
                              warmup=1, after_each=start_over)
            for _ in range(runs):
                db.session.execute(delete(SentReminder))
                db.session.commit()
                received, statements = mailbox.received, counter.count
                started = time.perf_counter()
                report = send_due_reminders()
                seconds = time.perf_counter() - started
                assert report.not_sent == 0, report.summary()
                assert mailbox.received - received == report.sent, "messages went missing"
                passes.append(ReminderPass(report.sent, seconds, counter.count - statements))
                db.session.expunge_all()
    finally:
        controller.stop()
    return collect, passes


# --- Reporting ---------------------------------------------------------------------------


def print_table(title: str, timings: list[Timing]) -> None:
    width = max(len(t.label) for t in timings)
    notes = max(len(t.note) for t in timings)
    print(f"\n{title}")
    print(f"  {'':<{width}}  {'':<{notes}}  {'SQL/op':>7}  {'median ms':>10}  {'p95 ms':>8}")
    for t in timings:
        flag = "  <-- slow" if t.median > SLOW_MS else ""
        print(f"  {t.label:<{width}}  {t.note:<{notes}}  {t.statements or 0:>7.1f}  "
              f"{t.median:>10.1f}  {t.p95:>8.1f}{flag}")


def run_backend(name: str, url: str, people: int, repeat: int, upload_dir: Path) -> str:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True,
                      "WTF_CSRF_ENABLED": False,
                      "CASEWORK_KEEP_PAGES": False, "CASEWORK_UPLOAD_DIR": str(upload_dir)})
    with app.app_context():
        version = db.session.execute(text(
            "SELECT sqlite_version()" if db.engine.dialect.name == "sqlite"
            else "SHOW server_version")).scalar_one()
        db.session.rollback()
        print(f"\n=== {name} {version}: mobilization at {people:,} people "
              f"(Python {platform.python_version()}, {os.cpu_count()} CPUs) ===")
        db.create_all()
        with write_intent():
            seeded = seed(people, random.Random(SEED))
        if db.engine.dialect.name == "postgresql":
            finish_postgres_seed()
        counter = StatementCounter(db.engine)
    counts = ", ".join(f"{n:,} {what}" for what, n in seeded.counts.items())
    print(f"Seeded {counts} in {seeded.seconds:.1f} s")

    slow = max(3, repeat // 4)
    services = bench_call_lists(app, seeded, repeat, counter)
    print_table(f"Call-list services, as the coordinator (each run rolled back); {repeat} "
                "runs after 2 warm-ups", services)
    pages = bench_pages(app, seeded, repeat, counter)
    feeds = bench_feeds(app, seeded, repeat, counter)
    print_table(f"Pages through the Flask test client, logged in through /login (100 people "
                f"a page); {repeat} runs after 2 warm-ups", pages + feeds)
    imports = bench_import(app, seeded, slow, counter)
    print_table(f"CSV import of {CSV_ROWS:,} rows; {slow} runs after 1 warm-up", imports)
    collect, passes = bench_reminders(app, 3, counter)
    print_table("Reminders: collecting them; 5 runs after 1 warm-up", [collect])
    print("  send_due_reminders to aiosmtpd on loopback (one connection, a commit per claim):")
    for number, run in enumerate(passes, start=1):
        print(f"    pass {number}: {run.sent} sent in {run.seconds:.2f} s = "
              f"{run.per_second:.0f} messages/s, {run.statements / max(run.sent, 1):.1f} SQL "
              "per message")
    with app.app_context():
        db.engine.dispose()

    everything = services + pages + feeds + imports
    slowest = max(everything, key=lambda t: t.median)
    rate = statistics.median(run.per_second for run in passes)
    return (f"{name}: slowest '{slowest.label}' {slowest.median:.0f} ms median; "
            f"{sum(t.median > SLOW_MS for t in everything)} over {SLOW_MS:.0f} ms; "
            f"reminders {rate:.0f} messages/s")


def start_postgres_server() -> Any:
    """Start the test suite's throwaway PostgreSQL server (tests/ is not an installed package)."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from tests.postgres_server import start_postgres

    return start_postgres()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5_000, help="people to seed")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per measurement")
    parser.add_argument("--postgres", action="store_true",
                        help="after SQLite, run again on a throwaway PostgreSQL server")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    summaries = []
    with tempfile.TemporaryDirectory(prefix="casework-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        summaries.append(run_backend("SQLite", url, args.people, args.repeat,
                                     Path(tmp) / "uploads-sqlite"))
        if args.postgres:
            server = start_postgres_server()
            try:
                summaries.append(run_backend("PostgreSQL", server.url, args.people,
                                             args.repeat, Path(tmp) / "uploads-postgres"))
            finally:
                server.stop()
    print()
    for summary in summaries:
        print(f"SUMMARY {summary}")
    print(f"SUMMARY total run time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
