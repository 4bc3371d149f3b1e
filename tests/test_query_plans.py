"""Every query the main pages run can use an index: none reads a whole large table.

Each page is requested as the demo network's coordinator; every SELECT it sends is captured
with its parameters and explained on the same database:

- SQLite is given the statistics ``ANALYZE`` would gather on one network of 100,000 cases (an
  installation serves one network or a few, so a network id matches nearly every row, other
  columns few). Planned with them, a query that would read all of the network's rows shows
  as ``SCAN <table>`` (with or without an index to walk): a whole read.
- PostgreSQL's statistics cannot be set by hand (before version 18), and on the test's tiny
  tables it guesses freely; so it is asked with ``enable_seqscan`` (and whole-table hash and
  merge joins) off, to show whether an index is usable at all: a ``Seq Scan``, or an index
  read end to end that no LIMIT stops early, is a whole read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.calendars.services import rotate_feed
from casework.demo import DEMO_PASSWORD, load_demo
from casework.extensions import db
from casework.kept import forget_kept
from casework.models import Action, Case, Letter, User
from tests.test_case_page_queries import fill_fight

COORDINATOR = "coordinator@demo.casework.org"
ROWS = 30  # records of each kind on the busiest fight

# Tables that stay small whatever the number of cases: reading them whole costs nothing.
SMALL_TABLES = {
    "network": "one row per network",
    "case_counter": "one row per network and year",
    "alembic_version": "one row",
    "user_account": "a network's volunteers who log in: hundreds at most",
}
# Whole reads known and accepted for now, by page and table, each with its reason.
KNOWN_WHOLE_READS = {
    ("Person", "person"): "possible duplicates compare phone digits, stored as typed: "
                          "casework/people/matching.py reads the network's phones and emails",
    ("Case list, phone search", "person"): "the same phone digits, in casework/people/matching.py",
    ("Target", "target"): "related targets compare lower(trim(name)), which no portable "
                          "index covers (autogenerate cannot compare expression indexes)",
}
CASES = 100_000  # the size the plans are made for
# Plan nodes that pass rows up one at a time: a LIMIT above them stops the reading below.
STREAMING = {"Limit", "Nested Loop", "Result", "Subquery Scan", "Unique", "Materialize",
             "Append", "Merge Append"}


@dataclass(frozen=True)
class Query:
    statement: str
    parameters: Any


@dataclass(frozen=True)
class FullScan:
    page: str
    table: str
    statement: str
    plan: str

    def __str__(self) -> str:
        return (f"{self.page}: reads all of {self.table}\n  SQL: {self.statement}\n"
                f"  plan:\n{self.plan}")


@contextmanager
def capturing_selects(app: Flask) -> Iterator[list[Query]]:
    """Every SELECT the app sends inside the block, with its parameters."""
    queries: list[Query] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                executemany: bool) -> None:
        if re.match(r"\s*(SELECT|WITH)\b", statement, re.IGNORECASE) and not executemany:
            queries.append(Query(statement, parameters))

    with app.app_context():
        engine = db.engine
    # What making the page sends, not a repeat sent from memory (casework/kept_pages.py).
    keep_pages, app.config["CASEWORK_KEEP_PAGES"] = app.config["CASEWORK_KEEP_PAGES"], False
    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        yield queries
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
        app.config["CASEWORK_KEEP_PAGES"] = keep_pages


def table_of(name: str) -> str:
    """The table behind SQLAlchemy's alias (``case_record_1``) or the name itself."""
    return re.sub(r"_\d+$", "", name)


def large_tables() -> set[str]:
    return {table.name for table in db.metadata.sorted_tables} - set(SMALL_TABLES)


def production_statistics(connection: sa.Connection) -> None:
    """Give SQLite the statistics of one network of CASES cases (sqlite_stat1: rows, then
    rows per value of each leading part of an index): a network id matches every row, an id
    or a unique key one, any other column a hundredth of what the part before it matched."""
    connection.exec_driver_sql("ANALYZE")  # makes sqlite_stat1
    connection.exec_driver_sql("DELETE FROM sqlite_stat1")
    for table in db.metadata.sorted_tables:
        rows = 100 if table.name in SMALL_TABLES else CASES
        for _, index, unique, *_ in connection.exec_driver_sql(
                f"PRAGMA index_list('{table.name}')").all():
            columns = [row[2] for row in connection.exec_driver_sql(
                f"PRAGMA index_info('{index}')").all()]
            matched = [rows]
            for position, column in enumerate(columns):
                if column == "id" or (unique and position == len(columns) - 1):
                    matched.append(1)
                elif column == "network_id":
                    matched.append(matched[-1])
                else:
                    matched.append(max(1, matched[-1] // 100))
            connection.exec_driver_sql("INSERT INTO sqlite_stat1 VALUES (?, ?, ?)", (
                table.name, index, " ".join(map(str, matched))))
    connection.exec_driver_sql("ANALYZE sqlite_schema")  # the planner reads them again


def sqlite_full_scans(connection: sa.Connection, query: Query) -> tuple[list[str], str]:
    rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {query.statement}",
                                      query.parameters).all()
    plan = "\n".join(f"    {row[3]}" for row in rows)
    scanned = []
    for row in rows:
        # A virtual (full-text) table's "SCAN … VIRTUAL TABLE INDEX" is its own index at work.
        found = re.fullmatch(r"SCAN (\w+)(?: AS \w+)?(?: USING (?:COVERING )?INDEX \w+)?",
                             row[3])
        if found:
            scanned.append(table_of(found.group(1)))
    return scanned, plan


def postgres_nodes(node: dict[str, Any], limited: bool = False
                   ) -> Iterator[tuple[dict[str, Any], bool]]:
    """Every plan node, and whether a LIMIT above it stops its reading early (no sort,
    hash or aggregate in between that must read everything first)."""
    yield node, limited
    passes_limit = node["Node Type"] == "Limit" or (limited and node["Node Type"] in STREAMING)
    for child in node.get("Plans", []):
        yield from postgres_nodes(child, passes_limit)


def filters_more_than_network(node: dict[str, Any]) -> bool:
    """Whether a node filters on more than its network. With one network in the database the
    planner may walk the primary key backwards under a LIMIT and keep the network's rows (all
    of them); with several, the statistics make it take the network's index instead."""
    return "Filter" in node and re.fullmatch(r"\(network_id = \d+\)", node["Filter"]) is None


def postgres_full_scans(connection: sa.Connection, query: Query) -> tuple[list[str], str]:
    # On tables this small a whole read is cheapest; forbid it (and the joins that hash or
    # merge whole tables) so that the planner shows whether an index could do the work.
    for setting in ("enable_seqscan", "enable_hashjoin", "enable_mergejoin"):
        connection.exec_driver_sql(f"SET LOCAL {setting} = off")
    explained = connection.exec_driver_sql(f"EXPLAIN (FORMAT JSON) {query.statement}",
                                           query.parameters).scalar_one()
    plan_text = connection.exec_driver_sql(f"EXPLAIN {query.statement}",
                                           query.parameters).scalars().all()
    root = (json.loads(explained) if isinstance(explained, str) else explained)[0]["Plan"]
    scanned = []
    for node, limited in postgres_nodes(root):
        table = node.get("Relation Name")
        if table is None:
            continue
        # An index read end to end is a whole read too, unless a LIMIT stops it after the
        # first rows it reads (a filter could make it read on).
        whole_index = node["Node Type"] in ("Index Scan", "Index Only Scan") \
            and "Index Cond" not in node and (not limited or filters_more_than_network(node))
        if node["Node Type"] == "Seq Scan" or whole_index:
            scanned.append(table)
    return scanned, "\n".join(f"    {line}" for line in plan_text)


def full_scans(app: Flask, page: str, queries: list[Query]) -> list[FullScan]:
    """The queries among ``queries`` that read a whole large table."""
    found = []
    with app.app_context(), db.engine.connect() as connection:
        large = large_tables()
        explain = postgres_full_scans if db.engine.dialect.name == "postgresql" \
            else sqlite_full_scans
        if explain is sqlite_full_scans:
            with connection.begin():
                production_statistics(connection)
        for query in queries:
            with connection.begin():
                scanned, plan = explain(connection, query)
            found.extend(FullScan(page, table, query.statement, plan)
                         for table in dict.fromkeys(scanned)
                         if table in large and (page, table) not in KNOWN_WHOLE_READS)
    return found


@pytest.fixture
def demo_network(app: Flask) -> dict[str, Any]:
    """The demo network, its busiest fight grown to ROWS records of each kind, a feed."""
    with app.app_context():
        load_demo()
        db.session.commit()
        coordinator_id = db.session.scalars(select(User.id).where(User.email == COORDINATOR)).one()
        busy_id = db.session.scalars(select(Case.id).order_by(Case.id.desc())).first()
        assert busy_id is not None
        db.session.commit()
    fill_fight(app, busy_id, coordinator_id, ROWS)
    with app.app_context():
        coordinator = db.session.get_one(User, coordinator_id)
        busy = db.session.get_one(Case, busy_id)
        token = rotate_feed(coordinator, network_wide=True)
        db.session.commit()
        action = db.session.scalars(select(Action).where(Action.case_id == busy.id)
                                    .order_by(Action.id)).first()
        assert action is not None
        return {
            "case": busy.id, "action": action.id, "feed": token,
            "person": busy.person_id, "target": busy.target_id, "reference": busy.reference,
            "organizer": busy.team[0].id,
            "letter": db.session.scalars(select(Letter.id).order_by(Letter.id)).first(),
        }


def coordinator_client(app: Flask) -> FlaskClient:
    client = app.test_client()
    response = client.post("/login", data={"email": COORDINATOR, "password": DEMO_PASSWORD})
    assert response.status_code == 302, "login failed"
    return client


def main_pages(client: FlaskClient, seeded: dict[str, Any]) -> dict[str, str]:
    """Each main page by its name, as its URL (the search's comes from the search form)."""
    case, action = f"/cases/{seeded['case']}", seeded["action"]

    def search(url: str, **fields: str) -> str:
        """The address a search form leads to (it keeps the text out of the URL)."""
        searched = client.post(url, data=fields)
        assert searched.status_code == 302, f"{url}: {searched.status_code}"
        return searched.location

    return {
        "My work": "/",
        "Case list": "/cases/",
        "Case list, next page": f"/cases/?after={seeded['case']}",
        "Case list, state filter": "/cases/?state=negotiating",
        "Case list, 3 filters": "/cases/?state=negotiating&issue_type=unpaid_wages"
                                "&urgency=high",
        "Case list, unassigned": "/cases/?unassigned=1",
        "Case list, search": search("/cases/search", q="maria"),
        "Case list, phone search": search("/cases/search", q="206-555-0100"),
        "Case page": case,
        "Case letters": f"{case}/letters",
        "Action": f"{case}/actions/{action}",
        "Call list": f"{case}/actions/{action}/calls",
        "Board": "/board",
        "Board, one organizer": f"/board?organizer={seeded['organizer']}",
        "People": "/people/",
        "People, next page": f"/people/?after={seeded['person']}",
        "People, filters": "/people/?tier=member&language=es",
        "People, search": search("/people/search", q="maria"),
        "Person": f"/people/{seeded['person']}",
        "Targets": "/targets/",
        "Targets, by name": "/targets/?sort=name",
        "Targets, search": search("/targets/search", q="acme", sort="fights"),
        "Target": f"/targets/{seeded['target']}",
        "Letter": f"/letters/{seeded['letter']}",
        "Letters due": "/letters/due",
        "Calendar page": "/calendar",
        "Calendar feed": f"/calendar/{seeded['feed']}.ics",
        "Audit log": "/audit/",
        "Audit log, one case": f"/audit/?case={seeded['reference']}",
        "Audit log, one user": f"/audit/?user={seeded['organizer']}",
        "Export": "/export/",
        "Users": "/users/",
        "Reports": "/reports/",
        "Reports, last 12 months": "/reports/?period=12m",
        # Partial months at both ends: their days are read from the tallies' day rows.
        "Reports, a range off the months' edges":
            f"/reports/?period=range&start={date.today() - timedelta(days=200)}"
            f"&end={date.today() - timedelta(days=3)}",
    }


def test_no_page_reads_a_whole_large_table(
    app: Flask, db_backend: str, demo_network: dict[str, Any],
) -> None:
    client = coordinator_client(app)
    pages = main_pages(client, demo_network)
    problems: list[FullScan] = []
    for page, url in pages.items():
        client.get(url)  # the day's first view of a record is audited once: not the page's
        forget_kept()  # the reports page's figures are read, not the ones kept
        with capturing_selects(app) as queries:
            response = client.get(url)
        assert response.status_code == 200, f"{page} ({url}): {response.status_code}"
        assert queries, f"{page} sent no SELECT: is it the page it claims?"
        problems.extend(full_scans(app, page, queries))
    assert not problems, f"{len(problems)} full scan(s):\n\n" + "\n\n".join(map(str, problems))


@pytest.fixture
def dropped_index(app: Flask, request: pytest.FixtureRequest) -> Iterator[str]:
    """The table whose indexes (the parameter, comma-separated) are dropped for the test, then
    made again."""
    names = request.param.split(",")
    indexes = [index for table in db.metadata.sorted_tables for index in table.indexes
               if index.name in names]
    assert len(indexes) == len(names)
    with app.app_context(), db.engine.begin() as connection:
        for index in indexes:
            index.drop(connection)
    yield indexes[0].table.name
    with app.app_context(), db.engine.begin() as connection:  # PostgreSQL keeps its schema
        for index in indexes:
            index.create(connection)


# The one index holding case_event.case_id.
@pytest.mark.parametrize("dropped_index", ["ix_case_event_case"],
                         indirect=True)
def test_a_missing_index_is_reported_with_the_page_sql_and_plan(
    app: Flask, db_backend: str, demo_network: dict[str, Any], dropped_index: str,
) -> None:
    """The check above can fail: without the timeline's index the case page reads the whole
    table, and the report says which page, which SQL and the plan."""
    client = coordinator_client(app)
    url = f"/cases/{demo_network['case']}"
    client.get(url)
    with capturing_selects(app) as queries:
        assert client.get(url).status_code == 200
    problems = full_scans(app, "Case page", queries)
    assert {problem.table for problem in problems} == {dropped_index}, \
        "\n\n".join(map(str, problems))
    report = str(problems[0])
    assert report.startswith(f"Case page: reads all of {dropped_index}\n  SQL: SELECT ")
    assert f"FROM {dropped_index}" in report and "\n  plan:\n" in report
