"""Load-test the main pages over real HTTP: gunicorn with the production settings, and wrk.

Run from the project root (after ``make test``, which builds .venv):

    .venv/bin/python bench/http_load.py                      # 1,000 then 100,000 cases, SQLite
    .venv/bin/python bench/http_load.py --sizes 1000 --postgres
    .venv/bin/python bench/http_load.py --anew     # and again with every page made anew

For each size it seeds a throwaway database with bulk inserts (people, cases, tasks, actions,
letters and 10 timeline events a case: 1,000,000 at 100,000 cases), stamps it as migrated,
serves it with ``gunicorn -c gunicorn.conf.py`` (the file the deployment guide runs), logs in
through the login form, and drives each main page with Debian's ``wrk`` (installed with
``.ci/ensure-debian-packages wrk`` when missing). A Flask hello world is served the same way
in the same run, as the yardstick. The table gives req/s, p50/p99 latency, the ratio to hello,
the SQL statements one request runs (counted in-process through the Flask test client) and
the resident memory of each gunicorn worker after the load. A page is REFUSED, not reported,
when any response was not 200: a redirect to the login page looks fast.

The load repeats one page for one session with nothing written, so the workers send it from
memory (casework/kept_pages.py) after making it once; ``--anew`` measures again with pages
made anew on every request, what the first view after a change costs.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

PROJECT_ROOT = Path(__file__).resolve().parent.parent
if str(PROJECT_ROOT) not in sys.path:  # run as a script: bench/ and tests/ are not installed
    sys.path.insert(0, str(PROJECT_ROOT))

from flask import Flask  # noqa: E402
from sqlalchemy import select, text  # noqa: E402
from werkzeug.exceptions import MethodNotAllowed, NotFound  # noqa: E402
from werkzeug.routing import RequestRedirect  # noqa: E402

from bench.cases_list import (  # noqa: E402
    COORDINATOR_EMAIL,
    NOW,
    PASSWORD,
    SEED,
    StatementCounter,
    bulk_insert,
    form_fields,
    seed,
)
from casework import create_app  # noqa: E402
from casework.calendars.services import rotate_feed  # noqa: E402
from casework.database import write_intent  # noqa: E402
from casework.extensions import db  # noqa: E402
from casework.health.checks import migration_head  # noqa: E402
from casework.letters.context import LetterKind  # noqa: E402
from casework.models import Case, User, case_team  # noqa: E402
from casework.models.action import Action, ActionKind, ActionStatus  # noqa: E402
from casework.models.event import Event, EventKind  # noqa: E402
from casework.models.letter import Letter, LetterVersion, ReviewStatus  # noqa: E402
from casework.models.task import Task  # noqa: E402
from casework.reports.fight_figures import rebuild_fight_figures  # noqa: E402
from casework.workflow.states import CaseState  # noqa: E402

CONFIG_FILE = PROJECT_ROOT / "gunicorn.conf.py"
HELLO_CONFIG_FILE = PROJECT_ROOT / "bench" / "gunicorn_hello.conf.py"
EVENTS_PER_CASE = 10
CASE_CHUNK = 2_000
# Behind the proxy of the deployment guide the app sees https (X-Forwarded-Proto, trusted
# from loopback); its cookies are Secure, so this client keeps them itself.
PROXY_HEADERS = {"X-Forwarded-Proto": "https"}
LOGIN_PAGE = re.compile(rb'name="password"')
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
TASK_TITLES = ["Call the member back", "Collect pay stubs", "Draft the demand letter",
               "Check the deadline with the member", "Find the owner's address",
               "Book a room for the delivery", "Recruit people for the picket"]
NOTES = ["Member called, still waiting for the paycheck", "Spoke with the manager, no answer",
         "Meeting with the member on Thursday", "Letter read over with the member"]
ENDED = {CaseState.WON, CaseState.CLOSED, CaseState.DECLINED}
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) not_ok = 0 end
function response(status, headers, body) if status ~= 200 then not_ok = not_ok + 1 end end
function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + thread:get("not_ok") end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
                 + summary.errors.timeout
  io.write(string.format("RESULT %d %d %d %d %d %d\\n", summary.requests, summary.duration,
                         latency:percentile(50), latency:percentile(99), bad, errors))
end
"""


# --- Seeding: the case list's seed, plus what a case page and My work show --------------

COORDINATOR_FIGHTS = 60


@dataclass
class Seeded:
    counts: dict[str, int]
    seconds: float
    busy_case_id: int
    target_search: str
    feed_token: str
    busy_person_id: int
    busy_target_id: int


def seed_everything(case_count: int) -> Seeded:
    """bench/cases_list.py's people and cases, then tasks, actions, letters and events."""
    started = time.perf_counter()
    rng = random.Random(SEED)
    base = seed(case_count, rng)
    today = date.today()
    rows = db.session.execute(select(Case.id, Case.created_at, Case.state).order_by(Case.id)).all()
    organizers, authors = base.organizer_ids, base.organizer_ids + base.intake_ids
    # The coordinator whose pages are measured carries the same work at every size, as a
    # busy organizer does however large the network: the teams of COORDINATOR_FIGHTS fights
    # spread over the history, and those fights' tasks. The network around them grows. So
    # My work shows as much at 1,000 cases as at 100,000, and its two figures compare the
    # cost of the data's size, not of a fuller page.
    every = max(1, len(rows) // COORDINATOR_FIGHTS)
    counts = {"tasks": 0, "actions": 0, "letters": 0, "events": 0}
    task_id = action_id = letter_id = event_id = 0
    for start in range(0, len(rows), CASE_CHUNK):
        tasks, actions, letters, versions, events, teams = [], [], [], [], [], []
        for number, (case_id, created, state) in enumerate(rows[start:start + CASE_CHUNK],
                                                           start):
            created = created.replace(tzinfo=UTC) if created.tzinfo is None else created
            ended = state in ENDED
            carried = number % every == every // 2
            if carried:
                teams.append({"case_id": case_id, "user_id": base.coordinator_id})
            for _ in range(3):
                task_id += 1
                tasks.append({
                    "id": task_id, "case_id": case_id, "title": rng.choice(TASK_TITLES),
                    "assignee_id": base.coordinator_id if carried else rng.choice(organizers),
                    "due_on": today + timedelta(days=rng.randint(-20, 40)),
                    "is_done": ended or rng.random() < 0.5, "done_at": None,
                    "created_by_id": rng.choice(authors), "rule_key": None, "due_from": None,
                    "due_offset_days": None, "created_at": created})
            if rng.random() < 0.5:
                action_id += 1
                when = datetime.now(UTC) + timedelta(days=rng.randint(-60, 30),
                                                     hours=rng.randint(0, 9))
                actions.append({
                    "id": action_id, "case_id": case_id, "network_id": base.network_id,
                    "position": 0,
                    "kind": rng.choice(list(ActionKind)), "title": "", "starts_at": when,
                    "place": "", "turnout_goal": rng.randint(5, 40), "calls_supporters": False,
                    "materials": "", "result": "", "incidents": "", "police_present": False,
                    "status": ActionStatus.DONE if ended else ActionStatus.PLANNED,
                    "created_by_id": rng.choice(organizers), "created_at": created,
                    "updated_at": created})
            if rng.random() < 0.6:
                letter_id += 1
                letters.append({"id": letter_id, "case_id": case_id, "kind": LetterKind.DEMAND,
                                "language": "en", "created_by_id": rng.choice(organizers),
                                "created_at": created})
                versions.append({"id": letter_id, "letter_id": letter_id, "number": 1,
                                 "extra": {}, "created_by_id": rng.choice(organizers),
                                 "created_at": created, "member_approval_note": "",
                                 "review_status": ReviewStatus.PENDING, "review_note": ""})
            for number in range(EVENTS_PER_CASE):
                event_id += 1
                kind = EventKind.CREATED if number == 0 else rng.choice(
                    [EventKind.NOTE, EventKind.UPDATED, EventKind.TASK_ADDED, EventKind.TASK_DONE])
                events.append({"id": event_id, "case_id": case_id,
                               "actor_id": rng.choice(authors), "kind": kind,
                               "created_at": created + timedelta(hours=number * 7),
                               "note": rng.choice(NOTES) if kind == EventKind.NOTE else "",
                               "changed_fields": ["summary"] if kind == EventKind.UPDATED else []})
        bulk_insert(Task.__table__, tasks)
        bulk_insert(Action.__table__, actions)
        bulk_insert(Letter.__table__, letters)
        bulk_insert(LetterVersion.__table__, versions)
        bulk_insert(Event.__table__, events)
        bulk_insert(case_team, teams)
        for name, added in (("tasks", tasks), ("actions", actions), ("letters", letters),
                            ("events", events)):
            counts[name] += len(added)
    db.session.commit()
    # The reports' row per fight, as the migration's backfill computes it for bulk data.
    rebuild_fight_figures(db.session.connection())
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        finish_postgres()
    coordinator = db.session.get_one(User, base.coordinator_id)
    feed_token = rotate_feed(coordinator, network_wide=True)
    db.session.commit()
    busy = rows[len(rows) // 2][0]  # a case from the middle of the history
    person_id, target_id = db.session.execute(
        select(Case.person_id, Case.target_id).where(Case.id == busy)).one()
    return Seeded({"people": case_count, "cases": case_count, **counts},
                  time.perf_counter() - started, busy, base.target_search, feed_token,
                  person_id, target_id)


def finish_postgres() -> None:
    """Move the id sequences past the explicit ids, gather planner statistics and mark the
    bulk-loaded pages all-visible, as autovacuum would have by then (index-only scans)."""
    for table in ("network", "user_account", "target", "person", "case_record", "task",
                  "action", "letter", "letter_version", "case_event"):
        db.session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608 - constants
            f"(SELECT max(id) FROM {table}))"))
    db.session.commit()
    with db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql(
            "VACUUM ANALYZE")


def stamp_migrated() -> None:
    """Mark the schema create_all built as the newest migration, as ``flask db upgrade``
    leaves it (the app's health check reads it); tests/test_migrations.py checks they agree."""
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS alembic_version ("
                                "version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        connection.execute(text("DELETE FROM alembic_version"))
        connection.execute(text("INSERT INTO alembic_version VALUES (:head)"),
                           {"head": migration_head()})


# --- HTTP: a minimal browser, gunicorn and wrk -------------------------------------------


class Browser:
    """Real HTTP with a cookie jar of its own; does not follow redirects."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def open(self, path: str, form: dict[str, str] | None = None,
             referer: str = "/") -> tuple[int, str, bytes]:
        headers = {**PROXY_HEADERS, "Cookie": self.cookie_header}
        body = None
        if form is not None:  # over https Flask-WTF checks the Referer too, as browsers send it
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://127.0.0.1:{self.port}{referer}"
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request("POST" if form is not None else "GET", path, body, headers)
            response = connection.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            return response.status, response.getheader("Location") or "", data
        finally:
            connection.close()

    def post_form(self, page: str, path: str, fields: dict[str, str]) -> str:
        """Load ``page``, post its form with its CSRF token; the redirect's target."""
        status, _, body = self.open(page)
        found = CSRF.search(body.decode())
        assert status == 200 and found, f"{page}: {status}, no CSRF token"
        status, location, _ = self.open(path, {**fields, "csrf_token": found.group(1)}, page)
        assert status in (302, 303), f"POST {path} answered {status}, not a redirect"
        return location.removeprefix("https://127.0.0.1").removeprefix(f":{self.port}")


class Server:
    """``gunicorn -c <config>`` in a process group of its own."""

    def __init__(self, config: Path, env: dict[str, str], workdir: Path, name: str) -> None:
        self.port = free_port()
        self.error_log = workdir / f"{name}-error.log"
        self.env = {**os.environ, **env, "CASEWORK_BIND": f"127.0.0.1:{self.port}",
                    "CASEWORK_ACCESS_LOG": str(workdir / f"{name}-access.log"),
                    "CASEWORK_ERROR_LOG": str(self.error_log)}
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "gunicorn", "-c", str(config)], cwd=PROJECT_ROOT,
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True)
        deadline = time.monotonic() + 60
        while not self.answers():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                sys.exit(f"gunicorn did not start:\n{self.error_log.read_text()[-3000:]}")
            time.sleep(0.2)

    def answers(self) -> bool:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
            connection.request("GET", "/")
            connection.getresponse().read()
            connection.close()
            return True
        except OSError:
            return False

    def worker_rss_mib(self) -> list[float]:
        """VmRSS of each worker: the master's children."""
        sizes = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                status = (entry / "status").read_text()
            except OSError:
                continue
            fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
            if int(fields["PPid"]) == self.process.pid and "VmRSS" in fields:
                sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
        return sorted(sizes)

    def restarts(self) -> int:
        """Workers replaced after max_requests, from the error log."""
        return self.error_log.read_text().count("Autorestarting worker")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Load:
    label: str
    requests_per_s: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    statements: int | None = None
    refused: str = ""


def run_wrk(label: str, port: int, path: str, cookie: str, args: argparse.Namespace,
            script: Path) -> Load:
    command = ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.duration}s",
               "--timeout", "30s", "-s", str(script), "-H", f"Cookie: {cookie}",
               *[item for name, value in PROXY_HEADERS.items()
                 for item in ("-H", f"{name}: {value}")], f"http://127.0.0.1:{port}{path}"]
    output = subprocess.run(command,  # noqa: S603 - our own command line
                             capture_output=True, text=True, check=True).stdout
    found = re.search(r"^RESULT (\d+) (\d+) (\d+) (\d+) (\d+) (\d+)$", output, re.MULTILINE)
    assert found, output
    requests, duration_us, p50, p99, not_ok, errors = map(int, found.groups())
    load = Load(label, requests / (duration_us / 1e6), p50 / 1000, p99 / 1000)
    if not_ok or errors:
        load.refused = f"REFUSED: {not_ok} non-200 responses, {errors} socket errors/timeouts"
    elif not requests:
        load.refused = f"REFUSED: no response finished within the {args.duration} s run"
    return load


def ensure_wrk() -> None:
    if shutil.which("wrk") is None:
        installer = PROJECT_ROOT / ".ci" / "ensure-debian-packages"
        subprocess.run([str(installer), "wrk"], check=True)  # noqa: S603 - the project's script


# --- One size on one database ------------------------------------------------------------


# Pages measured only when the app has them (a URL rule matches): the benchmark runs on
# branches that do not have them yet, and says so instead of failing.
OPTIONAL_PAGES = [("Reports", "/reports/")]


def pages(seeded: Seeded, search_url: str) -> list[tuple[str, str]]:
    case = f"/cases/{seeded.busy_case_id}"
    return [
        ("My work", "/"),
        ("Case list", "/cases/"),
        ("Case list, state filter", "/cases/?state=negotiating"),
        ("Case list, 3 filters", "/cases/?state=negotiating&issue_type=unpaid_wages"
                                 "&urgency=high"),
        ("Case list, search (target)", search_url),
        ("Case page", case),
        ("Case letters", f"{case}/letters"),
        ("Board", "/board"),
        ("People", "/people/"),
        ("Person page", f"/people/{seeded.busy_person_id}"),
        ("Targets", "/targets/"),
        ("Target page", f"/targets/{seeded.busy_target_id}"),
        ("Letters due", "/letters/due"),
        ("Calendar page", "/calendar"),
        ("Calendar feed (network)", f"/calendar/{seeded.feed_token}.ics"),
    ]


def present_pages(app: Flask, optional: list[tuple[str, str]]) -> tuple[list[tuple[str, str]],
                                                                          list[str]]:
    """The optional pages whose URL the app routes, and the labels of those it does not."""
    adapter = app.url_map.bind("localhost")
    present, missing = [], []
    for label, path in optional:
        try:
            adapter.match(path, method="GET")
        except (NotFound, MethodNotAllowed):
            missing.append(f"{label} ({path})")
        except RequestRedirect:  # e.g. /reports -> /reports/: routed
            present.append((label, path))
        else:
            present.append((label, path))
    return present, missing


def count_statements(url: str, page_list: list[tuple[str, str]], search_text: str) -> list[int]:
    """SQL statements of one request per page, in-process, as the same coordinator."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "CASEWORK_KEEP_PAGES": False})
    with app.app_context():
        counter = StatementCounter(db.engine)
    client = app.test_client()
    response = client.post("/login", data={"email": COORDINATOR_EMAIL, "password": PASSWORD})
    assert response.status_code == 302, f"login failed: {response.status_code}"
    search = client.post("/cases/search", data=form_fields(q=search_text)).location
    counts = []
    for _, path in page_list:
        path = search if "search=" in path else path
        client.get(path)  # warm caches, as a worker that served before
        before = counter.count
        response = client.get(path)
        assert response.status_code == 200, f"{path}: {response.status_code} in-process"
        counts.append(counter.count - before)
    with app.app_context():
        db.engine.dispose()
    return counts


def run_size(backend: str, url: str, case_count: int, args: argparse.Namespace,
             workdir: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": True})
    optional, missing = present_pages(app, OPTIONAL_PAGES)
    kept = Path(f"{url.removeprefix('sqlite:///')}.seeded.json")
    if url.startswith("sqlite:///") and kept.exists():  # --keep: seeded by an earlier run
        seeded = Seeded(**json.loads(kept.read_text()))
        print(f"\n=== {backend}, {case_count:,} cases: reused {url} ===", flush=True)
    else:
        with app.app_context():
            db.create_all()
            stamp_migrated()
            with write_intent():
                seeded = seed_everything(case_count)
            db.engine.dispose()
        if args.keep:
            kept.write_text(json.dumps(dataclasses.asdict(seeded)))
        counts = ", ".join(f"{n:,} {what}" for what, n in seeded.counts.items())
        print(f"\n=== {backend}, {case_count:,} cases: seeded {counts} in "
              f"{seeded.seconds:.1f} s ===", flush=True)

    script = workdir / "status.lua"
    script.write_text(WRK_SCRIPT)
    for anew in (False, True) if args.anew else (False,):
        measure(backend, url, case_count, seeded, optional, missing, args, workdir, anew)


def measure(backend: str, url: str, case_count: int, seeded: Seeded,
            optional: list[tuple[str, str]], missing: list[str], args: argparse.Namespace,
            workdir: Path, anew: bool) -> None:
    """Hello, then every page, with pages kept by the workers or (``anew``) made anew."""
    script = workdir / "status.lua"
    env = {"CASEWORK_ENV": "production", "CASEWORK_SECRET_KEY": secrets.token_hex(32),
           "CASEWORK_DATABASE_URL": url, "CASEWORK_WORKERS": str(args.workers),
           "CASEWORK_UPLOAD_DIR": str(workdir / "uploads"),
           "CASEWORK_KEEP_PAGES": "0" if anew else "1"}
    hello_server = Server(HELLO_CONFIG_FILE, env, workdir, "hello")
    try:
        hello = best_wrk("Flask hello world", hello_server.port, "/", "", args, script)
        hello_rss = hello_server.worker_rss_mib()
    finally:
        hello_server.stop()

    server = Server(CONFIG_FILE, env, workdir, f"casework-{backend}-{case_count}")
    try:
        browser = Browser(server.port)
        browser.post_form("/login", "/login", {"email": COORDINATOR_EMAIL, "password": PASSWORD})
        search_url = browser.post_form("/cases/", "/cases/search",
                                       form_fields(q=seeded.target_search))
        page_list = [(label, path) for label, path in pages(seeded, search_url) + optional
                     if not args.pages or any(part.strip().lower() in label.lower()
                                              for part in args.pages.split(","))]
        loads: list[Load] = []
        peak = 0.0  # workers restart after max_requests: the largest seen after any page
        for label, path in page_list:
            started = time.perf_counter()
            status, _, body = browser.open(path)
            alone_ms = (time.perf_counter() - started) * 1000
            if status != 200 or LOGIN_PAGE.search(body):
                loads.append(Load(label, refused=f"REFUSED: GET {path} answered {status}"
                                  + (" with the login page" if status == 200 else "")
                                  + last_error(server.error_log)))
                continue
            load = best_wrk(label, server.port, path, browser.cookie_header, args, script)
            if load.refused:
                load.refused += f" (one request alone: {alone_ms:,.0f} ms)"
            loads.append(load)
            peak = max(peak, *server.worker_rss_mib(), 0.0)
        rss = server.worker_rss_mib()
    finally:
        server.stop()
    for load, statements in zip(loads, count_statements(url, page_list, seeded.target_search),
                                strict=True):
        load.statements = statements
    print_table(hello, loads, rss, hello_rss, args, missing, anew)
    print(f"  Largest Casework worker seen after any page: {peak:.0f} MiB; workers restarted "
          f"(max_requests) {server.restarts()} times for Casework, {hello_server.restarts()} "
          "for hello")


def best_wrk(label: str, port: int, path: str, cookie: str, args: argparse.Namespace,
             script: Path) -> Load:
    """The round with the most requests a second, of ``args.rounds``: on a shared machine a
    round may lose the CPU to others; any refused round refuses the page."""
    rounds = [run_wrk(label, port, path, cookie, args, script) for _ in range(args.rounds)]
    refused = [load for load in rounds if load.refused]
    return refused[0] if refused else max(rounds, key=lambda load: load.requests_per_s)


def last_error(error_log: Path) -> str:
    """The last exception line the app logged (why a page answered 500), if any."""
    lines = [line for line in error_log.read_text(errors="replace").splitlines()
             if re.match(r"^\w+(\.\w+)*(Error|Exception)\b", line)]
    return f" ({lines[-1][:160]})" if lines else ""


def print_table(hello: Load, loads: list[Load], rss: list[float], hello_rss: list[float],
                args: argparse.Namespace, missing: list[str], anew: bool) -> None:
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration}s per page, best of "
          f"{args.rounds} rounds; gunicorn -c gunicorn.conf.py, {args.workers} sync workers; "
          "ratio = req/s / hello's req/s")
    print("  every page made anew (CASEWORK_KEEP_PAGES=0): the first view after a change"
          if anew else "  pages kept while unchanged (casework/kept_pages.py): a repeat "
          "view; SQL is what making the page sends")
    print(f"  {'page':<28} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x hello':>8} {'SQL':>5}")
    for load in [hello, *loads]:
        sql = "" if load.statements is None else str(load.statements)
        if load.refused:
            print(f"  {load.label:<28} {load.refused}; SQL {sql or '?'}")
            continue
        ratio = load.requests_per_s / hello.requests_per_s if hello.requests_per_s else 0
        print(f"  {load.label:<28} {load.requests_per_s:>8.1f} {load.p50_ms:>8.1f} "
              f"{load.p99_ms:>8.1f} {ratio:>8.3f} {sql:>5}")
    for page in missing:
        print(f"  {page}: the app has no such page yet; skipped.")
    print("  RSS per worker after the load (MiB): Casework "
          + ", ".join(f"{size:.0f}" for size in rss)
          + "; hello " + ", ".join(f"{size:.0f}" for size in hello_rss))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000", help="case counts, comma-separated")
    parser.add_argument("--postgres", action="store_true",
                        help="after SQLite, run again on a throwaway PostgreSQL server")
    parser.add_argument("--skip-sqlite", action="store_true",
                        help="with --postgres: measure PostgreSQL only")
    parser.add_argument("--duration", type=int, default=5, help="seconds of each round")
    parser.add_argument("--rounds", type=int, default=3,
                        help="rounds of load per page; the best is reported")
    parser.add_argument("--connections", type=int, default=8, help="wrk's open connections")
    parser.add_argument("--threads", type=int, default=2, help="wrk's threads")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--pages", default="",
                        help="only the pages whose label holds one of these, comma-separated")
    parser.add_argument("--anew", action="store_true",
                        help="then again with every page made anew, as the first view after "
                             "a change is (no page sent again from a worker's memory)")
    parser.add_argument("--keep", metavar="DIR",
                        help="keep the seeded SQLite databases in DIR and reuse them")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.sizes.split(",")]
    ensure_wrk()
    started = time.perf_counter()
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, seeded as of "
          f"{NOW:%Y-%m-%d} with tasks and actions around today")
    with tempfile.TemporaryDirectory(prefix="casework-http-") as tmp:
        workdir = Path(tmp)
        databases = Path(args.keep) if args.keep else workdir
        databases.mkdir(parents=True, exist_ok=True)
        for size in sizes if not args.skip_sqlite else ():
            run_size("SQLite", f"sqlite:///{databases / f'bench-{size}.sqlite3'}", size, args,
                     workdir)
        if args.postgres:
            from tests.postgres_server import start_postgres

            for size in sizes:
                server = start_postgres()
                try:
                    run_size("PostgreSQL", server.url, size, args, workdir)
                finally:
                    server.stop()
    print(f"\nTotal run time {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main(sys.argv[1:])
