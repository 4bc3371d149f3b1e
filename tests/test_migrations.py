"""The schema comes from Alembic migrations, and they match the models exactly."""

from __future__ import annotations

import uuid
from pathlib import Path
from types import SimpleNamespace

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


def test_feeds_get_their_holder_and_dead_holders_addresses_stop(empty_database_url: str) -> None:
    """Upgrading finds who made each network feed's address (from the audit log) and stops
    the addresses of disabled coordinators, which used to keep working."""
    from sqlalchemy import select

    from casework.calendars.services import find_feed, token_hash
    from casework.models import CalendarFeed, Role, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade(revision="be772f37061d")
        # Networks as that revision had them (the model may have columns added since).
        for code in ("ONE", "TWO", "THR"):
            db.session.execute(sa.text(
                "INSERT INTO network (name, code, timezone, page_size, hotline_phone,"
                " contact_email, created_at) VALUES (:name, :code, 'UTC', 'Letter', '', '',"
                " '2026-11-01 10:00:00.000000+00:00')"), {"name": f"Net {code}", "code": code})
        network_ids = db.session.scalars(sa.text("SELECT id FROM network ORDER BY id")).all()
        # Users as that revision had them too.
        for network_id, name, role in zip(network_ids, ("active", "gone", "orga"),
                                          (Role.COORDINATOR, Role.COORDINATOR, Role.ORGANIZER),
                                          strict=True):
            db.session.execute(sa.text(
                "INSERT INTO user_account (network_id, name, email, role, password_hash,"
                " is_disabled, created_at, languages, wants_email_reminders) VALUES (:network,"
                " :name, :email, :role, 'x', :disabled, '2026-11-01 10:00:00.000000+00:00',"
                " 'en', :yes)"), {"network": network_id, "name": name,
                                  "email": f"{name}@example.org", "role": role.value,
                                  "disabled": name == "gone", "yes": True})
        active, gone, organizer = (SimpleNamespace(id=user_id) for user_id in db.session.scalars(
            sa.text("SELECT id FROM user_account ORDER BY id")).all())
        feeds = [(network_ids[0], None, "net-one", active.id), (network_ids[1], None, "net-two",
                 gone.id), (network_ids[2], organizer.id, "mine", None)]
        for feed_id, (network_id, user_id, token, maker) in enumerate(feeds, start=1):
            db.session.execute(sa.text(
                "INSERT INTO calendar_feed (id, network_id, user_id, token_hash, created_at)"
                " VALUES (:id, :network, :user, :hash, :now)"), {
                    "id": feed_id, "network": network_id, "user": user_id,
                    "hash": token_hash(token), "now": "2026-11-01 10:00:00.000000+00:00"})
            if maker is not None:
                db.session.execute(sa.text(
                    "INSERT INTO audit_entry (created_at, user_id, network_id, action,"
                    " object_type, object_id, origin, detail) VALUES (:now, :user, :network,"
                    " 'calendar_feed.create', 'calendar_feed', :id, 'x', 'network feed')"), {
                        "now": "2026-11-01 10:00:00.000000+00:00", "user": maker,
                        "network": network_id, "id": str(feed_id)})
        db.session.commit()
        upgrade()
        holders = {feed_id: holder for feed_id, holder in db.session.execute(
            select(CalendarFeed.id, CalendarFeed.created_by_id))}
        assert holders == {1: active.id, 2: gone.id, 3: organizer.id}
        with app.test_request_context():
            assert [find_feed(token) is not None for token in ("net-one", "net-two", "mine")] \
                == [True, False, True]
        db.session.execute(sa.update(User).where(User.id == gone.id).values(is_disabled=False))
        db.session.commit()
        with app.test_request_context():
            assert find_feed("net-two") is None  # stopped for good, not only while disabled
        db.session.remove()
        downgrade(revision="be772f37061d")
        assert db.session.scalar(sa.text("SELECT count(*) FROM calendar_feed")) == 2
        db.session.remove()
        db.engine.dispose()
