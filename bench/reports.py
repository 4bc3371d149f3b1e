"""Benchmark the reports page at 1,000 and 100,000 cases (1,000,000 timeline events).

Run from the project root:

    .venv/bin/python bench/reports.py              # SQLite in a temporary directory
    .venv/bin/python bench/reports.py --postgres   # then again on a throwaway PostgreSQL
    .venv/bin/python bench/reports.py --postgres --keep /tmp/reports-bench   # seed once, reuse

It seeds with bench/http_load.py's ``seed_everything`` (people, cases over four years, tasks,
actions, letters, filler timeline events), then gives every case the history its state
implies: transition events (screen, propose, accept, win, close, decline), a delivery, money
demands, an outcome, decline reasons, actions carried out with their turnout and call lists.
Filler events are cut to 7 a case so that the timeline holds about 10 events a case
(1,000,000 at 100,000 cases). It then times the reports page as a coordinator through the
Flask test client for the last 12 months of the seeded history and for this year (the
page's default), each figure group on its own, and the page again with its figures worked
out anew (the reports keep them while the database is unchanged: casework/data_version.py)
and with its charts drawn anew too; it prints the ratio of the page time at the large size
to the small one. Target: under 300 ms median at 100,000 cases, at most 3x the 1,000-case
time. With --keep, the seeded databases are kept and reused (their figures rebuilt).
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:  # run as a script: bench/ and tests/ are not installed
    sys.path.insert(0, str(PROJECT_ROOT))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy import func, select, text, update  # noqa: E402

import bench.http_load as http_load  # noqa: E402
from bench.cases_list import (  # noqa: E402
    COORDINATOR_EMAIL,
    NOW,
    PASSWORD,
    SEED,
    StatementCounter,
    bulk_insert,
    start_postgres_server,
)
from casework import create_app  # noqa: E402
from casework.database import write_intent  # noqa: E402
from casework.extensions import db  # noqa: E402
from casework.kept import forget_kept  # noqa: E402
from casework.models import (  # noqa: E402
    Action,
    ActionKind,
    ActionStatus,
    CallAnswer,
    CallListEntry,
    Case,
    DeclineReason,
    Delivery,
    Demand,
    DemandKind,
    Event,
    EventKind,
    FightFigures,
    Network,
    Outcome,
    OutcomeKind,
    ReportTally,
)
from casework.reports import charts, queries  # noqa: E402
from casework.reports.fight_figures import rebuild_fight_figures  # noqa: E402
from casework.reports.figures import network_report, worked_out_report  # noqa: E402
from casework.reports.period import Period  # noqa: E402
from casework.workflow.states import CaseState  # noqa: E402

S = CaseState
FILLER_EVENTS_PER_CASE = 7
# How far along the workflow each state got: 0 inquiry … 4 delivered.
REACHED = {S.INQUIRY: 0, S.SCREENING: 1, S.PROPOSED: 2, S.DRAFTING: 3, S.READY: 3,
           S.DELIVERED: 4, S.ESCALATING: 4, S.NEGOTIATING: 4, S.WON: 4}
WIN_KINDS = [OutcomeKind.FULL] * 6 + [OutcomeKind.MORE_THAN_OWED, OutcomeKind.PARTIAL,
                                      OutcomeKind.PARTIAL]
CLOSE_KINDS = [OutcomeKind.LOST] * 3 + [OutcomeKind.WITHDRAWN, OutcomeKind.MOOT,
                                        OutcomeKind.REFERRED_OUT]
ANSWERS = [CallAnswer.YES] * 4 + [CallAnswer.NO, CallAnswer.MAYBE, CallAnswer.NOT_CALLED,
                                  CallAnswer.REACHED]
CHUNK = 5_000
# A table a seeded database is marked with, so that --keep reuses it.
SEEDED_MARK = "bench_reports_seeded"
# Indexes whose columns changed since a kept database was seeded.
CHANGED_INDEXES = ["ix_case_record_state_deadline"]


def seed_history(rng: random.Random) -> dict[str, int]:
    """Give every case the records its state implies; returns what was added."""
    rows = db.session.execute(
        select(Case.id, Case.created_at, Case.state_changed_at, Case.state,
               Case.amount_claimed, Case.person_id).order_by(Case.id)).all()
    people = [row.person_id for row in rows]
    ids = {name: int(db.session.scalar(select(func.max(model.id))) or 0)
           for name, model in (("event", Event), ("action", Action))}
    added = {"transition events": 0, "deliveries": 0, "outcomes": 0, "demands": 0,
             "actions done": 0, "call list entries": 0}
    for start in range(0, len(rows), CHUNK):
        events: list[dict[str, Any]] = []
        deliveries, outcomes, demands, actions, calls = [], [], [], [], []
        for case_id, created, changed, state, claimed, _person in rows[start:start + CHUNK]:
            created = created.replace(tzinfo=UTC) if created.tzinfo is None else created
            changed = changed.replace(tzinfo=UTC) if changed.tzinfo is None else changed
            span = max(changed - created, timedelta(days=8))
            ended_from = rng.randint(0, 2) if state == S.DECLINED else (
                rng.randint(3, 4) if state == S.CLOSED else None)
            reached = REACHED.get(state, rng.randint(1, 4)) if ended_from is None else ended_from
            moves = [("screen", "screening", 0.1), ("propose", "proposed", 0.2),
                     ("accept", "drafting", 0.35)][:reached]
            for trigger, to_state, share in moves:
                ids["event"] += 1
                events.append(transition(ids["event"], case_id, trigger, to_state,
                                         created + span * share))
            if state in (S.WON, S.CLOSED, S.DECLINED):
                ids["event"] += 1
                trigger = {S.WON: "win", S.CLOSED: "close", S.DECLINED: "decline"}[state]
                events.append(transition(ids["event"], case_id, trigger, state.value, changed))
            if reached >= 3 and claimed is not None and rng.random() < 0.8:
                demands.append({"case_id": case_id, "position": 0, "kind": DemandKind.MONEY,
                                "description": "Pay what is owed", "amount": claimed,
                                "calculation": "", "created_at": created})
            if reached >= 4:
                delivered = created + span * 0.5
                deliveries.append({"case_id": case_id, "delivered_at": delivered,
                                   "place": "Office", "handed_over_by": "The member",
                                   "turnout": rng.randint(8, 40), "target_reaction": "",
                                   "police_present": False, "notes": "", "created_at": delivered})
                for number in range(rng.randint(0, 3)):
                    ids["action"] += 1
                    when = delivered + span * (0.1 * (number + 1))
                    actions.append({
                        "id": ids["action"], "case_id": case_id, "network_id": 1,
                        "position": number + 1,
                        "kind": rng.choice(list(ActionKind)), "title": "", "starts_at": when,
                        "place": "", "turnout_goal": 20, "turnout_actual": rng.randint(3, 45)
                        if rng.random() < 0.8 else None, "calls_supporters": False,
                        "materials": "", "result": "", "incidents": "", "police_present": False,
                        "status": ActionStatus.DONE, "done_at": when, "created_at": created,
                        "updated_at": when})
                    if rng.random() < 0.05:
                        for person_id in rng.sample(people, min(30, len(people))):
                            answer = rng.choice(ANSWERS)
                            calls.append({"action_id": ids["action"], "person_id": person_id,
                                          "answer": answer, "is_checked_in":
                                          answer == CallAnswer.YES and rng.random() < 0.7})
            if state in (S.WON, S.CLOSED):
                kind = rng.choice(WIN_KINDS if state == S.WON else CLOSE_KINDS)
                owed = claimed or Decimal(0)
                recovered = {OutcomeKind.FULL: owed, OutcomeKind.MORE_THAN_OWED: owed * 2,
                             OutcomeKind.PARTIAL: (owed / 2).quantize(Decimal("0.01"))}.get(kind)
                outcomes.append({"case_id": case_id, "kind": kind,
                                 "amount_recovered": recovered, "decided_on": changed.date(),
                                 "conditions": "", "debrief": "", "created_at": changed})
        for table, batch in ((Event, events), (Delivery, deliveries), (Outcome, outcomes),
                             (Demand, demands), (Action, actions), (CallListEntry, calls)):
            bulk_insert(table.__table__, batch)
        for name, batch in (("transition events", events), ("deliveries", deliveries),
                            ("outcomes", outcomes), ("demands", demands),
                            ("actions done", actions), ("call list entries", calls)):
            added[name] += len(batch)
    reasons = list(DeclineReason)
    for number, reason in enumerate(reasons):
        db.session.execute(update(Case).where(Case.state == S.DECLINED,
                                              Case.id % len(reasons) == number)
                           .values(decline_reason=reason))
    db.session.execute(update(Case).where(Case.state.in_([S.DELIVERED, S.NEGOTIATING]),
                                          Case.id % 3 == 0)
                       .values(deadline_on=date(2026, 4, 1)))
    db.session.commit()
    return added


def transition(event_id: int, case_id: int, trigger: str, to_state: str,
               when: datetime) -> dict[str, Any]:
    return {"id": event_id, "case_id": case_id, "actor_id": None, "kind": EventKind.TRANSITION,
            "created_at": when, "from_state": None, "to_state": to_state, "trigger": trigger,
            "note": "", "changed_fields": []}


def refresh_schema() -> None:
    """A kept database brought up to the models: the derived report tables dropped and
    rebuilt, new tables and indexes created (seeded records are left as they are)."""
    derived = [FightFigures.__table__, ReportTally.__table__]
    with db.engine.begin() as connection:
        for table in derived:
            table.drop(connection, checkfirst=True)
        if "network_id" not in {c["name"] for c in sa.inspect(connection).get_columns("action")}:
            connection.execute(text("ALTER TABLE action ADD COLUMN network_id INTEGER"))
            connection.execute(text("UPDATE action SET network_id = (SELECT network_id FROM "
                                    "case_record WHERE case_record.id = action.case_id)"))
    db.create_all()
    with db.engine.begin() as connection:
        for name in CHANGED_INDEXES:  # made again with their new columns
            connection.execute(text(f"DROP INDEX IF EXISTS {name}"))
        for table in db.metadata.sorted_tables:
            for index in table.indexes:
                index.create(connection, checkfirst=True)


def measure(run: Callable[[], Any], repeat: int, warmup: int = 2) -> list[float]:
    samples = []
    for index in range(warmup + repeat):
        started = time.perf_counter()
        run()
        if index >= warmup:
            samples.append((time.perf_counter() - started) * 1000)
    return samples


def describe(samples: list[float]) -> str:
    ordered = sorted(samples)
    p95 = ordered[max(0, int(0.95 * len(ordered) + 0.5) - 1)]
    return f"median {statistics.median(samples):7.1f} ms  p95 {p95:7.1f} ms"


def run_size(name: str, url: str, case_count: int, repeat: int) -> tuple[float, float]:
    """Seed ``case_count`` cases, print the timings; returns the page's median ms, with its
    figures kept and worked out anew."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True,
                      "WTF_CSRF_ENABLED": False,
                      "CASEWORK_KEEP_PAGES": False})
    http_load.EVENTS_PER_CASE = FILLER_EVENTS_PER_CASE
    with app.app_context():
        reused = sa.inspect(db.engine).has_table(SEEDED_MARK)
        started = time.perf_counter()
        if reused:
            refresh_schema()
            counts: dict[str, Any] = {}
        else:
            db.create_all()
            with write_intent():
                seeded = http_load.seed_everything(case_count)
                added = seed_history(random.Random(SEED + 1))
                db.session.commit()
            counts = {**seeded.counts, **added}
        seeding = time.perf_counter() - started
        rebuilt = time.perf_counter()
        with write_intent():
            rebuild_fight_figures(db.session.connection())  # the history changed every fight
            db.session.commit()
        rebuilt = time.perf_counter() - rebuilt
        if db.engine.dialect.name == "postgresql":
            http_load.finish_postgres()
        if not reused:
            with db.engine.begin() as connection:
                connection.execute(text(f"CREATE TABLE {SEEDED_MARK} (n INTEGER)"))
        events = db.session.scalar(select(func.count()).select_from(Event))
        counts["timeline events in all"] = events
        print(f"\n=== {name}: {case_count:,} cases, "
              f"{'reused' if reused else 'seeded'} in {seeding:.0f} s, "
              f"figures rebuilt in {rebuilt:.1f} s ===")
        print("  " + ", ".join(f"{n:,} {what}" for what, n in counts.items()))
        network = db.session.get_one(Network, 1)
        # The last 12 months of the seeded history (it ends on NOW, 1 May 2026).
        last_day = NOW.date() - timedelta(days=1)
        period = Period.between(network.timezone, date(last_day.year - 1, last_day.month,
                                                       last_day.day) + timedelta(days=1),
                                last_day)
        counter = StatementCounter(db.engine)
        report = network_report(network, period, include_people=True)
        print(f"  period {period.first_day} to {period.last_day}: "
              f"{report.funnel.inquiries:,} inquiries, {report.funnel.won:,} won, "
              f"{report.mobilization.actions:,} actions, "
              f"{report.mobilization.calls.listed:,} call list entries")
        before = counter.count
        network_report(network, period, include_people=True)
        print(f"  network_report: {counter.count - before} SQL statements")
        parts: dict[str, Callable[[], Any]] = {
            "outcomes, money": lambda: queries.outcomes_and_money(network.id, period),
            "funnel": lambda: queries.funnel(network.id, period, report.outcomes.overall),
            "timing": lambda: queries.timing(network.id, period),
            "mobilization": lambda: queries.mobilization(network.id, period,
                                                         include_people=True),
            "load": lambda: queries.load(network.id, period, report.today, include_people=True),
            "figures anew": lambda: worked_out_report(network, period, include_people=True,
                                                      today=report.today),
        }
        for label, run in parts.items():
            print(f"  {label:<16} {describe(measure(run, repeat))}")
        db.session.rollback()
    client = app.test_client()
    response = client.post("/login", data={"email": COORDINATOR_EMAIL, "password": PASSWORD})
    assert response.status_code == 302, "login failed"
    page = (f"/reports/?period=range&start={period.first_day.isoformat()}"
            f"&end={period.last_day.isoformat()}")

    def get() -> None:
        answer = client.get(page)
        assert answer.status_code == 200, answer.status_code

    samples = measure(get, repeat)
    print(f"  {'reports page':<16} {describe(samples)}  "
          f"({len(client.get(page).data) // 1024} KiB, last 12 months; figures kept)")

    def get_default() -> None:
        answer = client.get("/reports/")
        assert answer.status_code == 200, answer.status_code

    print(f"  {'… this year':<16} {describe(measure(get_default, repeat))}  "
          "(the page's default period; figures kept)")

    def get_figures_anew() -> None:
        forget_kept()
        get()

    anew = measure(get_figures_anew, repeat)
    print(f"  {'… figures anew':<16} {describe(anew)}  (the first view after a write)")

    def get_default_anew() -> None:
        forget_kept()
        get_default()

    print(f"  {'… this year anew':<16} {describe(measure(get_default_anew, repeat))}")

    def get_all_anew() -> None:
        forget_kept()
        charts._render.cache_clear()
        get()

    print(f"  {'… charts too':<16} {describe(measure(get_all_anew, repeat))}  "
          "(figures worked out and charts drawn anew)")
    with app.app_context():
        db.engine.dispose()
    return statistics.median(samples), statistics.median(anew)


def start_kept_postgres(data_dir: Path) -> Any:
    """Start a PostgreSQL server on ``data_dir``, made by initdb the first time, with the
    test suite's settings; it is stopped, not removed, at the end of the run."""
    from tests.postgres_server import PostgresServer, free_port, pg_binary

    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    if run_as:
        shutil.chown(data_dir.parent, user="postgres")
    if not data_dir.exists():
        subprocess.run([*run_as, pg_binary("initdb"), "-D", str(data_dir),  # noqa: S603
                        "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                        "--locale=C.UTF-8"], check=True, capture_output=True)
    port = free_port()
    options = (f"-p {port} -k {data_dir.parent} -c listen_addresses=127.0.0.1 -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off -c autovacuum=off")
    subprocess.run([*run_as, pg_binary("pg_ctl"), "-D", str(data_dir), "-o",  # noqa: S603
                    options, "-l", str(data_dir.parent / "server.log"), "-w", "-t", "60",
                    "start"], check=True, capture_output=True)
    return PostgresServer(data_dir=data_dir, port=port, run_as=run_as)


def stop_kept_postgres(server: Any) -> None:
    from tests.postgres_server import pg_binary

    subprocess.run([*server.run_as, pg_binary("pg_ctl"), "-D", str(server.data_dir),  # noqa: S603
                    "-m", "fast", "-w", "stop"], check=False, capture_output=True)


def run_backend(name: str, make_url: Callable[[int], str], sizes: list[int], repeat: int) -> str:
    medians = {size: run_size(name, make_url(size), size, repeat) for size in sizes}
    small, large = min(sizes), max(sizes)
    lines = []
    for index, what in enumerate(("figures kept", "figures anew")):
        ratio = medians[large][index] / medians[small][index]
        lines.append(f"{name}: reports page ({what}) median {medians[small][index]:.0f} ms at "
                     f"{small:,} cases, {medians[large][index]:.0f} ms at {large:,} "
                     f"({ratio:.1f}x; target < 300 ms and <= 3x)")
    return "\nSUMMARY ".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="case counts, comma-separated")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs per measurement")
    parser.add_argument("--postgres", action="store_true",
                        help="after SQLite, run again on a throwaway PostgreSQL server")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep the seeded databases in DIR (SQLite files, a PostgreSQL "
                             "data directory) and reuse them on the next run")
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs")
    started = time.perf_counter()
    summaries = []
    keep = Path(args.keep) if args.keep else None
    if not args.skip_sqlite:
        with tempfile.TemporaryDirectory(prefix="casework-bench-") as tmp:
            folder = keep or Path(tmp)
            folder.mkdir(parents=True, exist_ok=True)
            summaries.append(run_backend(
                "SQLite", lambda size: f"sqlite:///{folder / f'reports-{size}.sqlite3'}",
                sizes, args.repeat))
    if args.postgres or args.skip_sqlite:
        server = start_kept_postgres(keep / "postgres") if keep else start_postgres_server()
        try:
            def fresh(_size: int) -> str:
                with create_app({"SQLALCHEMY_DATABASE_URI": server.url, "TESTING": True,
                                 "SECRET_KEY": "bench"}).app_context():
                    db.drop_all()
                    db.session.execute(text("SELECT 1"))
                return str(server.url)

            def kept(size: int) -> str:
                database = f"reports_{size}"
                with sa.create_engine(server.url, isolation_level="AUTOCOMMIT").connect() as c:
                    if not c.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                    {"name": database}):
                        c.exec_driver_sql(f"CREATE DATABASE {database}")
                return str(server.url).rsplit("/", 1)[0] + f"/{database}"

            summaries.append(run_backend("PostgreSQL", kept if keep else fresh, sizes,
                                         args.repeat))
        finally:
            if keep:
                stop_kept_postgres(server)
            else:
                server.stop()
    print()
    for summary in summaries:
        print(f"SUMMARY {summary}")
    print(f"SUMMARY total run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
