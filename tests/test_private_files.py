"""What the app leaves on disk: a purge leaves no copy of the member in the SQLite files, and
every file and folder the app writes is readable by the app's own user only."""

from __future__ import annotations

import io
import sqlite3
import stat
from collections.abc import Callable
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework import create_app
from casework.config import secret_key
from casework.database import clear_sqlite_log, with_companions
from casework.extensions import db
from casework.models import Case, Person, Role, Task
from casework.workflow.states import CaseState

NAME = "Fatima Qzvjxhassan"
PHONE = "206-555-0155"
# The case list's search index holds three-letter pieces of each name (FTS5 trigrams).
SURNAME_TRIGRAMS = [b"qzv", b"zvj", b"vjx", b"jxh"]
LONG_AGO = datetime(2024, 3, 1, 12, tzinfo=UTC)
PDF = b"%PDF-1.7\nFatima's pay stub\n%%EOF\n"
CSV = "Name,Phone number,E-mail,Language(s),Tier,SMS consent,Email consent,Notes\nAna K,,,,,,,\n"


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:  # a folder the app has to create
    return {"CASEWORK_UPLOAD_DIR": str(tmp_path / "data" / "uploads")}


def database_files(app: Flask) -> list[Path]:
    with app.app_context():
        return with_companions(Path(str(db.engine.url.database)))


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.sqlite_only
def test_a_purge_leaves_no_copy_of_the_member_in_the_database_files(
        app: Flask, runner: Any, make_fight: Callable[..., tuple[int, int]], db_backend: str,
) -> None:
    case_id, _ = make_fight(CaseState.WON, person_name=NAME, person_phone=PHONE)
    with app.app_context():
        db.session.get_one(Case, case_id).state_changed_at = LONG_AGO
        db.session.add(Task(case_id=case_id, title=f"Call {NAME} on {PHONE}"))
        db.session.commit()
        assert clear_sqlite_log(db.engine)  # as in a live database: the member is in the file
    before = database_files(app)[0].read_bytes()
    assert NAME.encode() in before and PHONE.encode() in before
    result = runner.invoke(args=["casework", "purge", "--closed-before", "2025-01-01", "--yes"])
    assert result.exit_code == 0, result.output
    assert "Purged:" in result.output and "still holds" not in result.output
    for path in database_files(app):
        data = path.read_bytes()
        assert NAME.encode() not in data and PHONE.encode() not in data, path.name
        assert not [piece for piece in SURNAME_TRIGRAMS if piece in data], path.name
    with app.app_context():  # and the database is whole: the fight is there, nameless
        assert db.session.scalars(select(Person.name)).all() == ["Purged"]
        assert db.session.get_one(Case, case_id).state == CaseState.WON


@pytest.mark.sqlite_only
def test_a_database_made_readable_by_everyone_before_is_narrowed_on_connect(
        tmp_path: Path, db_backend: str) -> None:
    database = tmp_path / "old.sqlite3"
    with closing(sqlite3.connect(database)) as old:
        old.execute("PRAGMA journal_mode=WAL")
        old.execute("CREATE TABLE t (x)")
        old.commit()
        for path in with_companions(database):
            path.chmod(0o644)
        app = create_app({"TESTING": True, "SECRET_KEY": "x",
                          "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"})
        with app.app_context():
            db.session.execute(select(1))
            db.session.remove()
            db.engine.dispose()
        assert {path.name: mode(path) for path in with_companions(database)} == {
            "old.sqlite3": 0o600, "old.sqlite3-wal": 0o600, "old.sqlite3-shm": 0o600}


@pytest.mark.sqlite_only
def test_every_file_and_folder_the_app_writes_is_its_users_alone(
        app: Flask, runner: Any, tmp_path: Path, make_user: Callable[..., int],
        make_case: Callable[..., int], login_as: Callable[[int], FlaskClient], db_backend: str,
) -> None:
    organizer = make_user(Role.ORGANIZER)
    case_id = make_case(team=[organizer])
    client = login_as(organizer)
    response = client.post(f"/cases/{case_id}/documents", content_type="multipart/form-data",
                           data={"upload": (io.BytesIO(PDF), "pay stub.pdf")})
    response.request.environ["wsgi.input"].close()
    assert response.status_code == 302
    response = client.post("/people/import", content_type="multipart/form-data",
                           data={"upload": (io.BytesIO(CSV.encode()), "people.csv")})
    response.request.environ["wsgi.input"].close()
    assert response.status_code == 302  # waits for the preview in uploads/people-imports
    result = runner.invoke(args=["casework", "backup", "--output", str(tmp_path / "b.tar.gz")])
    assert result.exit_code == 0, result.output
    written = sorted(tmp_path.rglob("*"))
    names = {path.name for path in written}
    assert {"b.tar.gz", "casework-test.sqlite3-wal", "data", "uploads", "files", "partial",
            "people-imports", ".pin.lock"} <= names
    assert len([p for p in written if p.parent.name == "files"]) == 1  # the pay stub
    assert {str(p.relative_to(tmp_path)): mode(p) for p in written} == {
        str(p.relative_to(tmp_path)): 0o700 if p.is_dir() else 0o600 for p in written}


def test_the_development_secret_and_its_folder_are_the_users_alone(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CASEWORK_SECRET_KEY", raising=False)
    instance = tmp_path / "new" / "instance"
    key = secret_key("development", str(instance))
    assert len(key) == 64 and secret_key("development", str(instance)) == key
    assert mode(instance / "dev-secret-key") == 0o600
    assert mode(instance) == mode(instance.parent) == 0o700
