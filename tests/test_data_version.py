"""The database's data version token and the reports kept by it: a report is reused only
while nothing was written; any committed write, however it was sent, gives new figures."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from flask import Flask
from sqlalchemy import select, update

from casework.clock import network_today
from casework.data_version import current_token
from casework.extensions import db
from casework.models import Case, Network
from casework.reports.figures import Report, network_report
from casework.reports.period import Period


def token(app: Flask) -> str | None:
    with app.app_context():
        return current_token(db.session.connection())


def test_the_token_changes_with_every_committed_write_and_only_then(
        app: Flask, make_case: Callable[..., int]) -> None:
    make_case()
    logged = token(app)
    assert logged is not None
    with app.app_context():  # a transaction that only reads
        db.session.scalars(select(Case.id)).all()
        db.session.commit()
    assert token(app) == logged
    with app.app_context():  # a write rolled back
        db.session.execute(update(Case).values(summary="Rolled back"))
        db.session.rollback()
    assert token(app) == logged
    with app.app_context(), db.engine.begin() as connection:  # Core, on its own connection
        connection.execute(update(Case).values(summary="Written by Core"))
    written = token(app)
    assert written not in (None, logged)
    make_case()  # the ORM, through the intake service
    assert token(app) not in (None, logged, written)


def this_year(app: Flask, network_id: int) -> Report:
    network = db.session.get_one(Network, network_id)
    return network_report(network, Period.this_year(network.timezone, network_today(network)),
                          include_people=True)


def test_a_report_is_reused_until_something_is_written(
        app: Flask, network_id: int, make_case: Callable[..., int]) -> None:
    make_case()
    with app.app_context():
        first = this_year(app, network_id)
        assert first.funnel.inquiries == 1
        assert this_year(app, network_id) is first  # nothing written: the same figures
    make_case()
    with app.app_context():
        second = this_year(app, network_id)
        assert second.funnel.inquiries == 2
        # The transaction's own writes, not yet committed, are counted: nothing is reused.
        db.session.execute(update(Case).values(created_at=datetime(2001, 1, 1, tzinfo=UTC)))
        assert current_token(db.session.connection()) is None
        assert this_year(app, network_id).funnel.inquiries == 0
        db.session.rollback()
        assert this_year(app, network_id) is second
