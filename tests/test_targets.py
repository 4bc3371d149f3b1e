"""Target research: the list and its counts, facts, notes, fights against a target, who sees."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from casework.extensions import db
from casework.models import (
    Action,
    ActionKind,
    ActionStatus,
    Case,
    Event,
    EventKind,
    Outcome,
    OutcomeKind,
    Role,
    Target,
    TargetFact,
    TargetFactKind,
)
from casework.workflow.states import CaseState
from tests.conftest import login
from tests.statements import counting_statements

SCRIPT = "<script>alert('x')</script>"
ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
CELL = re.compile(r"<td>(.*?)</td>", re.S)
TAG = re.compile(r"<[^>]+>")
SEEN = re.compile(r'name="seen" type="hidden" value="([0-9a-f]{64})"')
VALID_FACT = {"kind": "owner", "name": "Daniel Marsh", "details": "Bought it in February",
              "source": "Business licence lookup"}
VALID_NOTES = {"role": "Landlord", "address": "12 Pine St", "contacts": "Office 206-555-0000",
               "leverage_points": "Cares about reviews", "research_notes": "Owns two buildings"}


def table_rows(page: str) -> list[list[str]]:
    """The cells of each body row of the page's table, as text."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return [[text_of(cell) for cell in CELL.findall(row)] for row in ROW.findall(body)]


def text_of(html: str) -> str:
    return " ".join(TAG.sub("", html).split())


def related_items(page: str) -> list[str]:
    """The 'possibly related targets' of a target page, as text."""
    section = page.split('id="related-heading"', 1)[1]
    return [text_of(item) for item in re.findall(r"<li>(.*?)</li>", section, re.S)]


def target_id_of(app: Flask, name: str) -> int:
    with app.app_context():
        return db.session.scalars(sa.select(Target.id).where(Target.name == name)).one()


def add_fact(app: Flask, target_id: int, kind: TargetFactKind = TargetFactKind.OWNER,
             name: str = "Daniel Marsh") -> int:
    with app.app_context():
        fact = TargetFact(target_id=target_id, kind=kind, name=name)
        db.session.add(fact)
        db.session.commit()
        return fact.id


def end_fight(app: Flask, case_id: int, state: CaseState, kind: OutcomeKind,
              recovered: str | None) -> None:
    """Put a case in an ended state with its outcome (test setup, not the workflow)."""
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        case.state = state
        db.session.add(Outcome(case_id=case_id, kind=kind, decided_on=date(2026, 11, 20),
                               amount_recovered=Decimal(recovered) if recovered else None))
        db.session.commit()


@pytest.fixture
def organizer(make_user: Callable[..., int]) -> int:
    return make_user(Role.ORGANIZER, name="Omar Organizer")


@pytest.fixture
def acme(app: Flask, make_case: Callable[..., int], organizer: int) -> dict[str, int]:
    """Three fights against Acme Landlords (one won, $500), one against Solo Bistro."""
    cases = [make_case(team=[organizer]) for _ in range(3)]
    make_case(target_name="Solo Bistro", team=[organizer])
    end_fight(app, cases[0], CaseState.WON, OutcomeKind.PARTIAL, "500.00")
    with app.app_context():
        network_id = db.session.get_one(Case, cases[0]).network_id
        db.session.add(Target(network_id=network_id, name="Quiet Holdings"))
        db.session.commit()
    return {"target": target_id_of(app, "Acme Landlords"), "won": cases[0], "open": cases[1]}


# The list -------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.COORDINATOR])
def test_list_counts_fights_and_marks_repeat_offenders(
    app: Flask, acme: dict[str, int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], role: Role,
) -> None:
    client = login_as(make_user(role))
    page = client.get("/targets/").get_data(as_text=True)
    rows = table_rows(page)
    # Most fights first; the repeat offender carries its badge, the others do not.
    assert [row[0] for row in rows] == ["Acme Landlords Repeat offender", "Solo Bistro",
                                        "Quiet Holdings"]
    assert [(row[2], row[3]) for row in rows] == [("3", "1"), ("1", "0"), ("0", "0")]


def search(client: FlaskClient, **data: str) -> str:
    """Search the list through its box (a POST); the list page it leads to."""
    response = client.post("/targets/search", data=data)
    assert response.status_code == 302
    assert "q=" not in response.location and data["q"].lower() not in response.location.lower()
    return client.get(response.location).get_data(as_text=True)


def test_list_searches_names_sorts_and_pages(
    app: Flask, acme: dict[str, int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    found = search(client, q="BISTRO", sort="fights")
    assert [r[0] for r in table_rows(found)] == ["Solo Bistro"] and 'value="BISTRO"' in found
    page = search(client, q="%", sort="fights")  # a LIKE wildcard is literal
    assert table_rows(page) == [] and "No target's name contains “%”" in page
    by_name = table_rows(client.get("/targets/?sort=name").get_data(as_text=True))
    assert [r[0].split()[0] for r in by_name] == ["Acme", "Quiet", "Solo"]
    refused = client.post("/targets/search", data={"q": "a\x00b", "sort": "nonsense"})
    assert refused.status_code == 400
    assert re.search(r'id="q-error" class="field-error">[^<]*control codes',
                     refused.get_data(as_text=True))
    assert len(table_rows(refused.get_data(as_text=True))) == 3  # the list, unsearched
    far = client.get("/targets/?sort=nonsense&page=" + "9" * 30)
    assert far.status_code == 200
    assert "There is nothing on this page" in far.get_data(as_text=True)  # page 10,000


@pytest.mark.parametrize("query", ["?q=bistro", "?q=bistro&sort=name", "?search=forgotten&q=x"])
def test_a_search_text_in_the_url_is_not_read(
    acme: dict[str, int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], query: str,
) -> None:
    page = login_as(make_user(Role.ORGANIZER)).get("/targets/" + query).get_data(as_text=True)
    assert len(table_rows(page)) == 3  # old ?q= links show the whole list
    assert "bistro" not in page and 'value="x"' not in page


@pytest.mark.parametrize("app_config", [{"TARGETS_PER_PAGE": 2}])
def test_list_pages_keep_the_search_and_order(
    app: Flask, acme: dict[str, int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    first = client.get("/targets/?sort=name").get_data(as_text=True)
    assert [r[0].split()[0] for r in table_rows(first)] == ["Acme", "Quiet"]
    assert 'href="/targets/?sort=name&amp;page=2" rel="next"' in first
    second = client.get("/targets/?sort=name&page=2").get_data(as_text=True)
    assert [r[0].split()[0] for r in table_rows(second)] == ["Solo"]
    assert 'rel="next"' not in second and 'rel="prev"' in second
    # A search is kept behind a token: its pages link the token, never the text.
    with app.app_context():
        network_id = db.session.get_one(Target, acme["target"]).network_id
        db.session.add_all(Target(network_id=network_id, name=f"Solo Annex {n}") for n in (1, 2))
        db.session.commit()
    searched = search(client, q="solo", sort="name")
    assert [r[0] for r in table_rows(searched)] == ["Solo Annex 1", "Solo Annex 2"]
    following = re.search(r'href="([^"]+)" rel="next"', searched)
    assert following is not None and "solo" not in following.group(1).lower()
    last = client.get(following.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert [r[0] for r in table_rows(last)] == ["Solo Bistro"]


@pytest.mark.parametrize("app_config", [{"TARGETS_PER_PAGE": 50}])
def test_list_runs_the_same_queries_for_3_or_30_targets(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    intake = make_user(Role.INTAKE)
    client = login_as(make_user(Role.COORDINATOR))

    def queries_for_list() -> tuple[int, int]:
        with counting_statements(app) as statements:
            page = client.get("/targets/").get_data(as_text=True)
        return len(statements), len(table_rows(page))

    for number in range(3):
        make_case(intake, target_name=f"Target {number}")
    few, few_rows = queries_for_list()
    for number in range(3, 30):
        make_case(intake, target_name=f"Target {number}")
        make_case(intake, target_name=f"Target {number}")
    many, many_rows = queries_for_list()
    assert (few_rows, many_rows) == (3, 30)
    assert many == few, f"{few} queries for 3 targets, {many} for 30"


def test_target_page_runs_the_same_queries_for_2_or_12_fights(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    case_ids = [make_case() for _ in range(2)]
    target_id = target_id_of(app, "Acme Landlords")
    add_fact(app, target_id)
    end_fight(app, case_ids[0], CaseState.WON, OutcomeKind.FULL, "100")

    def queries_for_page() -> int:
        with counting_statements(app) as statements:
            assert client.get(f"/targets/{target_id}").status_code == 200
        return len(statements)

    few = queries_for_page()
    for _ in range(10):
        end_fight(app, make_case(), CaseState.WON, OutcomeKind.FULL, "100")
    assert queries_for_page() == few


# Who sees which target -------------------------------------------------------------------------

@pytest.mark.parametrize("url", ["/targets/", "/targets/{acme}", "/targets/{mine}"])
def test_intake_sees_the_target_on_their_inquiry_but_no_target_page(
    app: Flask, acme: dict[str, int], make_user: Callable[..., int],
    make_case: Callable[..., int], login_as: Callable[[int], FlaskClient], url: str,
) -> None:
    intake = make_user(Role.INTAKE)
    shared = make_case(intake)  # a fourth fight against Acme
    make_case(intake, target_name="Only Mine LLC")  # a target no one else has
    client = login_as(intake)
    assert client.get(url.format(acme=acme["target"], mine=target_id_of(
        app, "Only Mine LLC"))).status_code == 403
    assert client.post(f"/targets/{acme['target']}/facts", data=VALID_FACT).status_code == 403
    case_page = client.get(f"/cases/{shared}").get_data(as_text=True)
    assert "Acme Landlords (company)" in case_page
    assert "/targets/" not in case_page and "other fight" not in case_page


@pytest.mark.parametrize("viewer", ["team_organizer", "other_organizer", Role.COORDINATOR])
def test_fights_list_links_every_case_for_organizers_and_coordinators(
    app: Flask, acme: dict[str, int], organizer: int, make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], viewer: Role | str,
) -> None:
    user_id = organizer if viewer == "team_organizer" else make_user(
        Role.ORGANIZER if viewer == "other_organizer" else Role.COORDINATOR)
    client = login_as(user_id)
    page = client.get(f"/targets/{acme['target']}").get_data(as_text=True)
    with app.app_context():
        acme_cases = set(map(str, db.session.scalars(sa.select(Case.id).where(
            Case.target_id == acme["target"]))))
    assert set(re.findall(r'href="/cases/(\d+)"', page)) == acme_cases
    case_page = client.get(f"/cases/{acme['open']}").get_data(as_text=True)
    # Off the team, the link leads to the summary only: no name, no phone.
    assert ("206-555-0100" in case_page) is (viewer != "other_organizer")
    assert ("Maria Example" in case_page) is (viewer != "other_organizer")


def test_target_page_shows_the_record_against_the_target(
    app: Flask, acme: dict[str, int], organizer: int, login_as: Callable[[int], FlaskClient],
) -> None:
    page = login_as(organizer).get(f"/targets/{acme['target']}").get_data(as_text=True)
    assert "3 fights, 1 won, $500.00 recovered" in page
    assert 'class="badge badge-repeat">Repeat offender' in page
    rows = table_rows(page)
    won = next(row for row in rows if "Won" in row[1])
    assert won[2:6] == ["Stolen deposit", "$1,200.00", "Partial win", "$500.00"]
    assert won[7] == "Fri 20 Nov 2026"
    solo = login_as(organizer).get(f"/targets/{target_id_of(app, 'Solo Bistro')}")
    assert "1 fight, 0 won, $0.00 recovered" in solo.get_data(as_text=True)
    assert "Repeat offender</span></h1>" not in solo.get_data(as_text=True)


def test_case_page_links_to_the_research_and_the_other_fights(
    app: Flask, acme: dict[str, int], organizer: int, make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    client = login_as(organizer)
    page = client.get(f"/cases/{acme['open']}").get_data(as_text=True)
    assert f'href="/targets/{acme["target"]}">Research on this target' in page
    assert f'href="/targets/{acme["target"]}#fights">2 other fights against this target' in page
    solo = make_case(target_name="Lonely LLC", team=[organizer])
    alone = client.get(f"/cases/{solo}").get_data(as_text=True)
    assert "Research on this target" in alone and "other fight" not in alone


@pytest.mark.parametrize(("method", "path"), [
    ("GET", ""), ("POST", "/notes"), ("POST", "/facts"), ("GET", "/facts/{fact}/edit"),
    ("POST", "/facts/{fact}/edit"), ("GET", "/facts/{fact}/delete"),
    ("POST", "/facts/{fact}/delete")])
def test_another_networks_target_is_not_found(
    app: Flask, acme: dict[str, int], make_user: Callable[..., int],
    make_network: Callable[..., int], method: str, path: str,
) -> None:
    fact = add_fact(app, acme["target"])
    client = app.test_client()
    login(client, app, make_user(Role.COORDINATOR, network=make_network("OTH")))
    url = f"/targets/{acme['target']}{path.format(fact=fact)}"
    response = client.open(url, method=method, data=VALID_FACT if method == "POST" else None)
    assert response.status_code == 404
    assert "Acme Landlords" not in client.get("/targets/").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(TargetFact.id))) == 1


def test_a_fact_of_another_target_is_not_found_under_this_one(
    app: Flask, acme: dict[str, int], organizer: int, login_as: Callable[[int], FlaskClient],
) -> None:
    fact = add_fact(app, target_id_of(app, "Solo Bistro"))
    client = login_as(organizer)
    assert client.get(f"/targets/{acme['target']}/facts/{fact}/edit").status_code == 404
    assert client.post(f"/targets/{acme['target']}/facts/{fact}/delete").status_code == 404
    with app.app_context():
        assert db.session.get(TargetFact, fact) is not None


# Facts -----------------------------------------------------------------------------------------

def test_facts_are_added_corrected_and_removed_with_a_note_on_open_fights(
    app: Flask, acme: dict[str, int], organizer: int, login_as: Callable[[int], FlaskClient],
) -> None:
    client = login_as(organizer)
    target = acme["target"]
    added = client.post(f"/targets/{target}/facts", data={**VALID_FACT, "details": SCRIPT})
    assert added.status_code == 302 and added.location.endswith("#facts-owner")
    page = client.get(f"/targets/{target}").get_data(as_text=True)
    owners = page.split('id="facts-owner"', 1)[1].split("</section>", 1)[0]
    assert "Daniel Marsh" in owners and str(escape(SCRIPT)) in owners and SCRIPT not in page
    with app.app_context():
        fact_id = db.session.scalars(sa.select(TargetFact.id)).one()
    edit = client.get(f"/targets/{target}/facts/{fact_id}/edit").get_data(as_text=True)
    assert 'value="Daniel Marsh"' in edit
    corrected = client.post(f"/targets/{target}/facts/{fact_id}/edit",
                            data={**VALID_FACT, "kind": "manager", "name": "Dan Marsh"})
    assert corrected.status_code == 302
    page = client.get(f"/targets/{target}").get_data(as_text=True)
    assert "Dan Marsh" in page.split('id="facts-manager"', 1)[1].split("</section>", 1)[0]
    assert "Remove the manager" in client.get(
        f"/targets/{target}/facts/{fact_id}/delete").get_data(as_text=True)
    assert client.post(f"/targets/{target}/facts/{fact_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(TargetFact.id))) == 0
        notes = {case_id: list(db.session.scalars(sa.select(Event.note).where(
            Event.case_id == case_id, Event.kind == EventKind.TARGET_RESEARCH).order_by(Event.id)))
            for case_id in (acme["open"], acme["won"])}
    assert notes[acme["open"]] == ["Target research: added an owner.",
                                   "Target research: corrected a manager.",
                                   "Target research: removed a manager."]
    assert notes[acme["won"]] == []  # an ended fight's timeline is left alone


def test_removing_a_fact_says_which_planned_actions_press_it_and_unlinks_them(
    app: Flask, acme: dict[str, int], organizer: int, login_as: Callable[[int], FlaskClient],
) -> None:
    fact = add_fact(app, acme["target"], TargetFactKind.RELATED_BUSINESS, "Fern & Fig Café")
    with app.app_context():
        actions = [Action(case_id=acme["open"], kind=ActionKind.SECONDARY_TARGET, status=status,
                          pressure_point_id=fact, starts_at=datetime(2026, 12, 1, tzinfo=UTC))
                   for status in (ActionStatus.PLANNED, ActionStatus.PLANNED, ActionStatus.DONE)]
        db.session.add_all(actions)
        db.session.commit()
        action_ids = [action.id for action in actions]
    client = login_as(organizer)
    page = client.get(f"/targets/{acme['target']}/facts/{fact}/delete").get_data(as_text=True)
    assert "2 planned actions press this related business." in page
    assert client.post(f"/targets/{acme['target']}/facts/{fact}/delete").status_code == 302
    with app.app_context():
        assert [db.session.get_one(Action, i).pressure_point_id for i in action_ids] == [None] * 3
        assert db.session.scalars(sa.select(Event.note).where(
            Event.kind == EventKind.TARGET_RESEARCH, Event.case_id == acme["open"])).one() == (
            "Target research: removed a related business. 2 planned action(s) pressed it and "
            "now press the target itself.")


FACT_CASES = [
    ("name", "", "This is needed."),
    ("name", "   ", "This is needed."),
    ("name", "n" * 201, "Field cannot be longer than 200 characters."),
    ("kind", "boss", "Not a valid choice."),
    ("kind", SCRIPT, "Not a valid choice."),
    ("details", "a\x00b", "control codes"),
    ("details", "d" * 10_001, "Field cannot be longer than 10000 characters."),
    ("source", "s" * 301, "Field cannot be longer than 300 characters."),
]


@pytest.mark.parametrize("editing", [False, True], ids=["add", "edit"])
@pytest.mark.parametrize(("field", "value", "message"), FACT_CASES,
                         ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(FACT_CASES)])
def test_a_bad_fact_is_refused_next_to_its_field_keeping_what_was_typed(
    app: Flask, acme: dict[str, int], organizer: int, login_as: Callable[[int], FlaskClient],
    editing: bool, field: str, value: str, message: str,
) -> None:
    fact = add_fact(app, acme["target"], TargetFactKind.SOURCE, "County records")
    url = f"/targets/{acme['target']}/facts" + (f"/{fact}/edit" if editing else "")
    kept = "Kept text " + SCRIPT
    data = {**VALID_FACT, "details": kept, field: value}
    response = login_as(organizer).post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    error = re.search(rf'id="{field}-error" class="field-error">([^<]*)<', page)
    assert error is not None and message in error.group(1)
    assert 'aria-invalid="true"' in page and SCRIPT not in page
    if field != "details":
        assert str(escape(kept)) in page
    if field != "name":
        assert 'value="Daniel Marsh"' in page
    with app.app_context():
        facts = db.session.execute(sa.select(TargetFact.kind, TargetFact.name)).all()
        events = db.session.scalar(sa.select(sa.func.count(Event.id)).where(
            Event.kind == EventKind.TARGET_RESEARCH))
    assert facts == [(TargetFactKind.SOURCE, "County records")] and events == 0


# Notes -----------------------------------------------------------------------------------------

def seen_on(client: FlaskClient, target_id: int) -> str:
    found = SEEN.search(client.get(f"/targets/{target_id}").get_data(as_text=True))
    assert found is not None
    return found.group(1)


def test_notes_are_saved_with_a_note_on_open_fights(
    app: Flask, acme: dict[str, int], organizer: int, login_as: Callable[[int], FlaskClient],
) -> None:
    client = login_as(organizer)
    target = acme["target"]
    response = client.post(f"/targets/{target}/notes",
                           data={**VALID_NOTES, "seen": seen_on(client, target)})
    assert response.status_code == 302
    page = client.get(f"/targets/{target}").get_data(as_text=True)
    assert "Owns two buildings" in page and "Cares about reviews" in page
    with app.app_context():
        assert db.session.scalars(sa.select(Event.note).where(
            Event.kind == EventKind.TARGET_RESEARCH, Event.case_id == acme["open"])).one() == (
            "Target research: changed the role, address, contacts, leverage points, research "
            "notes.")
    again = client.post(f"/targets/{target}/notes",
                        data={**VALID_NOTES, "seen": seen_on(client, target)})
    assert again.status_code == 302
    assert "Nothing changed." in client.get(f"/targets/{target}").get_data(as_text=True)


def test_notes_edited_meanwhile_are_not_overwritten_and_what_was_typed_is_kept(
    app: Flask, acme: dict[str, int], organizer: int, make_user: Callable[..., int],
) -> None:
    target = acme["target"]
    omar, lena = app.test_client(), app.test_client()
    login(omar, app, organizer)
    login(lena, app, make_user(Role.ORGANIZER, name="Lena Organizer"))
    omar_saw = seen_on(omar, target)
    assert lena.post(f"/targets/{target}/notes", data={
        **VALID_NOTES, "research_notes": "Lena's research", "seen": seen_on(lena, target),
    }).status_code == 302
    mine = {**VALID_NOTES, "research_notes": f"Omar's research {SCRIPT}", "seen": omar_saw}
    conflict = omar.post(f"/targets/{target}/notes", data=mine)
    page = conflict.get_data(as_text=True)
    assert conflict.status_code == 409
    assert "Lena Organizer changed these notes while you were editing. Nothing was saved" in page
    assert str(escape(f"Omar's research {SCRIPT}")) in page  # kept in the form
    assert "Lena&#39;s research" in page.split('id="saved-heading"', 1)[1]  # shown beside it
    with app.app_context():
        assert db.session.get_one(Target, target).research_notes == "Lena's research"
    # Saving again from the conflict page is a deliberate choice, made having seen hers.
    merged = SEEN.search(page)
    assert merged is not None and merged.group(1) != omar_saw
    assert omar.post(f"/targets/{target}/notes", data={
        **mine, "seen": merged.group(1)}).status_code == 302
    with app.app_context():
        assert db.session.get_one(Target, target).research_notes.startswith("Omar's research")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("research_notes", "a\x00b", "control codes"),
    ("role", "r" * 81, "Field cannot be longer than 80 characters."),
    ("seen", "not-a-hash", "This form is out of date or damaged"),
])
def test_bad_notes_are_refused_and_nothing_is_stored(
    app: Flask, acme: dict[str, int], organizer: int, login_as: Callable[[int], FlaskClient],
    field: str, value: str, message: str,
) -> None:
    client = login_as(organizer)
    data = {**VALID_NOTES, "seen": seen_on(client, acme["target"]), field: value}
    response = client.post(f"/targets/{acme['target']}/notes", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page and "Cares about reviews" in page
    with app.app_context():
        assert db.session.get_one(Target, acme["target"]).leverage_points == ""


# Possibly related targets ----------------------------------------------------------------------

def test_targets_sharing_a_name_or_a_fact_are_possibly_related(
    app: Flask, acme: dict[str, int], organizer: int, make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    acme_id, solo_id = acme["target"], target_id_of(app, "Solo Bistro")
    make_case(target_name="Marsh Holdings")
    make_case(target_name="Unrelated Diner")
    holdings_id, diner_id = (target_id_of(app, name) for name in ("Marsh Holdings",
                                                                   "Unrelated Diner"))
    add_fact(app, acme_id, TargetFactKind.OWNER, "Daniel Marsh")
    add_fact(app, solo_id, TargetFactKind.OWNER, "daniel marsh")
    add_fact(app, acme_id, TargetFactKind.RELATED_BUSINESS, "Marsh Holdings")
    add_fact(app, acme_id, TargetFactKind.SOURCE, "County records")
    add_fact(app, diner_id, TargetFactKind.SOURCE, "County records")  # not a relation
    client = login_as(organizer)
    assert related_items(client.get(f"/targets/{acme_id}").get_data(as_text=True)) == [
        "Marsh Holdings — Related business of this target",
        "Solo Bistro — Same owner: daniel marsh"]
    assert related_items(client.get(f"/targets/{holdings_id}").get_data(as_text=True)) == [
        "Acme Landlords — Lists this target as its related business"]
    assert related_items(client.get(f"/targets/{diner_id}").get_data(as_text=True)) == []


# Demo ------------------------------------------------------------------------------------------

def test_demo_has_research_and_a_repeat_offender(app: Flask) -> None:
    from casework.demo import load_demo

    with app.app_context():
        load_demo()
        db.session.commit()
        kinds = set(db.session.scalars(sa.select(TargetFact.kind)))
        most = db.session.execute(sa.select(Case.target_id, sa.func.count(Case.id))
                                  .group_by(Case.target_id)
                                  .order_by(sa.func.count(Case.id).desc())).first()
    assert {TargetFactKind.OWNER, TargetFactKind.RELATED_BUSINESS,
            TargetFactKind.LEVERAGE_POINT, TargetFactKind.SOURCE} <= kinds
    assert most is not None and most[1] >= 2
