"""Benchmark the case list at 100,000 cases: query timings, query plans and page renders.

Run from the project root:

    .venv/bin/python bench/cases_list.py              # SQLite in a temporary directory
    .venv/bin/python bench/cases_list.py --postgres   # then again on a throwaway PostgreSQL

It seeds one network with bulk Core inserts (fixed random seed, so runs are comparable),
times the real ``list_cases`` for the filters the list offers, prints the query plans of
the common queries, and times the rendered ``/cases/`` page through the Flask test client.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Engine, Select, bindparam, event, func, insert, select, text
from werkzeug.security import generate_password_hash

from casework import create_app
from casework.cases.queries import CaseFilters, filtered_cases, list_cases
from casework.cases.search_index import SEARCHED_COLUMNS
from casework.database import write_intent
from casework.extensions import db
from casework.models import (
    Case,
    CaseCounter,
    IssueType,
    Network,
    Person,
    RetaliationRisk,
    Role,
    Target,
    TargetKind,
    Tier,
    Urgency,
    User,
    case_team,
)
from casework.workflow.states import CaseState

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SEED = 20260501
NOW = datetime(2026, 5, 1, 17, 0, tzinfo=UTC)  # fixed, so every run seeds the same data
HISTORY_DAYS = 4 * 365  # cases were logged evenly over the last four years
CHUNK = 10_000
PER_PAGE = 50
DEEP_PAGE = 200
SLOW_MS = 100.0
COORDINATOR_EMAIL = "coordinator@bench.casework.org"
PASSWORD = "bench-password-2026"  # noqa: S105 - throwaway benchmark account

# --- Realistic-looking data -------------------------------------------------------------


def words(names: str) -> list[str]:
    return names.split()


FIRST_NAMES = words(
    "Maria José Ana Luis Carmen Juan Rosa Miguel Lucía Carlos Aisha Fatima Omar Amina Yusuf "
    "Mei Wei Li Hana Minh Linh Tuan Jin Soo-jin Priya Ravi Anil Sunita Dmitri Olga Ivan "
    "Natalia Tomás Sofia Mateo Valentina Kevin Jasmine Tyrone Keisha Samuel Grace Chinedu "
    "Ngozi Abdi Hodan Tesfaye Selam June Daniel Sarah Michael Emily James Laura David Elena "
    "Pedro Guadalupe Ahmed"
)
LAST_NAMES = words(
    "Lopez Garcia Hernandez Martinez Rodriguez Gonzalez Perez Sanchez Ramirez Torres Flores "
    "Rivera Gomez Diaz Reyes Cruz Morales Ortiz Gutierrez Chavez Nguyen Tran Le Pham Huynh "
    "Kim Park Lee Choi Wang Li Zhang Liu Chen Yang Huang Patel Shah Singh Kumar Okafor "
    "Adeyemi Bello Mensah Abebe Tesfaye Mohamed Hassan Ali Ahmed Volkov Ivanova Petrov "
    "Kowalski Novak Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson Thomas "
    "Jackson White Harris Martin Thompson Moore Young Allen King Wright Scott Green Baker "
    "Adams Nelson"
)
TARGET_PLACES = [
    "Blue Fern", "Cascade", "Harbor View", "Evergreen", "Northgate", "Sunrise", "Rainier",
    "Puget Sound", "Emerald City", "Cedar Ridge", "Lakeside", "Pioneer", "Olympic",
    "Capitol Hill", "Ballard", "Fremont", "Queen Anne", "Beacon Hill", "Columbia", "Alki",
    "Magnolia", "Greenwood", "Wallingford", "Ravenna", "Georgetown", "Sodo", "Interbay",
    "Maple Leaf", "Madrona", "Leschi", "Union Bay", "Elliott Bay", "Duwamish", "Salmon Bay",
    "Golden Gardens", "Green Lake", "Pike Place", "Pacific Crest", "Mount Baker", "Skyline",
]
TARGET_KINDS = [
    ("Bistro", "employer"), ("Property Group", "landlord"), ("Apartments", "landlord"),
    ("Staffing LLC", "employer"), ("Auto Body", "employer"), ("Cleaning Co.", "employer"),
    ("Construction", "employer"), ("Landscaping", "employer"), ("Warehouse Inc.", "employer"),
    ("Property Management", "landlord"), ("Cafe", "employer"), ("Bakery", "employer"),
    ("Hotel", "employer"), ("Logistics", "employer"), ("Nursing Home", "employer"),
    ("Car Wash", "employer"), ("Nail Salon", "employer"), ("Taqueria", "employer"),
    ("Pizza", "employer"), ("Movers", "employer"), ("Roofing", "employer"),
    ("Drywall Inc.", "employer"), ("Security Services", "employer"), ("Realty", "landlord"),
    ("Homes LLC", "landlord"), ("Tower Apartments", "landlord"), ("Courts", "landlord"),
    ("Market", "employer"), ("Laundry", "employer"), ("Fitness", "employer"),
]
LANDLORD_FIRST = words(
    "Gary Linda Robert Susan Mark Karen Steven Deborah Brian Cheryl Greg Sharon Dale Pamela "
    "Craig Janet Bruce Diane Roger Brenda"
)
LANDLORD_LAST = words(
    "Hargrove Pemberton Whitfield Castellano Brandt Holloway Kessler Van-Dyke Sorensen "
    "Lindqvist Drummond Ashworth Fairbanks Gallagher Hendricks Iverson Jorgensen Kingsley "
    "Lockhart Merriweather Northcott Oakley Prescott Quimby Radcliffe Stanton Thorne "
    "Underwood Vickers Wakefield Yardley Zimmerman Ballantyne Carrington Delacroix Eastwood "
    "Fitzgerald Grantham Haverford Ingram"
)
WORKPLACES = ["the restaurant", "the warehouse", "the car wash", "the hotel", "the bakery",
              "the construction site", "the nail salon", "the distribution centre"]
JOBS = ["office cleaning", "dishwashing", "delivery driving", "home care", "landscaping",
        "framing", "night security", "housekeeping"]
SUMMARIES: dict[IssueType, list[str]] = {
    IssueType.UNPAID_WAGES: [
        "{n} weeks of unpaid wages at {workplace}",
        "Final paycheck withheld after quitting {workplace}",
        "Overtime never paid for {n} months of {job}",
        "Tips kept by the manager at {workplace}",
        "Paid below minimum wage for {n} months of {job}",
    ],
    IssueType.DEPOSIT: [
        "Deposit of ${amount:,} kept with no itemised list",
        "Deposit withheld for 'cleaning' after {n} years in the unit",
        "Landlord kept the ${amount:,} deposit claiming carpet damage",
    ],
    IssueType.REPAIRS: [
        "Mould and a broken heater ignored for {n} months",
        "No hot water for {n} weeks; the landlord does not answer",
        "Leaking roof reported {n} times, ceiling now sagging",
        "Cockroaches and mice untreated for {n} months",
    ],
    IssueType.ILLEGAL_FEES: [
        "${small} monthly 'amenity fee' added mid-lease",
        "Staffing agency deducts a ${small} weekly 'transport fee'",
        "Charged ${small} for every day the rent is late",
    ],
    IssueType.EVICTION: [
        "No-cause eviction notice after asking for repairs",
        "Told to leave in {n} days with no written notice",
        "Eviction threatened after joining the tenants' union",
    ],
    IssueType.WRONGFUL_FIRING: [
        "Fired after asking about overtime pay at {workplace}",
        "Let go {n} days after reporting an injury at {workplace}",
        "Fired for talking with coworkers about wages",
    ],
    IssueType.HARASSMENT: [
        "Manager shouts and threatens to call immigration",
        "Landlord enters the unit without notice, {n} times this month",
    ],
    IssueType.OTHER: [
        "Employer refuses to hand over pay stubs",
        "Building manager withholding residents' mail",
    ],
}
MONEY_ISSUES = {IssueType.UNPAID_WAGES, IssueType.DEPOSIT, IssueType.ILLEGAL_FEES,
                IssueType.WRONGFUL_FIRING}
ISSUE_WEIGHTS = {
    IssueType.UNPAID_WAGES: 25, IssueType.DEPOSIT: 20, IssueType.REPAIRS: 20,
    IssueType.ILLEGAL_FEES: 10, IssueType.EVICTION: 10, IssueType.WRONGFUL_FIRING: 7,
    IssueType.HARASSMENT: 5, IssueType.OTHER: 3,
}
URGENCY_WEIGHTS = {Urgency.LOW: 20, Urgency.NORMAL: 55, Urgency.HIGH: 18, Urgency.URGENT: 7}
S = CaseState
# New cases are mostly open; old ones mostly ended (won, closed, declined) or paused.
STATE_WEIGHTS_BY_AGE: list[tuple[int, dict[CaseState, int]]] = [
    (30, {S.INQUIRY: 30, S.SCREENING: 20, S.PROPOSED: 10, S.DRAFTING: 8, S.READY: 5,
          S.DELIVERED: 5, S.ESCALATING: 4, S.NEGOTIATING: 4, S.PAUSED: 2, S.DECLINED: 8,
          S.WON: 2, S.CLOSED: 2}),
    (180, {S.INQUIRY: 2, S.SCREENING: 3, S.PROPOSED: 5, S.DRAFTING: 6, S.READY: 4,
           S.DELIVERED: 8, S.ESCALATING: 8, S.NEGOTIATING: 10, S.PAUSED: 8, S.DECLINED: 15,
           S.WON: 16, S.CLOSED: 15}),
    (10**6, {S.INQUIRY: 1, S.PAUSED: 3, S.ESCALATING: 1, S.NEGOTIATING: 1, S.DECLINED: 25,
             S.WON: 30, S.CLOSED: 40}),
]


@dataclass
class Seeded:
    """What the seeding produced, and the values the benchmark searches for."""

    network_id: int
    coordinator_id: int
    organizer_ids: list[int]
    intake_ids: list[int]
    target_search: str = ""
    person_search: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


@dataclass
class Timing:
    label: str
    samples: list[float]
    rows: int | None = None
    matches: int | None = None
    statements: float | None = None
    kib: int | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:  # nearest rank: with 20 samples, the 19th fastest
        ordered = sorted(self.samples)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


# --- Seeding -----------------------------------------------------------------------------


def chunked(rows: list[dict[str, Any]], size: int = CHUNK) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def bulk_insert(table: Any, rows: list[dict[str, Any]]) -> None:
    for chunk in chunked(rows):
        db.session.execute(insert(table), chunk)


def seed(case_count: int, rng: random.Random) -> Seeded:
    """One network, 20 users, 2,000 targets and ``case_count`` people and cases."""
    started = time.perf_counter()
    network_id = 1
    bulk_insert(Network.__table__, [{
        "id": network_id, "name": "Seattle Solidarity Network", "code": "SEA",
        "timezone": "America/Los_Angeles", "created_at": NOW - timedelta(days=HISTORY_DAYS + 30),
    }])
    password_hash = generate_password_hash(PASSWORD)  # one hash, shared: scrypt is slow
    users = [("Rosa Coordinator", COORDINATOR_EMAIL, Role.COORDINATOR)]
    users += [(f"{rng.choice(FIRST_NAMES)} Organizer{i}", f"organizer{i}@bench.casework.org",
               Role.ORGANIZER) for i in range(1, 16)]
    users += [(f"{rng.choice(FIRST_NAMES)} Intake{i}", f"intake{i}@bench.casework.org",
               Role.INTAKE) for i in range(1, 5)]
    bulk_insert(User.__table__, [
        {"id": user_id, "network_id": network_id, "name": name, "email": email, "role": role,
         "password_hash": password_hash, "is_disabled": False,
         "created_at": NOW - timedelta(days=HISTORY_DAYS)}
        for user_id, (name, email, role) in enumerate(users, start=1)
    ])
    seeded = Seeded(
        network_id=network_id,
        coordinator_id=1,
        organizer_ids=[i for i, u in enumerate(users, start=1) if u[2] == Role.ORGANIZER],
        intake_ids=[i for i, u in enumerate(users, start=1) if u[2] == Role.INTAKE],
    )

    # Targets: 1,200 businesses and 800 individual landlords; a few big ones get most cases.
    target_specs = [(f"{place} {kind}", TargetKind.COMPANY, role)
                    for place in TARGET_PLACES for kind, role in TARGET_KINDS]
    target_specs += [(f"{first} {last.replace('-', ' ')}", TargetKind.PERSON, "landlord")
                     for first in LANDLORD_FIRST for last in LANDLORD_LAST]
    rng.shuffle(target_specs)
    target_names = [name for name, _, _ in target_specs]
    bulk_insert(Target.__table__, [
        {"id": i, "network_id": network_id, "name": name, "kind": kind, "role": role,
         "address": "", "contacts": "", "leverage_points": "", "research_notes": "",
         "created_at": NOW - timedelta(days=HISTORY_DAYS)}
        for i, (name, kind, role) in enumerate(target_specs, start=1)
    ])
    target_weights = list(_cumulative([1 / (rank ** 0.9) for rank in range(1, 2001)]))
    seeded.target_search = target_names[99]  # the 100th busiest target: ~130 cases

    issues, issue_w = list(ISSUE_WEIGHTS), list(_cumulative(ISSUE_WEIGHTS.values()))
    urgencies, urgency_w = list(URGENCY_WEIGHTS), list(_cumulative(URGENCY_WEIGHTS.values()))
    state_tables = [(days, list(w), list(_cumulative(w.values())))
                    for days, w in STATE_WEIGHTS_BY_AGE]
    organizer_w = [rng.uniform(0.5, 1.5) for _ in seeded.organizer_ids]
    authors = seeded.intake_ids * 14 + seeded.organizer_ids + [seeded.coordinator_id] * 4
    step = timedelta(days=HISTORY_DAYS) / case_count
    start = NOW - timedelta(days=HISTORY_DAYS)
    counters: dict[int, int] = {}
    team_rows = 0

    for chunk_start in range(1, case_count + 1, CHUNK):
        people: list[dict[str, Any]] = []
        cases: list[dict[str, Any]] = []
        team: list[dict[str, Any]] = []
        for case_id in range(chunk_start, min(chunk_start + CHUNK, case_count + 1)):
            created = start + step * (case_id - 1) + step * rng.random()  # ids follow time
            counters[created.year] = number = counters.get(created.year, 0) + 1
            reference = f"SEA-{created.year}-{number:06d}"
            person_name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if case_id == case_count // 3:
                seeded.person_search = person_name
            target_index = rng.choices(range(2000), cum_weights=target_weights)[0]
            issue = rng.choices(issues, cum_weights=issue_w)[0]
            age_days = (NOW - created).days
            _, states, state_w = next(t for t in state_tables if age_days < t[0])
            state = rng.choices(states, cum_weights=state_w)[0]
            summary = rng.choice(SUMMARIES[issue]).format(
                n=rng.randint(2, 9), amount=rng.randrange(800, 4000, 50),
                small=rng.randrange(25, 150, 5), workplace=rng.choice(WORKPLACES),
                job=rng.choice(JOBS),
            )
            changed = created + timedelta(days=min(age_days, rng.randint(0, 120)))
            people.append({
                "id": case_id, "network_id": network_id, "name": person_name,
                "phone": f"206-555-{rng.randrange(10_000):04d}", "email": "",
                "safe_contact_notes": "", "sms_consent": rng.random() < 0.6,
                "email_consent": False, "languages": "es,en" if rng.random() < 0.3 else "en",
                "tier": Tier.MEMBER, "created_at": created,
            })
            cases.append({
                "id": case_id, "network_id": network_id, "reference": reference,
                "state": state, "issue_type": issue, "summary": summary, "what_happened": "",
                "amount_claimed": (Decimal(rng.randrange(20_000, 900_000)) / 100
                                   if issue in MONEY_ISSUES else None),
                "urgency": rng.choices(urgencies, cum_weights=urgency_w)[0],
                "retaliation_risk": rng.choice(list(RetaliationRisk)),
                "still_employed_or_housed": rng.choice([True, False, None]),
                "person_id": case_id, "target_id": target_index + 1,
                "created_by_id": rng.choice(authors), "created_at": created,
                "updated_at": changed, "state_changed_at": changed,
                # As Case.refresh_search_text: "reference target summary", lower-cased.
                "search_text": f"{reference} {target_names[target_index]} {summary}".lower(),
                "version": 1,
            })
            first = rng.choices(seeded.organizer_ids, weights=organizer_w)[0]
            members = {first}
            if rng.random() < 0.4:
                members.add(rng.choice(seeded.organizer_ids))
            team += [{"case_id": case_id, "user_id": user_id} for user_id in sorted(members)]
        bulk_insert(Person.__table__, people)
        bulk_insert(Case.__table__, cases)
        bulk_insert(case_team, team)
        team_rows += len(team)

    bulk_insert(CaseCounter.__table__, [
        {"network_id": network_id, "year": year, "last_number": last}
        for year, last in sorted(counters.items())
    ])
    db.session.commit()
    seeded.seconds = time.perf_counter() - started
    seeded.counts = {"users": len(users), "targets": len(target_specs), "persons": case_count,
                     "cases": case_count, "case_team rows": team_rows}
    return seeded


def _cumulative(weights: Any) -> Iterator[float]:
    total = 0.0
    for weight in weights:
        total += weight
        yield total


def finish_postgres_seed() -> None:
    """Move the id sequences past the explicit ids, and gather planner statistics."""
    for table in ("network", "user_account", "target", "person", "case_record"):
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - constants
            f"(SELECT max(id) FROM {table}))"
        ))
    db.session.commit()
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")


# --- Measuring ---------------------------------------------------------------------------


def measure(run: Callable[[], Any], repeat: int, warmup: int = 2,
            after_each: Callable[[], None] | None = None) -> list[float]:
    """Milliseconds per call, ``repeat`` times after ``warmup`` untimed calls."""
    samples = []
    for index in range(warmup + repeat):
        started = time.perf_counter()
        run()
        elapsed = (time.perf_counter() - started) * 1000
        if after_each is not None:
            after_each()
        if index >= warmup:
            samples.append(elapsed)
    return samples


class StatementCounter:
    """Counts the SQL statements an engine executes."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        event.listen(engine, "before_cursor_execute", self._count)

    def _count(self, *_args: Any) -> None:
        self.count += 1


def count_matches(statement: Select[Any]) -> int:
    counted = select(func.count()).select_from(statement.order_by(None).subquery())
    return int(db.session.scalar(counted) or 0)


@dataclass
class QueryCase:
    label: str
    user: User
    filters: CaseFilters
    after: int | None = None

    def statement(self) -> Select[Any]:
        query = filtered_cases(self.user, self.filters)
        return query.where(Case.id < self.after) if self.after else query


def query_cases(seeded: Seeded) -> list[QueryCase]:
    users = {u.id: u for u in db.session.scalars(select(User))}
    for user in users.values():  # load every attribute before the users are detached
        _ = (user.network_id, user.role, user.name)
    coordinator = users[seeded.coordinator_id]
    organizer = users[seeded.organizer_ids[3]]
    intake = users[seeded.intake_ids[0]]
    deep_after = db.session.scalar(
        select(Case.id).where(Case.network_id == seeded.network_id).order_by(Case.id.desc())
        .offset((DEEP_PAGE - 1) * PER_PAGE - 1).limit(1)
    )
    return [
        QueryCase("first page, unfiltered", coordinator, CaseFilters()),
        QueryCase(f"page {DEEP_PAGE} (keyset, after={deep_after})", coordinator, CaseFilters(),
                  after=deep_after),
        QueryCase("state = escalating", coordinator, CaseFilters(state=CaseState.ESCALATING)),
        QueryCase("issue type = eviction", coordinator,
                  CaseFilters(issue_type=IssueType.EVICTION)),
        QueryCase("urgency = urgent", coordinator, CaseFilters(urgency=Urgency.URGENT)),
        QueryCase(f"organizer = {organizer.name} (team)", coordinator,
                  CaseFilters(organizer_id=organizer.id)),
        QueryCase("negotiating + unpaid wages + high + organizer", coordinator,
                  CaseFilters(state=CaseState.NEGOTIATING, issue_type=IssueType.UNPAID_WAGES,
                              urgency=Urgency.HIGH, organizer_id=organizer.id)),
        QueryCase(f"text: target '{seeded.target_search}'", coordinator,
                  CaseFilters(text=seeded.target_search)),
        QueryCase(f"text: person '{seeded.person_search}'", coordinator,
                  CaseFilters(text=seeded.person_search)),
        QueryCase(f"text: person '{seeded.person_search}' as organizer (own teams)", organizer,
                  CaseFilters(text=seeded.person_search)),
        QueryCase("text: common word ('deposit')", coordinator, CaseFilters(text="deposit")),
        QueryCase("text: no match ('zzqx')", coordinator, CaseFilters(text="zzqx")),
        QueryCase("text: 2 letters, common ('li'; no index)", coordinator, CaseFilters(text="li")),
        QueryCase("text: 2 letters, rare ('zq'; no index)", coordinator, CaseFilters(text="zq")),
        QueryCase("intake volunteer: own cases only", intake, CaseFilters()),
    ]


def search_structures() -> str:
    """What serves the text search here: the FTS5 tables or trigram indexes create_all built."""
    if db.engine.dialect.name == "sqlite":
        kind, names = "FTS5 trigram tables", [c.fts_table for c in SEARCHED_COLUMNS]
        query = "SELECT name FROM sqlite_master WHERE name IN :names ORDER BY name"
    else:
        kind, names = "pg_trgm GIN indexes", [c.trigram_index for c in SEARCHED_COLUMNS]
        query = "SELECT indexname FROM pg_indexes WHERE indexname IN :names ORDER BY indexname"
    found = db.session.scalars(
        text(query).bindparams(bindparam("names", names, expanding=True))).all()
    db.session.rollback()
    missing = sorted(set(names) - set(found))
    return (f"Text search served by {kind}: {', '.join(found) or 'NONE'}"
            + (f" (MISSING: {', '.join(missing)})" if missing else ""))


def bench_queries(cases: list[QueryCase], repeat: int) -> list[Timing]:
    timings = []
    counter = StatementCounter(db.engine)
    for case in cases:
        page = list_cases(case.user, case.filters, case.after, per_page=PER_PAGE)
        rows = len(page.cases)
        matches = count_matches(case.statement())
        db.session.expunge_all()  # each request starts with an empty session
        before = counter.count
        samples = measure(
            lambda case=case: list_cases(case.user, case.filters, case.after, per_page=PER_PAGE),
            repeat, after_each=db.session.expunge_all,
        )
        statements = (counter.count - before) / (repeat + 2)
        timings.append(Timing(case.label, samples, rows, matches, statements))
    return timings


def query_plan(statement: Select[Any]) -> list[str]:
    """The database's plan for one page of the statement, as indented lines."""
    sql = str(statement.limit(PER_PAGE + 1).compile(
        dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    if db.engine.dialect.name == "sqlite":
        rows = db.session.execute(text(f"EXPLAIN QUERY PLAN {sql}")).all()
        depth: dict[int, int] = {0: -1}
        lines = []
        for node_id, parent, _unused, detail in rows:
            depth[node_id] = depth.get(parent, -1) + 1
            lines.append("  " * depth[node_id] + detail)
        return lines
    # The compiler doubled the % of LIKE patterns for psycopg's pyformat; text() does it again.
    sql = sql.replace("%%", "%")
    rows = db.session.execute(text(f"EXPLAIN (ANALYZE, COSTS OFF) {sql}")).all()
    return [row[0] for row in rows]


FILTER_FIELDS = ("q", "state", "issue_type", "urgency", "organizer")
REFERENCE = re.compile(rb"SEA-\d{4}-\d{6}")


def form_fields(**fields: str) -> dict[str, str]:
    """What the search form posts: every field, empty when unused, as a browser sends."""
    return {name: fields.get(name, "") for name in FILTER_FIELDS}


def searched_url(client: FlaskClient, fields: dict[str, str]) -> str:
    """Post the search form; the list URL it redirects to (the text stays in the session)."""
    response = client.post("/cases/search", data=fields)
    assert response.status_code == 302, f"search failed: {response.status_code}"
    return response.location


def bench_pages(app: Flask, seeded: Seeded, repeat: int) -> tuple[list[Timing], list[str]]:
    """GET the real list page as the coordinator, through the whole Flask stack.

    Each page's case references are checked against ``list_cases``, so a page that
    silently dropped its filters would be reported rather than timed as if filtered.
    A search is posted once; its page is then timed at the URL the post redirected to.
    """
    search = f"GET /cases/?search=<token> ('{seeded.target_search}')"
    pages = [
        ("GET /cases/", CaseFilters()),
        (search, CaseFilters(text=seeded.target_search)),
        ("GET /cases/?state=escalating", CaseFilters(state=CaseState.ESCALATING)),
    ]
    with app.app_context():
        counter = StatementCounter(db.engine)
        coordinator = db.session.get(User, seeded.coordinator_id)
        assert coordinator is not None
        expected = {label: [case.reference.encode() for case in
                            list_cases(coordinator, filters, None, PER_PAGE).cases]
                    for label, filters in pages}
    client = app.test_client()
    response = client.post("/login", data={"email": COORDINATOR_EMAIL, "password": PASSWORD})
    assert response.status_code == 302, f"login failed: {response.status_code}"
    urls = {"GET /cases/": "/cases/",
            search: searched_url(client, form_fields(q=seeded.target_search)),
            "GET /cases/?state=escalating": "/cases/?" + urlencode(form_fields(state="escalating"))}

    notes = []
    # Links and bookmarks carry only the filters in use, and a search may post only its text;
    # check those are honoured too.
    for label, short_url in [("GET /cases/?state=escalating", "/cases/?state=escalating"),
                             (search, searched_url(client, {"q": seeded.target_search}))]:
        shown = REFERENCE.findall(client.get(short_url).data)
        if shown != expected[label]:
            notes.append(f"GET {short_url} (without the form's other fields) is NOT filtered: "
                         "it lists the unfiltered first page")

    timings = []
    for label, _ in pages:
        sizes: list[int] = []

        def get(url: str = urls[label], label: str = label, sizes: list[int] = sizes) -> None:
            response = client.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"
            sizes.append(len(response.data))
            if len(sizes) == 1:
                assert REFERENCE.findall(response.data) == expected[label], f"{url}: wrong cases"

        before = counter.count
        samples = measure(get, repeat)
        statements = (counter.count - before) / (repeat + 2)
        timings.append(Timing(label, samples, statements=statements, kib=sizes[-1] // 1024))
    return timings, notes


# --- Reporting ---------------------------------------------------------------------------


Column = tuple[str, Callable[[Timing], str]]


def print_table(title: str, timings: list[Timing], extra: list[Column]) -> None:
    width = max(len(t.label) for t in timings)
    headers = [name for name, _ in extra] + ["median ms", "p95 ms"]
    print(f"\n{title}")
    print(f"  {'':<{width}}  " + "  ".join(f"{h:>10}" for h in headers))
    for timing in timings:
        cells = [cell(timing) for _, cell in extra]
        cells += [f"{timing.median:.1f}", f"{timing.p95:.1f}"]
        flag = "  <-- slow" if timing.median > SLOW_MS else ""
        print(f"  {timing.label:<{width}}  " + "  ".join(f"{c:>10}" for c in cells) + flag)


def run_backend(name: str, url: str, case_count: int, repeat: int, analyze: bool) -> str:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True,
                      "WTF_CSRF_ENABLED": False,
                      "CASEWORK_KEEP_PAGES": False})
    with app.app_context():
        version = db.session.execute(text(
            "SELECT sqlite_version()" if db.engine.dialect.name == "sqlite"
            else "SHOW server_version")).scalar_one()
        db.session.rollback()
        print(f"\n=== {name} {version}: case list at {case_count:,} cases "
              f"(Python {platform.python_version()}, {os.cpu_count()} CPUs) ===")
        db.create_all()
        with write_intent():
            seeded = seed(case_count, random.Random(SEED))
        if db.engine.dialect.name == "postgresql":
            finish_postgres_seed()
            stats_note = "ANALYZE run"
        elif analyze:
            db.session.execute(text("ANALYZE"))
            db.session.commit()
            stats_note = "ANALYZE run (--analyze)"
        else:
            stats_note = "no ANALYZE, as the app ships"
        counts = ", ".join(f"{n:,} {what}" for what, n in seeded.counts.items())
        print(f"Seeded {counts} in {seeded.seconds:.1f} s ({stats_note})")
        print(search_structures())

        cases = query_cases(seeded)
        query_timings = bench_queries(cases, repeat)
        print_table(
            f"list_cases(per_page={PER_PAGE}) as the coordinator unless noted; "
            f"{repeat} runs after 2 warm-ups",
            query_timings,
            [("rows", lambda t: str(t.rows)), ("matches", lambda t: f"{t.matches:,}"),
             ("SQL/call", lambda t: f"{t.statements:g}")],
        )
        print("  rows: cases on the page; matches: all cases the filter matches (COUNT)")
        plan_labels = {cases[0].label, cases[2].label, cases[7].label, cases[8].label}
        plan_labels |= {t.label for t in query_timings if t.median > SLOW_MS}
        for case in cases:
            if case.label in plan_labels:
                print(f"\nQuery plan: {case.label}")
                for line in query_plan(case.statement()):
                    print(f"  {line}")
        db.session.rollback()

    page_timings, notes = bench_pages(app, seeded, repeat)
    print_table(
        f"Rendered list page as the coordinator (Flask test client, the link the filter "
        f"form leads to); {repeat} runs after 2 warm-ups",
        page_timings,
        [("KiB", lambda t: str(t.kib)), ("SQL/req", lambda t: f"{t.statements:g}")],
    )
    for note in notes:
        print(f"  NOTE: {note}")
    with app.app_context():
        db.engine.dispose()

    slowest = max(query_timings, key=lambda t: t.median)
    slowest_page = max(page_timings, key=lambda t: t.median)
    fast = sum(t.median <= SLOW_MS for t in query_timings)
    return (f"{name}: seeded {case_count:,} cases in {seeded.seconds:.1f} s; "
            f"{fast}/{len(query_timings)} queries under {SLOW_MS:.0f} ms median; slowest "
            f"query '{slowest.label}' {slowest.median:.1f} ms; slowest page "
            f"'{slowest_page.label}' {slowest_page.median:.1f} ms")


def start_postgres_server() -> Any:
    """Start the test suite's throwaway PostgreSQL server (tests/ is not an installed package)."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from tests.postgres_server import start_postgres

    return start_postgres()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=100_000, help="cases to seed")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per measurement")
    parser.add_argument("--postgres", action="store_true",
                        help="after SQLite, run again on a throwaway PostgreSQL server")
    parser.add_argument("--analyze", action="store_true",
                        help="run ANALYZE on SQLite after seeding (the app never does)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    summaries = []
    with tempfile.TemporaryDirectory(prefix="casework-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        summaries.append(run_backend("SQLite", url, args.cases, args.repeat, args.analyze))
    if args.postgres:
        server = start_postgres_server()
        try:
            summaries.append(run_backend("PostgreSQL", server.url, args.cases, args.repeat,
                                         args.analyze))
        finally:
            server.stop()
    print()
    for summary in summaries:
        print(f"SUMMARY {summary}")
    print(f"SUMMARY total run time {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
