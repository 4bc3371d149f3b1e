"""Fixtures: the app on SQLite and on a real PostgreSQL server, clients, logins, factories."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import text
from werkzeug.security import generate_password_hash

from casework import create_app
from casework.cases.services import CaseFacts, create_case
from casework.extensions import db
from casework.health.checks import migration_head
from casework.i18n import compile_catalogs
from casework.models import Case, IssueType, Network, Role, Task, User
from tests.mail_server import MailServer
from tests.postgres_server import PostgresServer, PostgresUnavailable, start_postgres

IN_CI = os.environ.get("CI", "").lower() == "true"
PASSWORD = "correct-horse-battery"
# Hashing once keeps the suite fast; logins still verify against a real scrypt hash.
PASSWORD_HASH = generate_password_hash(PASSWORD)


def require(condition: bool, message: str) -> None:
    """Missing test dependencies fail the run in CI and skip it on a developer machine."""
    if not condition:
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def pytest_configure(config: pytest.Config) -> None:
    """The UI's Spanish catalog is compiled from its .po file before any app starts."""
    compile_catalogs()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Database tests run against SQLite and again against PostgreSQL."""
    if "db_backend" in metafunc.fixturenames:
        if metafunc.definition.get_closest_marker("sqlite_only"):
            backends = ["sqlite"]
        elif metafunc.definition.get_closest_marker("postgres_only"):
            backends = ["postgresql"]
        else:
            backends = ["sqlite", "postgresql"]
        metafunc.parametrize("db_backend", backends, scope="function")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = start_postgres()
    except PostgresUnavailable as error:
        require(False, str(error))
        raise
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_url(postgres_server: PostgresServer) -> str:
    return postgres_server.url


def database_url(db_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if db_backend == "postgresql":
        return str(request.getfixturevalue("postgres_url"))
    return f"sqlite:///{tmp_path / 'casework-test.sqlite3'}"


_postgres_schema_ready: set[str] = set()


def reset_schema(app: Flask) -> None:
    """A clean schema per test: a new SQLite file, or emptied PostgreSQL tables."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            url = str(db.engine.url)
            if url not in _postgres_schema_ready:
                db.drop_all()
                db.create_all()
                _postgres_schema_ready.add(url)
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            with db.engine.begin() as connection:
                connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        else:
            db.create_all()
        stamp_migration_head()


def stamp_migration_head() -> None:
    """Mark the schema create_all built as the newest migration (tests/test_migrations.py
    checks the two agree), as ``flask db upgrade`` leaves a real database: /healthz checks."""
    with db.engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS alembic_version ("
                                "version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
        connection.execute(text("DELETE FROM alembic_version"))
        connection.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"),
                           {"head": migration_head()})


@pytest.fixture
def db_backend() -> str:  # replaced by pytest_generate_tests' parametrisation
    return "sqlite"


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {}


@pytest.fixture
def app(db_backend: str, tmp_path: Path, request: pytest.FixtureRequest,
        app_config: dict[str, Any]) -> Iterator[Flask]:
    config = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": database_url(db_backend, tmp_path, request),
        "WTF_CSRF_ENABLED": False,
        **app_config,
    }
    app = create_app(config)
    reset_schema(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def make_network(app: Flask) -> Callable[..., int]:
    """Create a network; returns its id."""
    counter = iter(range(1, 1000))

    def make(code: str | None = None, timezone: str = "America/Los_Angeles") -> int:
        with app.app_context():
            network = Network(name="Test Network", code=code or f"N{next(counter)}",
                              timezone=timezone)
            db.session.add(network)
            db.session.commit()
            return network.id

    return make


@pytest.fixture
def network_id(make_network: Callable[..., int]) -> int:
    return make_network("SEA")


@pytest.fixture
def make_user(app: Flask, network_id: int) -> Callable[..., int]:
    """Create a user with the shared test password; returns its id."""
    counter = iter(range(1, 10_000))

    def make(role: Role | str = Role.ORGANIZER, *, network: int | None = None,
             name: str | None = None, email: str | None = None) -> int:
        role = Role(role)
        number = next(counter)
        with app.app_context():
            user = User(network_id=network or network_id, role=role,
                        name=name or f"{role.label} {number}",
                        email=email or f"{role.value}{number}@example.org",
                        password_hash=PASSWORD_HASH)
            db.session.add(user)
            db.session.commit()
            return user.id

    return make


@pytest.fixture
def make_case(app: Flask, make_user: Callable[..., int]) -> Callable[..., int]:
    """Log a case through the intake service; returns its id."""

    def make(author_id: int | None = None, *, team: list[int] | tuple[int, ...] = (),
             **facts: Any) -> int:
        author_id = author_id or make_user(Role.INTAKE)
        values: dict[str, Any] = {
            "person_name": "Maria Example", "person_phone": "206-555-0100",
            "target_name": "Acme Landlords", "issue_type": IssueType.DEPOSIT,
            "summary": "Deposit kept", "amount_claimed": Decimal("1200.00"),
        }
        values.update(facts)
        with app.app_context():
            author = db.session.get_one(User, author_id)
            case = create_case(author, CaseFacts(**values))
            for member_id in team:
                case.team.append(db.session.get_one(User, member_id))
            db.session.commit()
            return case.id

    return make


@pytest.fixture
def make_task(app: Flask) -> Callable[..., int]:
    def make(case_id: int, title: str = "Call the member", assignee_id: int | None = None,
             due_on: date | None = None, is_done: bool = False) -> int:
        with app.app_context():
            task = Task(case_id=case_id, title=title, assignee_id=assignee_id, due_on=due_on,
                        is_done=is_done)
            db.session.add(task)
            db.session.commit()
            return task.id

    return make


def login(client: FlaskClient, app: Flask, user_id: int) -> None:
    """Log in through the real login form."""
    with app.app_context():
        email = db.session.get_one(User, user_id).email
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302, "login failed"


@pytest.fixture
def login_as(client: FlaskClient, app: Flask) -> Callable[[int], FlaskClient]:
    def do_login(user_id: int) -> FlaskClient:
        login(client, app, user_id)
        return client

    return do_login


@pytest.fixture
def make_fight(app: Flask, make_user: Callable[..., int], make_case: Callable[..., int]
               ) -> Callable[..., tuple[int, int]]:
    """A case in the given state with every record its guards need; returns (case, organizer)."""
    from tests.fights import complete_records

    def make(state: Any, organizer_id: int | None = None, **facts: Any) -> tuple[int, int]:
        organizer_id = organizer_id or make_user(Role.ORGANIZER)
        case_id = make_case(team=[organizer_id], **facts)
        with app.app_context():
            case = db.session.get_one(Case, case_id)
            complete_records(case, state)
            db.session.commit()
        return case_id, organizer_id

    return make


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    """A real SMTP server on loopback that keeps what it receives."""
    server = MailServer()
    server.start()
    yield server
    server.stop()
