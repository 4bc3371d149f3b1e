"""Online backups: taken while cases are being written, restored into a fresh database, and
checked: every case committed before the backup began is back, and nothing is half there."""

from __future__ import annotations

import hashlib
import io
import stat
import subprocess
import tarfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import func, select

from casework import create_app
from casework.backup.postgres import libpq_target
from casework.cases.services import CaseFacts, create_case
from casework.database import write_intent
from casework.documents.services import add_document, remove_document
from casework.documents.storage import DocumentStore
from casework.extensions import db
from casework.models import Case, Document, Event, EventKind, IssueType, Person, Role, Target, User

PDF = b"%PDF-1.7\n" + b"evidence " * 2000


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:
    return {"CASEWORK_UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def fresh_app(db_backend: str, tmp_path: Path, request: pytest.FixtureRequest
              ) -> Iterator[Flask]:
    """An app on an empty database of the same kind, with its own upload folder."""
    if db_backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'restored.sqlite3'}"
    else:
        server_url = request.getfixturevalue("postgres_url")
        name = f"restored_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        url = server_url.rsplit("/", 1)[0] + "/" + name
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                      "CASEWORK_UPLOAD_DIR": str(tmp_path / "restored-uploads")})
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@dataclass(frozen=True)
class Written:
    case_id: int
    began_at: float
    committed_at: float


def keep_logging_cases(app: Flask, author_id: int, stop: threading.Event,
                       written: list[Written]) -> None:
    """Log cases through the intake service, one commit each, until told to stop."""
    with app.app_context():
        author = db.session.get_one(User, author_id)
        number = 0
        while not stop.is_set():
            began_at = time.monotonic()
            with write_intent():
                case = create_case(author, CaseFacts(
                    person_name=f"Person {number}", target_name=f"Landlord {number % 5}",
                    issue_type=IssueType.DEPOSIT, summary=f"Deposit kept ({number})"))
                case_id = case.id
                db.session.commit()
            written.append(Written(case_id, began_at, time.monotonic()))
            number += 1
        db.session.remove()


def wait_for(condition: Callable[[], bool], timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def add_documents(app: Flask, author_id: int, contents: list[bytes]) -> None:
    store = DocumentStore.from_config(app.config)
    with app.app_context():
        author = db.session.get_one(User, author_id)
        case = create_case(author, CaseFacts(person_name="Maria", target_name="Acme",
                                             issue_type=IssueType.REPAIRS, summary="Mould"))
        db.session.commit()
        for number, content in enumerate(contents):
            with add_document(store, case, author, io.BytesIO(content), f"scan {number}.pdf"):
                db.session.commit()


def test_a_backup_taken_during_writes_restores_every_earlier_case_and_no_half_case(
    app: Flask, runner: Any, fresh_app: Flask, make_user: Callable[..., int], tmp_path: Path,
    db_backend: str,
) -> None:
    author = make_user(Role.ORGANIZER)
    contents = [PDF + str(n).encode() for n in range(3)]
    add_documents(app, author, contents)
    stop, written = threading.Event(), list[Written]()
    writer = threading.Thread(target=keep_logging_cases, args=(app, author, stop, written))
    writer.start()
    try:
        wait_for(lambda: len(written) >= 30)
        started = time.monotonic()
        result = runner.invoke(args=["casework", "backup", "--output",
                                     str(tmp_path / "backup.tar.gz")])
        finished = time.monotonic()
        wait_for(lambda: written[-1].began_at > finished)
    finally:
        stop.set()
        writer.join()
    assert result.exit_code == 0, result.output
    assert "and 3 document(s) into" in result.output
    assert any(started < w.committed_at < finished for w in written), "no write during backup"

    restore = fresh_app.test_cli_runner().invoke(
        args=["casework", "restore", "--input", str(tmp_path / "backup.tar.gz"), "--yes"])
    assert restore.exit_code == 0, restore.output
    assert "Integrity check: ok." in restore.output

    with fresh_app.app_context():
        if db_backend == "sqlite":
            assert db.session.execute(sa.text("PRAGMA integrity_check")).scalar() == "ok"
            assert db.session.execute(sa.text("PRAGMA foreign_key_check")).all() == []
        restored = set(db.session.scalars(select(Case.id)))
        order = [w.case_id for w in written]
        # Everything whose commit had returned when the backup began is there...
        assert {w.case_id for w in written if w.committed_at < started} <= restored
        # ...nothing begun after it ended is, and what is there is a prefix in commit order.
        assert not {w.case_id for w in written if w.began_at > finished} & restored
        kept = [case_id for case_id in order if case_id in restored]
        assert kept == order[:len(kept)]
        # No half-written case: each has its person, its target and its 'created' event.
        whole = db.session.scalar(
            select(func.count(func.distinct(Case.id))).select_from(Case)
            .join(Person, Person.id == Case.person_id).join(Target, Target.id == Case.target_id)
            .join(Event, (Event.case_id == Case.id) & (Event.kind == EventKind.CREATED)))
        assert whole == len(restored)
        stored = [(d.stored_name, d.sha256) for d in db.session.scalars(select(Document))]
    store = DocumentStore.from_config(fresh_app.config)
    assert sorted(hashlib.sha256(store.path_of(name).read_bytes()).hexdigest()
                  for name, _ in stored) == sorted(sha for _, sha in stored)
    assert sorted(sha for _, sha in stored) == sorted(hashlib.sha256(c).hexdigest()
                                                      for c in contents)
    # The archive and everything restored from it are readable by the app's user only.
    private = [tmp_path / "backup.tar.gz", *(tmp_path / "restored-uploads").rglob("*")]
    if db_backend == "sqlite":
        private.append(tmp_path / "restored.sqlite3")
    assert {str(p): stat.S_IMODE(p.stat().st_mode) for p in private} == {
        str(p): 0o700 if p.is_dir() else 0o600 for p in private}


@pytest.mark.sqlite_only
def test_restore_asks_before_replacing_the_data(
    app: Flask, runner: Any, make_user: Callable[..., int], tmp_path: Path,
) -> None:
    author = make_user(Role.ORGANIZER)
    add_documents(app, author, [PDF])
    archive = tmp_path / "backup.tar.gz"
    assert runner.invoke(args=["casework", "backup", "--output", str(archive)]).exit_code == 0
    add_documents(app, author, [PDF + b"later"])
    result = runner.invoke(args=["casework", "restore", "--input", str(archive)], input="n\n")
    assert result.exit_code == 1 and "replaces ALL data" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Document)) == 2
    result = runner.invoke(args=["casework", "restore", "--input", str(archive)], input="y\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Document)) == 1
    # The later upload's file went with the database rows that named it.
    assert len(DocumentStore.from_config(app.config).stored_names()) == 1


@pytest.mark.sqlite_only
def test_a_tampered_backup_is_refused_before_the_database_is_touched(
    app: Flask, runner: Any, make_user: Callable[..., int], tmp_path: Path,
) -> None:
    author = make_user(Role.ORGANIZER)
    add_documents(app, author, [PDF])
    archive, tampered = tmp_path / "backup.tar.gz", tmp_path / "tampered.tar.gz"
    assert runner.invoke(args=["casework", "backup", "--output", str(archive)]).exit_code == 0
    with tarfile.open(archive, "r:gz") as source, tarfile.open(tampered, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("uploads/"):
                data = data.replace(b"evidence", b"EVIDENCE", 1)
            target.addfile(member, io.BytesIO(data))
    add_documents(app, author, [PDF + b"later"])
    result = runner.invoke(args=["casework", "restore", "--input", str(tampered), "--yes"])
    assert result.exit_code == 1 and "does not match its checksum" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Document)) == 2


def test_a_document_deleted_during_a_backup_keeps_its_file_until_the_next_check(
    app: Flask, runner: Any, make_user: Callable[..., int],
) -> None:
    author = make_user(Role.ORGANIZER)
    add_documents(app, author, [PDF])
    store = DocumentStore.from_config(app.config)
    with app.app_context():
        document = db.session.scalars(select(Document)).one()
        with store.pinned():  # as a backup does while it copies the files
            stored_name = remove_document(document, db.session.get_one(User, author))
            db.session.commit()
            assert not store.discard(stored_name)
            assert store.path_of(stored_name).exists()
    assert runner.invoke(args=["casework", "documents", "check"]).exit_code == 0
    assert store.stored_names() == []


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("name", "message"), [
    ("backup.zip", "Name the backup file ….tar.gz"),
    ("exists.tar.gz", "already exists"),
])
def test_backup_refuses_unclear_names_and_overwriting(
    runner: Any, tmp_path: Path, name: str, message: str,
) -> None:
    (tmp_path / "exists.tar.gz").write_bytes(b"an older backup")
    result = runner.invoke(args=["casework", "backup", "--output", str(tmp_path / name)])
    assert result.exit_code == 1 and message in result.output
    assert (tmp_path / "exists.tar.gz").read_bytes() == b"an older backup"


@pytest.mark.sqlite_only
def test_the_client_tools_get_the_url_without_its_password() -> None:
    url = sa.make_url("postgresql+psycopg://casework:s3cret-pw@db.example.org:5433/casework")
    target, env = libpq_target(url)
    assert target == "postgresql://casework@db.example.org:5433/casework"
    assert env["PGPASSWORD"] == "s3cret-pw"


@pytest.mark.postgres_only
def test_pg_dump_never_sees_the_password_on_its_command_line(
    app: Flask, tmp_path: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The test server trusts loopback connections, so any password is accepted.
    with_password = postgres_url.replace("postgres@", "postgres:s3cret-pw@")
    app.config["SQLALCHEMY_DATABASE_URI"] = with_password
    backup_app = create_app({"TESTING": True, "SECRET_KEY": "x",
                             "SQLALCHEMY_DATABASE_URI": with_password,
                             "CASEWORK_UPLOAD_DIR": str(tmp_path / "uploads")})
    commands: list[list[str]] = []
    real_run = subprocess.run

    def spy(command: list[str], **kwargs: Any) -> Any:
        commands.append(command)
        assert kwargs["env"]["PGPASSWORD"] == "s3cret-pw"
        return real_run(command, **kwargs)  # noqa: PLW1510 - check is in kwargs

    monkeypatch.setattr(subprocess, "run", spy)
    result = backup_app.test_cli_runner().invoke(
        args=["casework", "backup", "--output", str(tmp_path / "backup.tar.gz")])
    assert result.exit_code == 0, result.output
    assert commands and all("s3cret" not in " ".join(command) for command in commands)
    assert "s3cret" not in result.output
    with backup_app.app_context():
        db.engine.dispose()
