"""The reports page: every figure, on the page, in the CSVs and in the charts, against a
hand count of the fights in tests/reports_world.py (Seattle time, 2026)."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.extensions import db
from casework.models import Case, Network, OutcomeKind, Person, Role, User
from casework.reports.charts import chart_stylesheet
from casework.reports.figures import network_report
from casework.reports.period import Period
from casework.workflow.moves import MoveInput, OutcomeInput
from casework.workflow.service import apply_transition
from tests.conftest import login
from tests.reports_world import World, build_world
from tests.test_headers import INLINE_CODE, STRICT_CSP

YEAR_2026 = "period=range&start=2026-01-01&end=2026-12-31"
YEAR_2024 = "period=range&start=2024-01-01&end=2024-12-31"
SVG = "{http://www.w3.org/2000/svg}"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
ACTIONS_BY_MONTH = {"Feb": ["1", "1", "0", "2", "12.5"], "Apr": ["0", "1", "0", "1", "30.0"],
                    "Jun": ["0", "0", "1", "1", ""], "Dec": ["1", "0", "0", "1", "7.0"]}

# Worked out by hand from the fights' dates, amounts and outcomes (see reports_world.py).
EXPECTED_CSV: dict[str, list[list[str]]] = {
    "funnel": [["Step", "Fights"], ["Inquiries", "8"], ["Screened", "7"],
               ["Proposed to the meeting", "6"], ["Taken on", "6"], ["Demand delivered", "5"],
               # D, won at 23:30 on 31 December local time, is one of the two wins.
               ["Won", "2"], ["Partial win", "1"], ["Lost", "1"], ["Closed otherwise", "1"]],
    # F, declined at 23:00 on 31 December 2025 local time, is not a 2026 decline.
    "declined": [["Reason", "Fights"], ["Not winnable with our capacity", "1"]],
    "outcomes-by-issue": [
        ["Issue type", "Won", "Partial", "Lost", "Closed otherwise", "Of which joint fights",
         "Win rate (%)"],
        ["All fights", "2", "1", "1", "1", "0", "50.0"],
        ["Unpaid wages", "1", "1", "0", "0", "0", "50.0"],
        ["Stolen deposit", "1", "0", "1", "0", "0", "50.0"],
        ["Repairs", "0", "0", "0", "1", "0", ""]],  # nothing decided: no rate, no division by 0
    "outcomes-by-target": [
        ["Target kind", "Won", "Partial", "Lost", "Closed otherwise", "Of which joint fights",
         "Win rate (%)"],
        ["All fights", "2", "1", "1", "1", "0", "50.0"],
        ["Company", "2", "1", "0", "1", "0", "66.7"],
        ["Person", "0", "0", "1", "0", "0", "0.0"]],
    "money": [
        ["Issue type", "Fights decided", "Demanded", "Recovered", "Recovered of demanded (%)",
         "Median demanded", "Median recovered per win"],
        # Demanded 1200 + 3000 + 800 (C's claim: no demand items) + 2160 = 7160; recovered
        # 1200 + 1500 + 0 + 2500 = 5200 (72.6%); medians of 800, 1200, 2160, 3000 -> 1680
        # and of the wins' 1200, 1500, 2500 -> 1500.
        ["All fights", "4", "7160.00", "5200.00", "72.6", "1680.00", "1500.00"],
        ["Unpaid wages", "2", "5160.00", "4000.00", "77.5", "2580.00", "2000.00"],
        ["Stolen deposit", "2", "2000.00", "1200.00", "60.0", "1000.00", "1200.00"]],
    "timing": [
        ["Measure", "Fights", "Median"],
        ["Inquiry to decision (days)", "7", "10.0"],  # 4, 10, 10, 10, 10 (E), 12, 20
        ["Decision to delivery (days)", "5", "10.0"],  # 6, 8, 10, 10, 20
        ["Delivery to win (days)", "3", "30.0"],  # 10, 30, 40 (D: 21 Nov to 31 Dec)
        ["Actions before a win", "3", "1.0"]],  # 2, 1, 1
    "actions": [["Month", "Call-in", "Picket", "Postering / leafleting", "All actions",
                 "Median turnout"]] + [
        [f"{month} 2026", *ACTIONS_BY_MONTH.get(month, ["0", "0", "0", "0", ""])]
        for month in MONTHS],
    "calls": [["Step", "People", "Share of the step before (%)"], ["On the call lists", "7", ""],
              ["Called", "6", "85.7"], ["Said yes", "4", "66.7"], ["Came", "4", "100.0"]],
    "reliable-members": [["Member", "Said yes", "Came", "Came after saying yes"],
                         ["Paula Reliable", "2", "2", "2"], ["Quinn Sometimes", "2", "1", "1"],
                         ["Tess Maybe", "0", "1", "0"]],
    "load": [["Fights", "Count"], ["Open", "2"], ["Past their deadline", "1"]],
    "load-per-organizer": [["Organizer", "Open fights", "Past deadline"],
                           ["Omar Organizer", "1", "1"], ["Rosa Coordinator", "0", "0"]],
    "repeat-targets": [["Target", "Kind", "Fights", "Won"],
                       ["Acme Landlords", "Company", "2", "2"],
                       ["Harbor Property", "Company", "2", "0"]],
}
PEOPLE_TABLES = ("reliable-members", "load-per-organizer")
# (chart, the table it draws, its series columns); hbar charts list their rows bottom-up.
CHART_SERIES = {
    "funnel": ("funnel", ["Fights"]),
    "outcomes-by-issue": ("outcomes-by-issue", ["Won", "Partial", "Lost"]),
    "money": ("money", ["Demanded", "Recovered"]),
    "actions": ("actions", ["Call-in", "Picket", "Postering / leafleting"]),
    "turnout": ("actions", ["Median turnout"]),
    "calls": ("calls", ["People"]),
}


@pytest.fixture
def world(app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
          monkeypatch: pytest.MonkeyPatch) -> World:
    return build_world(app, make_user, make_case, monkeypatch)


def logged_in(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    login(client, app, user_id)
    return client


def csv_rows(client: FlaskClient, table: str, query: str = YEAR_2026) -> list[list[str]]:
    response = client.get(f"/reports/{table}.csv?{query}")
    assert response.status_code == 200, table
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.get_data(as_text=True))))


class Tables(HTMLParser):
    """The page's tables by caption: their rows as the cell texts a reader sees."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.caption: str | None = None
        self.cell: list[str] | None = None
        self.in_caption = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "caption":
            self.in_caption, self.caption = True, ""
        elif tag == "tr" and self.caption is not None:
            self.tables.setdefault(self.caption, []).append([])
        elif tag in ("td", "th") and self.caption is not None:
            self.cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self.in_caption = False
        elif tag in ("td", "th") and self.cell is not None and self.caption is not None:
            self.tables[self.caption][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "table":
            self.caption = None

    def handle_data(self, data: str) -> None:
        if self.in_caption:
            self.caption = (self.caption or "") + data.strip()
        elif self.cell is not None:
            self.cell.append(data)


def page_tables(html: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(html)
    return parser.tables


def same_figure(shown: str, exported: str) -> bool:
    """A page cell ("$7,160.00", "73%", "12.5", "—") and its CSV value ("7160.00", "72.6")."""
    if exported == "":
        return shown == "—"
    if shown.endswith("%"):
        return round(float(exported)) == int(shown[:-1])
    plain = shown.removeprefix("$").replace(",", "")
    try:
        return float(plain) == float(exported)
    except ValueError:
        return shown == exported


def test_the_figures_match_the_hand_count(app: Flask, world: World) -> None:
    with app.app_context():
        network = db.session.get_one(Network, world.network_id)
        report = network_report(network, Period.year(network.timezone, 2026),
                                include_people=True)
        funnel = report.funnel
        assert (funnel.inquiries, funnel.screened, funnel.proposed, funnel.taken,
                funnel.delivered) == (8, 7, 6, 6, 5)  # I, logged at 23:59 local, counts
        assert (funnel.won, funnel.partial, funnel.lost, funnel.closed, funnel.declined) == \
            (2, 1, 1, 1, 1)
        assert report.outcomes.overall.win_rate == 0.5
        assert report.money.overall.recovered_share == pytest.approx(5200 / 7160)
        assert report.timing.delivery_to_win.median == 30.0
        assert report.mobilization.median_turnout == 13.5  # 5, 7, 20, 30
        assert report.mobilization.with_turnout == 4
        # The year before: only F's decline at 23:00 on New Year's Eve, local time.
        before = network_report(network, Period.year(network.timezone, 2025))
        assert (before.funnel.declined, before.funnel.won, before.funnel.inquiries) == (1, 0, 1)
        assert before.mobilization.reliable_members is None and before.load.per_organizer is None


def test_per_person_figures_read_alongside_see_the_same_records(app: Flask, world: World) -> None:
    """The reliable members and the load per organizer are read on a second connection
    (casework/reports/alongside.py), or in the request's own transaction when it has written
    and not committed: either way they are the figures of what the reader sees."""
    with app.app_context():
        network = db.session.get_one(Network, world.network_id)
        year = Period.year(network.timezone, 2026)
        committed = network_report(network, year, include_people=True)
        assert [m.name for m in committed.mobilization.reliable_members or []] == \
            ["Paula Reliable", "Quinn Sometimes", "Tess Maybe"]
        assert [(o.name, o.open_fights) for o in committed.load.per_organizer or []] == \
            [("Omar Organizer", 1), ("Rosa Coordinator", 0)]
        paula = db.session.scalars(select(Person).filter_by(name="Paula Reliable")).one()
        paula.name = "Paula Renamed"
        omar = db.session.scalars(select(User).filter_by(name="Omar Organizer")).one()
        omar.is_disabled = True
        db.session.flush()  # written, not committed: another connection would not see it
        uncommitted = network_report(network, year, include_people=True)
        assert [m.name for m in uncommitted.mobilization.reliable_members or []] == \
            ["Paula Renamed", "Quinn Sometimes", "Tess Maybe"]
        assert [o.name for o in uncommitted.load.per_organizer or []] == ["Rosa Coordinator"]
        db.session.rollback()


def test_a_win_counts_on_the_day_it_was_decided_not_the_day_it_was_entered(
        app: Flask, world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """G, delivered in June, is won on 31 December 2026 but only entered on 2 January 2027
    (at 09:00 local): a 2026 win, 193 days after the delivery, and nothing in 2027."""
    entered = datetime(2027, 1, 2, 17, 0, tzinfo=UTC)
    monkeypatch.setattr("casework.workflow.service.utcnow", lambda: entered)
    with app.app_context():
        case = db.session.get_one(Case, world.case_ids["G"])
        outcome = OutcomeInput(kind=OutcomeKind.FULL, decided_on=date(2026, 12, 31),
                               amount_recovered=Decimal(500))
        apply_transition(case.id, "win", db.session.get_one(User, world.organizer_id),
                         MoveInput(reason="", outcome=outcome), case.version,
                         today=date(2027, 1, 2))
        db.session.commit()
        network = db.session.get_one(Network, world.network_id)
        year = network_report(network, Period.year(network.timezone, 2026))
        assert (year.funnel.won, year.outcomes.overall.win_rate) == (3, 0.6)
        assert year.money.overall.recovered == Decimal("5700.00")
        # Delivery to win: 10, 30, 40 (D) and 193 (G: 21 June to 31 December).
        assert (year.timing.delivery_to_win.fights, year.timing.delivery_to_win.median) == \
            (4, 35.0)
        following = network_report(network, Period.year(network.timezone, 2027))
        assert (following.funnel.won, following.money.overall.fights) == (0, 0)


def test_the_page_and_every_csv_show_the_hand_counted_figures(app: Flask, world: World) -> None:
    client = logged_in(app, world.coordinator_id)
    response = client.get(f"/reports/?{YEAR_2026}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    shown = page_tables(html)
    titles = {"funnel": "From inquiry to outcome", "declined": "Declined, and why",
              "outcomes-by-issue": "Outcomes by issue type",
              "outcomes-by-target": "Outcomes by kind of target",
              "money": "Money demanded and recovered", "timing": "How long fights take",
              "actions": "Actions carried out per month",
              "calls": "Call lists: called, said yes, came",
              "reliable-members": "Most reliable members", "load": "Load today",
              "load-per-organizer": "Open fights per organizer today",
              "repeat-targets": "Repeat-offender targets"}
    assert set(titles) == set(EXPECTED_CSV)
    for key, expected in EXPECTED_CSV.items():
        assert csv_rows(client, key) == expected, key
        on_page = shown[titles[key]]
        assert on_page[0] == [h.removesuffix(" (%)") for h in expected[0]], key
        assert len(on_page) == len(expected), key
        for page_row, csv_row in zip(on_page[1:], expected[1:], strict=True):
            assert all(same_figure(a, b) for a, b in zip(page_row, csv_row, strict=True)), \
                (key, page_row, csv_row)
    assert "2 <small>(50% of 4 decided)</small>" in html
    assert "$5,200.00" in html


def chart_svgs(html: str) -> dict[str, ET.Element]:
    """Every inline chart, parsed as XML, by its id."""
    charts = {}
    for markup in re.findall(r"<svg\b.*?</svg>", html, flags=re.S):
        root = ET.fromstring(markup)  # noqa: S314 - the app's own charts
        charts[root.attrib["id"].removeprefix("chart-")] = root
    return charts


def test_charts_are_valid_svg_with_their_titles_and_the_tables_figures(
        app: Flask, world: World) -> None:
    client = logged_in(app, world.coordinator_id)
    html = client.get(f"/reports/?{YEAR_2026}").get_data(as_text=True)
    charts = chart_svgs(html)
    assert set(CHART_SERIES) <= set(charts)
    for key, root in charts.items():
        title = root.find(f"{SVG}title")
        assert title is not None and title.text, key
        assert root.attrib["role"] == "img"
        assert root.attrib["aria-labelledby"] == title.attrib["id"]
        assert root.find(f".//{SVG}script") is None and root.find(f".//{SVG}style") is None
        assert not [e for e in root.iter() if "style" in e.attrib], key
    assert charts["funnel"].find(f"{SVG}title").text == "Fights at each step"  # type: ignore[union-attr]
    for key, (table, columns) in CHART_SERIES.items():
        values = [d.text for d in charts[key].iter(f"{SVG}desc") if d.get("class") == "value"]
        expected_rows = EXPECTED_CSV[table][1:]
        if table in ("outcomes-by-issue", "money"):
            expected_rows = expected_rows[1:]  # the chart leaves out the total row
        header = EXPECTED_CSV[table][0]
        expected = []
        for column in columns:
            cells = [row[header.index(column)] for row in expected_rows]
            if key in ("funnel", "calls"):  # horizontal: drawn bottom-up
                cells.reverse()
            expected += [f"{float(c):,.1f}".removesuffix(".0") for c in cells if c != ""]
        assert values == expected, key


def test_an_empty_period_says_so_and_divides_by_nothing(app: Flask, world: World) -> None:
    client = logged_in(app, world.coordinator_id)
    response = client.get(f"/reports/?{YEAR_2024}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for message in ("Nothing was logged, moved, won or carried out in this period.",
                    "No inquiry, move or outcome in this period.",
                    "No fight ended in this period.", "No fight was won or lost in this period.",
                    "No action was carried out in this period.",
                    "No call list for an action carried out in this period.",
                    "Nobody was checked in at an action in this period."):
        assert message in html
    assert "<svg" not in html
    for key, expected in EXPECTED_CSV.items():
        rows = csv_rows(client, key, YEAR_2024)
        header = expected[0] if key != "actions" else ["Month", "All actions", "Median turnout"]
        assert rows[0] == header, key  # the kinds of action carried out are the columns
        if key not in ("load", "load-per-organizer"):  # today's load, whatever the period
            assert rows[1:] == [], key


def test_organizers_see_the_page_without_figures_about_single_people(
        app: Flask, world: World) -> None:
    client = logged_in(app, world.organizer_id)
    html = client.get(f"/reports/?{YEAR_2026}").get_data(as_text=True)
    assert "From inquiry to outcome" in html and "$5,200.00" in html
    for private in ("Most reliable members", "Paula Reliable", "Open fights per organizer",
                    "Rosa Coordinator"):
        assert private not in html
    for table in PEOPLE_TABLES:
        assert client.get(f"/reports/{table}.csv?{YEAR_2026}").status_code == 403
    assert csv_rows(client, "funnel") == EXPECTED_CSV["funnel"]


@pytest.mark.parametrize("role", [Role.INTAKE, Role.MEMBER])
def test_intake_volunteers_and_members_are_refused(app: Flask, world: World, role: Role) -> None:
    user_id = world.intake_id if role == Role.INTAKE else world.member_id
    client = logged_in(app, user_id)
    assert client.get("/reports/").status_code == 403
    assert client.get(f"/reports/funnel.csv?{YEAR_2026}").status_code == 403


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("query", "error"), [
    ("period=range&start=2026-12-31&end=2026-01-01", "The end of the range is before its start."),
    ("period=range&start=2026-01-01", "Give the last day of the range."),
    ("period=range&start=2000-01-01&end=2026-01-01", "Choose a range of at most ten years."),
    ("period=range&start=0001-01-01&end=0001-01-02", "between the years 1900 and 2999"),
    ("period=range&start=31%2F12%2F2026&end=x", "Not a valid date value."),
    ("period=decade", "Not a valid choice."),
])
def test_a_bad_period_is_explained_next_to_its_field(app: Flask, world: World, query: str,
                                                     error: str) -> None:
    client = logged_in(app, world.coordinator_id)
    response = client.get(f"/reports/?{query}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert error in html and 'class="field-error"' in html
    assert "The figures below are for this year." in html
    typed = re.search(r"start=(\d{4}-\d{2}-\d{2})", query)
    if typed:  # what was typed stays in the field
        assert f'value="{typed.group(1)}"' in html
    assert client.get(f"/reports/funnel.csv?{query}").status_code == 400


@pytest.mark.sqlite_only
def test_this_year_and_the_last_12_months_end_today(app: Flask, world: World) -> None:
    client = logged_in(app, world.coordinator_id)
    for query in ("", "period=year", "period=12m"):
        response = client.get(f"/reports/?{query}")
        assert response.status_code == 200
    assert client.get("/reports/no-such-table.csv?period=year").status_code == 404
    today = date.today()
    year = Period.this_year("America/Los_Angeles", today)
    assert (year.first_day, year.last_day) == (date(today.year, 1, 1), date(today.year, 12, 31))
    last = Period.last_12_months("America/Los_Angeles", date(2028, 2, 29))
    assert (last.first_day, last.last_day, last.days) == (date(2027, 3, 1), date(2028, 2, 29), 366)


@pytest.mark.sqlite_only
def test_the_page_needs_no_inline_code_and_sends_the_strict_policy(
        app: Flask, world: World) -> None:
    client = logged_in(app, world.coordinator_id)
    response = client.get(f"/reports/?{YEAR_2026}")
    assert response.headers["Content-Security-Policy"] == STRICT_CSP
    assert response.headers["Cache-Control"] == "no-store"
    html = response.get_data(as_text=True)
    for what, pattern in INLINE_CODE.items():
        assert not pattern.search(html), what
    assert "kozea.github.io" not in html and "<script" not in html
    for sheet in ("charts.css", "reports.css"):
        assert f"/static/{sheet}?v=" in html
    assert 'href="/reports/"' in html  # in the header's Network menu


@pytest.mark.sqlite_only
def test_the_chart_stylesheet_is_the_one_pygal_makes() -> None:
    shipped = Path(__file__).resolve().parent.parent / "casework" / "static" / "charts.css"
    assert shipped.read_text(encoding="utf-8") == chart_stylesheet(), \
        "regenerate: python -m casework.reports.charts > casework/static/charts.css"
