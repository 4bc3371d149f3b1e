"""Many people pressing buttons on one case at once: one wins, the others are told to reload.

The requests run in parallel threads through the real app, against SQLite (BEGIN IMMEDIATE)
and PostgreSQL (SELECT … FOR UPDATE); the transitions library's own locks are per process and
play no part.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import Case, Event, EventKind, Task
from casework.workflow.states import CaseState as S
from tests.conftest import login

ATTEMPTS = 24


def clients_sharing_a_login(app: Flask, user_id: int, count: int) -> list[FlaskClient]:
    first = app.test_client()
    login(first, app, user_id)
    cookie = first.get_cookie("session")
    assert cookie is not None
    clients = []
    for _ in range(count):
        client = app.test_client()
        client.set_cookie("session", cookie.value)
        clients.append(client)
    return clients


def transition_events(case_id: int) -> int:
    return db.session.scalar(select(func.count()).select_from(Event).where(
        Event.case_id == case_id, Event.kind == EventKind.TRANSITION)) or 0


def test_simultaneous_moves_exactly_one_wins(
    app: Flask, make_fight: Callable[..., tuple[int, int]]
) -> None:
    case_id, organizer = make_fight(S.INQUIRY)
    with app.app_context():
        seen = db.session.get_one(Case, case_id).version
    clients = clients_sharing_a_login(app, organizer, ATTEMPTS)
    barrier = threading.Barrier(ATTEMPTS)

    def press(index: int) -> Any:
        trigger = "screen" if index % 2 else "pause"
        barrier.wait()
        return clients[index].post(f"/cases/{case_id}/moves/{trigger}",
                                   data={"version": str(seen), "reason": "Member travelling"})

    with ThreadPoolExecutor(ATTEMPTS) as pool:
        responses = list(pool.map(press, range(ATTEMPTS)))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [302] + [409] * (ATTEMPTS - 1)
    refused = next(r for r in responses if r.status_code == 409).get_data(as_text=True)
    assert "This case was changed by" in refused and "reload" in refused
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        assert case.state in (S.SCREENING, S.PAUSED)
        assert case.version == seen + 1
        assert transition_events(case_id) == 1
        tasks = db.session.scalar(select(func.count()).select_from(Task).where(
            Task.case_id == case_id, Task.rule_key.is_not(None)))
        assert tasks == (1 if case.state == S.SCREENING else 0)


def test_racing_organizers_who_reload_and_retry_lose_nothing(
    app: Flask, make_fight: Callable[..., tuple[int, int]]
) -> None:
    """Each thread reads the version, then pauses or resumes; every success is one event."""
    case_id, organizer = make_fight(S.NEGOTIATING)
    with app.app_context():
        start = db.session.get_one(Case, case_id).version
    threads, rounds = 8, 4
    clients = clients_sharing_a_login(app, organizer, threads)
    barrier = threading.Barrier(threads)
    successes: list[int] = []

    def work(index: int) -> None:
        barrier.wait()
        for _ in range(rounds):
            with app.app_context():
                case = db.session.get_one(Case, case_id)
                version, state = case.version, case.state
                db.session.remove()
            trigger = "resume" if state == S.PAUSED else "pause"
            response = clients[index].post(f"/cases/{case_id}/moves/{trigger}",
                                           data={"version": str(version), "reason": "Busy"})
            assert response.status_code in (302, 409), response.status_code
            if response.status_code == 302:
                successes.append(index)

    with ThreadPoolExecutor(threads) as pool:
        list(pool.map(work, range(threads)))
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        assert len(successes) >= 1
        assert transition_events(case_id) == len(successes)
        assert case.version == start + len(successes)
        expected = S.NEGOTIATING if len(successes) % 2 == 0 else S.PAUSED
        assert case.state == expected
        # The timeline alternates pause/resume with no gap or double.
        triggers = db.session.scalars(select(Event.trigger).where(
            Event.case_id == case_id, Event.kind == EventKind.TRANSITION).order_by(Event.id)).all()
        assert triggers == ["pause", "resume"] * (len(successes) // 2) + (
            ["pause"] if len(successes) % 2 else [])


@pytest.mark.sqlite_only
def test_sqlite_write_transactions_start_with_the_write_lock(app: Flask) -> None:
    """Without BEGIN IMMEDIATE a reader that later writes can fail on SQLite under load."""
    statements: list[str] = []
    from sqlalchemy import event

    with app.app_context():
        engine = db.engine

        def record(_conn: Any, _cursor: Any, statement: str, *args: Any) -> None:
            statements.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            app.test_client().post("/login", data={"email": "x@example.org", "password": "y"})
        finally:
            event.remove(engine, "before_cursor_execute", record)
    assert statements and statements[0] == "BEGIN IMMEDIATE"
