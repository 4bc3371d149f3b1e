"""The schema comes from Alembic migrations, and they match the models exactly."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from casework import create_app
from casework.cases.search_index import include_name
from casework.extensions import db


@pytest.fixture
def empty_database_url(db_backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A database with no tables at all."""
    if db_backend == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    server_url = request.getfixturevalue("postgres_url")
    name = f"migrations_{uuid.uuid4().hex[:8]}"
    engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def test_migrations_build_the_schema_the_models_describe(empty_database_url: str) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True,
                                  "include_name": include_name}
            )
            differences = compare_metadata(context, db.metadata)
        assert differences == []
        table_names = set(sa.inspect(db.engine).get_table_names())
        assert {"case_record", "person", "target", "task", "case_event"} <= table_names
        downgrade(revision="base")
        assert set(sa.inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()


def test_sqlite_connections_use_wal_foreign_keys_and_a_busy_timeout(tmp_path: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}",
                      "SECRET_KEY": "x"})
    with app.app_context(), db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_migrations_keep_the_data_when_tables_are_rebuilt(empty_database_url: str) -> None:
    """Down and up again through the batch migrations with demo data in every table."""
    from sqlalchemy import func, select

    from casework.cases.queries import CaseFilters, list_cases
    from casework.cases.services import CaseFacts, create_case
    from casework.demo import load_demo
    from casework.models import Case, Event, IssueType, Role, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        load_demo()
        db.session.commit()
        cases = db.session.scalar(select(func.count()).select_from(Case))
        events = db.session.scalar(select(func.count()).select_from(Event))
        db.session.remove()
        downgrade(revision="38427b9c08ec")
        upgrade()
        assert db.session.scalar(select(func.count()).select_from(Case)) == cases
        assert db.session.scalar(select(func.count()).select_from(Event)) == events
        coordinator = db.session.scalars(select(User).where(
            User.role == Role.COORDINATOR)).first()
        assert coordinator is not None
        assert len(list_cases(coordinator, CaseFilters(text="blue fern")).cases) == 2
        # The search index still follows new rows after the tables were rebuilt.
        create_case(coordinator, CaseFacts(person_name="New Person", target_name="Zyx Widgets",
                                           issue_type=IssueType.OTHER, summary="New fight"))
        db.session.commit()
        assert len(list_cases(coordinator, CaseFilters(text="zyx widg")).cases) == 1
        db.session.remove()
        db.engine.dispose()
