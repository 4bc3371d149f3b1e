"""Kill the real server (gunicorn, two workers) mid-traffic, start it again, and check that
every request that was answered with success is stored, and nothing is half-written.

Clients are threads speaking plain HTTP over loopback: some move their own case back and
forth (pause / resume), others upload PDFs of a few MB. After about 2 seconds, at a moment
an upload is being written to disk (a file shows up in partial/), the whole process group
gets SIGKILL; the other requests die wherever they are: while the body is received, between
the file's rename and the commit, after the commit but before the answer.
"""

from __future__ import annotations

import hashlib
import http.client
import io
import os
import random
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import select

from casework import create_app
from casework.demo import DEMO_PASSWORD, load_demo
from casework.documents.services import add_document
from casework.documents.storage import DocumentStore, _lock, file_sha256
from casework.extensions import db
from casework.models import Case, Document, Event, EventKind, Role, User
from casework.workflow.states import CaseState
from tests.postgres_server import free_port

pytestmark = pytest.mark.timeout(120)

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"
COORDINATOR = "coordinator@demo.casework.org"
TRAFFIC_SECONDS = 2.0
MOVERS, UPLOADERS = 3, 3


class NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # we want to see the 302 itself


OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirects)


@dataclass
class Server:
    """gunicorn serving the app on a loopback port, in its own process group."""

    env: dict[str, str]
    log: Path
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.port = free_port()
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "--workers", "2", "--preload", "--timeout", "30",
                 "--bind", f"127.0.0.1:{self.port}", "casework:create_app()"],
                cwd=PROJECT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        deadline = time.monotonic() + 40
        while request(self.url + "/login") != 200:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        self.process = None


def request(url: str, body: bytes | None = None, headers: dict[str, str] | None = None
            ) -> int | None:
    """The response status, or None when the connection failed or broke."""
    req = urllib.request.Request(url, data=body, headers=headers or {},  # noqa: S310 - loopback
                                 method="POST" if body is not None else "GET")
    try:
        with OPENER.open(req, timeout=20) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        status = error.code
        error.close()
        return status
    except (OSError, http.client.HTTPException):
        return None


def log_in(server: Server) -> str:
    """Log in as the demo coordinator; returns the Cookie header."""
    body = urllib.parse.urlencode({"email": COORDINATOR, "password": DEMO_PASSWORD}).encode()
    req = urllib.request.Request(server.url + "/login", data=body, method="POST")  # noqa: S310
    try:
        OPENER.open(req, timeout=20).close()
    except urllib.error.HTTPError as error:
        cookies = error.headers.get_all("Set-Cookie") or []
        error.close()
        assert error.code == 302, "login failed"
        return "; ".join(c.split(";", 1)[0] for c in cookies if c.startswith("session="))
    raise AssertionError("login did not redirect")


def multipart(content: bytes, file_name: str) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (f'--{boundary}\r\nContent-Disposition: form-data; name="upload"; '
            f'filename="{file_name}"\r\nContent-Type: application/pdf\r\n\r\n').encode()
    return head + content + f"\r\n--{boundary}--\r\n".encode(), \
        f"multipart/form-data; boundary={boundary}"


@dataclass
class Traffic:
    """What the clients were told succeeded."""

    moves: dict[int, list[str]] = field(default_factory=dict)  # case -> triggers, in order
    uploads: list[tuple[int, str]] = field(default_factory=list)  # (case, sha256)
    unexpected: list[str] = field(default_factory=list)
    broken: int = 0


def move_back_and_forth(server: Server, cookie: str, case_id: int, version: int,
                        traffic: Traffic) -> None:
    trigger, succeeded = "pause", traffic.moves.setdefault(case_id, [])
    while True:
        body = urllib.parse.urlencode({"version": version, "reason": "Crash test"}).encode()
        status = request(f"{server.url}/cases/{case_id}/moves/{trigger}", body,
                         {"Cookie": cookie})
        if status is None:
            traffic.broken += 1
            return
        if status != 302:
            traffic.unexpected.append(f"{trigger} of case {case_id}: {status}")
            return
        succeeded.append(trigger)
        version += 1
        trigger = "resume" if trigger == "pause" else "pause"


def keep_uploading(server: Server, cookie: str, case_id: int, traffic: Traffic,
                   seed: int) -> None:
    rng = random.Random(seed)
    while True:
        content = b"%PDF-1.7\n" + rng.randbytes(rng.randint(1, 4) * 1024 * 1024)
        body, content_type = multipart(content, f"scan-{seed}.pdf")
        status = request(f"{server.url}/cases/{case_id}/documents", body,
                         {"Cookie": cookie, "Content-Type": content_type})
        if status is None:
            traffic.broken += 1
            return
        if status != 302:
            traffic.unexpected.append(f"upload to case {case_id}: {status}")
            return
        traffic.uploads.append((case_id, hashlib.sha256(content).hexdigest()))


@pytest.fixture
def site(tmp_path: Path, db_backend: str, request: pytest.FixtureRequest
         ) -> Iterator[tuple[Flask, Server]]:
    """A database with the schema and the demo data, and a server (not started) for it."""
    if db_backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'crash.sqlite3'}"
    else:
        server_url = request.getfixturevalue("postgres_url")
        name = f"crash_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        url = server_url.rsplit("/", 1)[0] + "/" + name
    uploads = tmp_path / "uploads"
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                      "CASEWORK_UPLOAD_DIR": str(uploads)})
    with app.app_context():
        db.create_all()
        load_demo()
        db.session.commit()
        db.engine.dispose()
    env = {**os.environ, "CASEWORK_ENV": "development", "CASEWORK_DATABASE_URL": url,
           "CASEWORK_UPLOAD_DIR": str(uploads), "CASEWORK_SECRET_KEY": "crash-test-" + "k" * 32,
           "CASEWORK_TEST_DISABLE_CSRF": "1", "CASEWORK_HTTPS": "0"}
    server = Server(env=env, log=tmp_path / "gunicorn.log")
    try:
        yield app, server
    finally:
        server.kill()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def movable_cases(app: Flask) -> list[tuple[int, int]]:
    """(id, version) of open, unpaused demo cases: each mover gets one to itself."""
    with app.app_context():
        cases = db.session.scalars(select(Case).where(
            Case.state.not_in([CaseState.PAUSED, CaseState.DECLINED, CaseState.WON,
                               CaseState.CLOSED])).order_by(Case.id)).all()
        result = [(case.id, case.version) for case in cases]
        db.session.remove()
    assert len(result) >= MOVERS + 1
    return result


def run_traffic_and_kill(server: Server, store: DocumentStore, cases: list[tuple[int, int]]
                         ) -> Traffic:
    traffic, cookie = Traffic(), log_in(server)
    threads = [threading.Thread(target=move_back_and_forth,
                                args=(server, cookie, case_id, version, traffic))
               for case_id, version in cases[:MOVERS]]
    threads += [threading.Thread(target=keep_uploading,
                                 args=(server, cookie, cases[-1][0], traffic, seed))
                for seed in range(UPLOADERS)]
    for thread in threads:
        thread.start()
    time.sleep(TRAFFIC_SECONDS)
    # Then strike while an upload is being written, if one comes along soon.
    deadline = time.monotonic() + 2
    while not any(store.partial_dir.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.001)
    server.kill()  # SIGKILL to master and workers at once: no cleanup code runs
    for thread in threads:
        thread.join(timeout=30)
    return traffic


def test_a_killed_server_keeps_every_answered_request_and_nothing_half_written(
    site: tuple[Flask, Server], db_backend: str,
) -> None:
    app, server = site
    store = DocumentStore.from_config(app.config)
    cases = movable_cases(app)
    versions_before = dict(cases)
    server.start()
    traffic = run_traffic_and_kill(server, store, cases)
    assert traffic.unexpected == []
    assert sum(map(len, traffic.moves.values())) >= MOVERS and traffic.uploads, \
        "too little traffic before the kill to test anything"
    left_behind = (len(list(store.partial_dir.glob("*"))), len(store.stored_names()))
    print(f"answered: {sum(map(len, traffic.moves.values()))} moves, {len(traffic.uploads)} "
          f"uploads; broken by the kill: {traffic.broken}; partial and finished files on disk "
          f"after the kill: {left_behind}")

    server.start()  # startup removes what interrupted uploads left in partial/
    assert list(store.partial_dir.iterdir()) == []
    cookie = log_in(server)
    body, content_type = multipart(b"%PDF-1.7\nafter the restart", "after.pdf")
    assert request(f"{server.url}/cases/{cases[0][0]}/documents", body,
                   {"Cookie": cookie, "Content-Type": content_type}) == 302
    server.kill()

    result = app.test_cli_runner().invoke(args=["casework", "documents", "check", "--hashes"])
    assert result.exit_code == 0, result.output

    with app.app_context():
        if db_backend == "sqlite":
            assert db.session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
            assert db.session.execute(sa.text("PRAGMA foreign_key_check")).all() == []
        # Every answered move is in the timeline, in order; at most one more (committed,
        # then killed before the answer went out). The state and version agree with it.
        for case_id, answered in traffic.moves.items():
            case = db.session.get_one(Case, case_id)
            events = db.session.scalars(select(Event).where(
                Event.case_id == case_id, Event.kind == EventKind.TRANSITION,
                Event.trigger.in_(["pause", "resume"])).order_by(Event.id)).all()
            assert [e.trigger for e in events][:len(answered)] == answered
            assert len(answered) <= len(events) <= len(answered) + 1
            assert case.version == versions_before[case_id] + len(events)
        # Every case is in the state its last state change says (an inquiry nobody moved
        # has only its "created" entry, which names no state).
        for case in db.session.scalars(select(Case)):
            last = db.session.scalars(select(Event).where(
                Event.case_id == case.id, Event.to_state.is_not(None))
                .order_by(Event.id.desc()).limit(1)).one_or_none()
            expected = last.to_state if last is not None else CaseState.INQUIRY.value
            assert case.state.value == expected, case.reference
        # Every answered upload has its row and its whole file; every row has its file;
        # after `documents check` no file lies around that no row names.
        documents = db.session.scalars(select(Document)).all()
        by_hash = {(d.case_id, d.sha256): d for d in documents}
        for case_id, sha256 in traffic.uploads:
            assert (case_id, sha256) in by_hash
        for document in documents:
            path = store.path_of(document.stored_name)
            assert path.stat().st_size == document.size_bytes
            assert file_sha256(path) == document.sha256
        assert sorted(store.stored_names()) == sorted(d.stored_name for d in documents)
        assert list(store.partial_dir.iterdir()) == []
        db.session.remove()


# What the restart relies on, one piece at a time.

PDF = b"%PDF-1.7\nsigned lease\n"


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:
    return {"CASEWORK_UPLOAD_DIR": str(tmp_path / "uploads")}


@contextmanager
def held_by_a_living_writer(path: Path) -> Iterator[None]:
    """Hold a file's lock as an upload in progress does."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    with open(path, "rb") as handle:
        assert _lock(handle, exclusive=True, wait=False)
        yield


@pytest.mark.sqlite_only
def test_startup_removes_unfinished_uploads_of_a_crashed_server_but_not_live_ones(
    tmp_path: Path,
) -> None:
    store = DocumentStore(tmp_path / "uploads")
    crashed = store.partial_dir / f"{'a' * 32}.part"
    live = store.partial_dir / f"{'b' * 32}.part"
    with held_by_a_living_writer(live):
        crashed.write_bytes(PDF[:10])
        create_app({"SECRET_KEY": "x", "CASEWORK_UPLOAD_DIR": str(store.root),
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
        assert not crashed.exists() and live.exists()


def test_documents_check_removes_leftovers_keeps_live_files_and_reports_lost_ones(
    app: Flask, runner: Any, make_case: Callable[..., int], make_user: Callable[..., int],
) -> None:
    store = DocumentStore.from_config(app.config)
    organizer = make_user(Role.ORGANIZER)
    case_id = make_case(team=[organizer])
    with app.app_context():
        case, user = db.session.get_one(Case, case_id), db.session.get_one(User, organizer)
        with add_document(store, case, user, io.BytesIO(PDF), "lease.pdf") as document:
            db.session.commit()
        document_id, kept = document.id, store.path_of(document.stored_name)
    orphan = store.path_of("c" * 32)  # renamed, then the server died before the commit
    orphan.write_bytes(PDF)
    crashed_partial = store.partial_dir / f"{'d' * 32}.part"
    crashed_partial.write_bytes(PDF[:5])
    committing = store.path_of("e" * 32)
    with held_by_a_living_writer(committing):
        with store.pinned():  # a backup is running: no finished file may go
            result = runner.invoke(args=["casework", "documents", "check"])
            assert result.exit_code == 0, result.output
            assert orphan.exists() and not crashed_partial.exists()
        result = runner.invoke(args=["casework", "documents", "check", "--hashes"])
        assert result.exit_code == 0, result.output
        assert "Removed 0 unfinished upload(s) and 1 file(s) no document refers to." in \
            result.output
        assert "every file is present and intact" in result.output
        assert not orphan.exists() and committing.exists() and kept.exists()
    kept.write_bytes(PDF[:-1] + b"?")  # damaged, same size
    result = runner.invoke(args=["casework", "documents", "check", "--hashes"])
    assert result.exit_code == 1 and f"Damaged file: document {document_id}" in result.output
    kept.unlink()
    result = runner.invoke(args=["casework", "documents", "check"])
    assert result.exit_code == 1 and f"Missing file: document {document_id}" in result.output
