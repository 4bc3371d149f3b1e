"""The case list's text search: indexed on both databases, literal, in step, role-aware."""

from __future__ import annotations

import base64
import json
import re
import uuid
import zlib
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade

from casework import create_app
from casework.cases.queries import CaseFilters, filtered_cases, list_cases
from casework.cases.search_index import SEARCHED_COLUMNS
from casework.cases.services import CaseFacts, create_case, facts_of, update_case
from casework.extensions import db
from casework.models import Case, IssueType, Network, Person, Role, SavedSearch, User
from casework.models.base import utcnow
from casework.workflow.states import CaseState
from tests.conftest import PASSWORD, login

BEFORE_SEARCH_INDEX = "38427b9c08ec"  # the revision before the search structures


def search(user_id: int, text: str) -> set[int]:
    """The ids the case list shows the user for this search text (within an app context)."""
    user = db.session.get_one(User, user_id)
    return {case.id for case in list_cases(user, CaseFilters(text=text), per_page=1000).cases}


def assert_fts_in_step() -> None:
    """On SQLite, FTS5 raises unless each mirror matches its content table row for row."""
    if db.engine.dialect.name != "sqlite":
        return
    with db.engine.begin() as connection:
        for searched in SEARCHED_COLUMNS:
            fts = searched.fts_table
            connection.exec_driver_sql(
                f"INSERT INTO {fts}({fts}, rank) VALUES ('integrity-check', 1)")  # noqa: S608


def explain(statement: sa.Select[Any]) -> str:
    """The database's plan for the statement, with its real bound parameters."""
    compiled = statement.compile(dialect=db.engine.dialect)
    params: Any = compiled.params
    if compiled.positiontup is not None:  # SQLite's qmark style
        params = tuple(compiled.params[name] for name in compiled.positiontup)
    prefix = "EXPLAIN QUERY PLAN " if db.engine.dialect.name == "sqlite" else "EXPLAIN "
    rows = db.session.connection().exec_driver_sql(prefix + str(compiled), params).all()
    return "\n".join(str(row[-1]) for row in rows)


# --- Literal characters and case ------------------------------------------------------

LITERAL_CASES = [
    # (person name, summary)
    ("Zoë O'Brien", "Rent up 100%_ overnight"),
    ('Ana "Nana" Pérez', 'Boss said "pay later" again'),
    ("Sam Okafor", "Fees * 3 - deductions"),
    ("Li Wei", "NEAR(the door) OR the window"),
    ("Kim Park", "Ledger has a back\\slash"),
    ("Ola Nowak", "Don't touch the deposit"),
    ("Ivo Petrov", "Plain words only"),
]
LITERAL_TERMS = [
    # (term, whether some case contains it)
    ("%", True), ("_", True), ("\\", True), ("'", True), ('"', True), ("*", True), ("-", True),
    ("100%_", True), ("0%_ o", True), ("b%d", False), ("t_e", False), ("%_%", False),
    ('"pay later"', True), ('said "pay', True), ('"nana"', True), ('x" OR "y', False),
    ('""', False), ("* 3 -", True), ("fees *", True), ("pay*", False), ("-deduct", False),
    ("NEAR(", True), ("near(the door)", True), ("NEAR(door", False), ("OR", True),
    ("or the", True), ("NOT plain", False), ("AND", False), ("^plain", False),
    ("{fees}", False), ("summary: plain", False), (":", False), ("k\\s", True),
    ("\\sl", True), ("don't", True), ("o'brien", True), ("'; DROP TABLE person; --", False),
    # Case folds, accents stay: as LIKE on lower-cased text always did.
    ("PLAIN WORDS", True), ("ZOË", True), ("Zoë O'BRIEN", True), ("zoe", False),
    ("pérez", True), ("perez", False), ("Ë", True), ("ok", True), ("OkAf", True),
    ("\x00", False), ("pl\x00ain", False),  # no stored text holds a NUL
]


@pytest.fixture
def literal_cases(make_user: Callable[..., int], make_case: Callable[..., int]) -> list[int]:
    intake = make_user(Role.INTAKE)
    return [make_case(intake, person_name=name, summary=summary, target_name="Acme")
            for name, summary in LITERAL_CASES]


@pytest.mark.parametrize(("term", "matches"), LITERAL_TERMS)
def test_search_takes_every_character_literally_and_ignores_case(
    app: Flask, literal_cases: list[int], make_user: Callable[..., int], term: str,
    matches: bool,
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    with app.app_context():
        rows = db.session.execute(sa.select(Case.id, Case.search_text, Person.name)
                                  .join(Case.person)).all()
        needle = term.lower()
        expected = {id_ for id_, text, name in rows if needle in text or needle in name.lower()}
        assert bool(expected) == matches  # the data exercises what the term claims
        assert search(coordinator, term) == expected


@pytest.mark.parametrize("term", ['"', '"pay', "100%_", "NEAR(", "x OR y", "\\", "'"])
def test_odd_search_terms_render_the_list_page(
    literal_cases: list[int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], term: str,
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    response = client.post("/cases/search", data={"q": term}, follow_redirects=True)
    assert response.status_code == 200


def test_control_characters_in_a_search_are_refused_next_to_the_box(
    make_user: Callable[..., int], login_as: Callable[[int], FlaskClient],
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    response = client.post("/cases/search", data={"q": "a\x00bc"})  # PostgreSQL stores no NUL
    assert response.status_code == 400
    assert re.search(r'id="q-error" class="field-error">This contains characters that cannot',
                     response.get_data(as_text=True))


# --- The search text stays out of URLs ------------------------------------------------------


def search_on_page(client: FlaskClient, text: str, **filters: str) -> tuple[str, str]:
    """Search with the list's form; returns the URL it redirected to and that page."""
    response = client.post("/cases/search", data={"q": text, **filters})
    assert response.status_code == 302
    page = client.get(response.location)
    assert page.status_code == 200
    return response.location, page.get_data(as_text=True)


def links_of(page: str) -> list[str]:
    return [unquote(link).replace("&amp;", "&") for link in re.findall(r'href="([^"]*)"', page)]


def test_a_search_pages_with_a_token_and_keeps_its_filters(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    app.config["CASES_PER_PAGE"] = 2
    intake = make_user(Role.INTAKE)
    wanted = [make_case(intake, person_name=f"Maria Lopez {n}", issue_type=IssueType.REPAIRS)
              for n in range(5)]
    make_case(intake, person_name="Maria Lopez", issue_type=IssueType.DEPOSIT)  # filtered out
    make_case(intake, person_name="Someone Else", issue_type=IssueType.REPAIRS)
    client = login_as(make_user(Role.COORDINATOR))
    url, page = search_on_page(client, "maria lopez", issue_type="repairs")
    assert "maria" not in unquote(url).lower() and "issue_type=repairs" in url
    shown: list[str] = []
    while True:
        assert 'value="maria lopez"' in page  # every page shows what was searched
        assert not [link for link in links_of(page) if "maria" in link.lower()]
        shown += re.findall(r"SEA-\d{4}-\d{4}", page)
        next_link = re.search(r'href="([^"]+)" rel="next"', page)
        if next_link is None:
            break
        page = client.get(next_link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    with app.app_context():
        expected = [db.session.get_one(Case, case_id).reference for case_id in reversed(wanted)]
    assert shown == expected


def test_a_search_token_means_nothing_to_another_session_or_after_logout(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    intake = make_user(Role.INTAKE)
    make_case(intake, person_name="Maria Lopez")
    make_case(intake, person_name="Someone Else")
    coordinator = make_user(Role.COORDINATOR)
    client = login_as(coordinator)
    url, page = search_on_page(client, "Maria")
    assert len(set(re.findall(r"SEA-\d{4}-\d{4}", page))) == 1
    other = app.test_client()
    login(other, app, coordinator)
    assert_forgotten(other.get(url).get_data(as_text=True))
    client.post("/logout")
    assert_forgotten(login_as(coordinator).get(url).get_data(as_text=True))


def assert_forgotten(page: str) -> None:
    """The list says the search is gone, shows no trace of it and lists every case."""
    assert "This search is no longer kept" in page
    assert "Maria" not in page and 'name="q" type="text" value=""' in page
    assert len(set(re.findall(r"SEA-\d{4}-\d{4}", page))) == 2


def readable_session(client: FlaskClient) -> str:
    """The session cookie as anyone holding it can read it: no key is needed, since Flask's
    cookie is signed (itsdangerous), not encrypted: base64 of JSON, zlib-compressed when a
    leading dot says so."""
    cookie = client.get_cookie("session")
    assert cookie is not None
    payload = cookie.value.lstrip(".").split(".")[0]
    data = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))
    return (zlib.decompress(data) if cookie.value.startswith(".") else data).decode()


def test_the_session_cookie_carries_tokens_and_the_server_keeps_the_texts(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    make_case(person_name="Maria Lopez")
    coordinator = make_user(Role.COORDINATOR)
    client = login_as(coordinator)
    case_url, case_page = search_on_page(client, "Maria Lopez")
    assert "Maria Lopez" in case_page  # the search worked
    people = client.post("/people/search", data={"q": "Rosa Delgado"})
    assert people.status_code == 302
    assert 'value="Rosa Delgado"' in client.get(people.location).get_data(as_text=True)
    session = json.loads(readable_session(client))
    tokens = [parse_qs(urlsplit(url).query)["search"][0] for url in (case_url, people.location)]
    assert session["search_tokens"] == tokens and session["_user_id"] == str(coordinator)
    assert not {"maria", "lopez", "rosa", "delgado"} & set(re.findall(r"[a-z]+", str(
        session).lower()))
    with app.app_context():
        kept = db.session.execute(sa.select(SavedSearch.token, SavedSearch.user_id,
                                            SavedSearch.text).order_by(SavedSearch.id)).all()
    assert [tuple(row) for row in kept] == [(tokens[0], coordinator, "Maria Lopez"),
                                            (tokens[1], coordinator, "Rosa Delgado")]


def test_logging_out_deletes_the_users_searches_and_expired_ones_are_forgotten(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    make_case(person_name="Maria Lopez")
    make_case(person_name="Someone Else")
    other = app.test_client()
    login(other, app, make_user(Role.COORDINATOR))
    search_on_page(other, "Someone")
    client = login_as(make_user(Role.COORDINATOR))
    url, _page = search_on_page(client, "Maria")
    with app.app_context():
        db.session.execute(sa.update(SavedSearch).where(SavedSearch.text == "Maria")
                           .values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert_forgotten(client.get(url).get_data(as_text=True))
    search_on_page(client, "Lopez")  # a new search sweeps the expired one away

    def texts() -> list[str]:
        with app.app_context():
            return sorted(db.session.scalars(sa.select(SavedSearch.text)))

    assert texts() == ["Lopez", "Someone"]
    client.post("/logout")
    assert texts() == ["Someone"]  # another user's search stays


def test_many_searches_keep_the_session_cookie_small(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient],
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    urls = [search_on_page(client, f"{n}" + "✊🏽" * 99)[0] for n in range(8)]  # 200 long
    cookie = client.get_cookie("session")
    assert cookie is not None and len(cookie.value) < 4000  # browsers drop cookies over 4 KB
    page = client.get(urls[-1]).get_data(as_text=True)
    assert "This search is no longer kept" not in page and "7✊🏽✊🏽" in page
    assert "This search is no longer kept" in client.get(urls[0]).get_data(as_text=True)
    with app.app_context():  # the server keeps no more than the session can use
        assert db.session.scalar(sa.select(sa.func.count()).select_from(SavedSearch)) == 5


def test_a_search_in_the_url_is_not_read_nor_repeated_in_links(
    make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    make_case(person_name="Maria Lopez")
    make_case(person_name="Someone Else")
    page = login_as(make_user(Role.COORDINATOR)).get(
        "/cases/?q=Maria&state=inquiry").get_data(as_text=True)
    assert len(set(re.findall(r"SEA-\d{4}-\d{4}", page))) == 2
    assert "Maria" not in page


def test_a_search_too_long_comes_back_with_the_text_and_a_message(
    make_user: Callable[..., int], login_as: Callable[[int], FlaskClient],
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    response = client.post("/cases/search", data={"q": "Maria " * 50, "state": "won"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert re.search(r'id="q-error" class="field-error">Field cannot be longer', page)
    assert 'value="Maria Maria' in page and '<option selected value="won">' in page


@pytest.mark.parametrize("app_config", [{"WTF_CSRF_ENABLED": True}])
def test_the_search_form_needs_its_csrf_token(
    client: FlaskClient, make_user: Callable[..., int],
) -> None:
    def token_on(url: str) -> str:
        found = re.search(r'name="csrf_token"[^>]* value="([^"]+)"',
                          client.get(url).get_data(as_text=True))
        assert found is not None
        return found.group(1)

    make_user(Role.COORDINATOR, email="cora@example.org")
    assert client.post("/login", data={"email": "cora@example.org", "password": PASSWORD,
                                       "csrf_token": token_on("/login")}).status_code == 302
    assert client.post("/cases/search", data={"q": "Maria"}).status_code == 400
    response = client.post("/cases/search", data={"q": "Maria",
                                                  "csrf_token": token_on("/cases/")})
    assert response.status_code == 302


# --- Staying in step with inserts, updates and deletes --------------------------------


def test_search_follows_inserts_updates_and_deletes(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    case_id = make_case(person_name="Greta Lindqvist", summary="Broken boiler",
                        target_name="Harbor View Apartments")
    other_id = make_case(person_name="Tomás Ruiz", summary="Unpaid overtime")
    with app.app_context():
        assert search(coordinator, "boiler") == {case_id}
        assert search(coordinator, "lindqvist") == {case_id}
        assert search(coordinator, "harbor view") == {case_id}
        assert search(coordinator, "bo") == {case_id}  # short: read without the index

        case = db.session.get_one(Case, case_id)
        facts = replace(facts_of(case), summary="Mould everywhere",
                        person_name="Greta Sorensen", target_name="Evergreen Realty")
        update_case(case, db.session.get_one(User, coordinator), facts, case.version)
        db.session.commit()
        assert_fts_in_step()
        assert search(coordinator, "boiler") == set()
        assert search(coordinator, "lindqvist") == set()
        assert search(coordinator, "harbor") == set()
        assert search(coordinator, "mould") == {case_id}
        assert search(coordinator, "sorensen") == {case_id}
        assert search(coordinator, "evergreen") == {case_id}

        # A person's name changed on its own (the person table's trigger).
        person = db.session.get_one(Case, case_id).person
        person.name = "Greta Holloway"
        db.session.commit()
        assert search(coordinator, "holloway") == {case_id}
        assert search(coordinator, "sorensen") == set()

        # Deleting the case (its team, tasks and events go by ON DELETE CASCADE), then
        # the person it leaves behind.
        person_id = person.id
        db.session.execute(sa.delete(Case).where(Case.id == case_id))
        db.session.commit()
        assert search(coordinator, "mould") == set()
        db.session.execute(sa.delete(Person).where(Person.id == person_id))
        db.session.commit()
        assert_fts_in_step()
        assert search(coordinator, "holloway") == set()
        assert search(coordinator, "overtime") == {other_id}
        assert search(coordinator, "tomás") == {other_id}


# --- Who may find a case by its person's name -----------------------------------------


@pytest.fixture
def team_cases(make_network: Callable[..., int], make_user: Callable[..., int],
               make_case: Callable[..., int]) -> dict[str, int]:
    intake, other_intake = make_user(Role.INTAKE), make_user(Role.INTAKE)
    omar = make_user(Role.ORGANIZER, name="Omar")
    elsewhere = make_network("PDX")
    ids = {
        "mine": make_case(intake, person_name="Wanda Qzx", target_name="Hollow Pines",
                          team=[omar]),
        "theirs": make_case(other_intake, person_name="Wilma Qzx", target_name="Hollow Pines"),
        "user:intake": intake, "user:other_intake": other_intake, "user:omar": omar,
        "user:lena": make_user(Role.ORGANIZER, name="Lena"),
        "user:coordinator": make_user(Role.COORDINATOR),
    }
    ids["user:elsewhere"] = make_user(Role.COORDINATOR, network=elsewhere)
    ids["elsewhere"] = make_case(ids["user:elsewhere"], person_name="Wendy Qzx",
                                 target_name="Hollow Pines")
    return ids


@pytest.mark.parametrize("term", ["qzx", "wanda q", "qz"])  # indexed, indexed, short
@pytest.mark.parametrize(("role", "expected"), [
    ("coordinator", {"mine", "theirs"}),
    ("intake", {"mine"}),  # intake sees only what they logged
    ("other_intake", {"theirs"}),
    ("omar", {"mine"}),  # an organizer finds names only on their teams' cases
    ("lena", set()),
    ("elsewhere", {"elsewhere"}),  # never another network's cases
])
def test_person_names_match_only_where_the_user_may_see_them(
    app: Flask, team_cases: dict[str, int], role: str, expected: set[str], term: str,
) -> None:
    if term == "wanda q":
        expected = expected & {"mine"}
    with app.app_context():
        found = search(team_cases[f"user:{role}"], term)
    assert found == {team_cases[key] for key in expected}


@pytest.mark.parametrize(("role", "expected"), [
    ("lena", {"mine", "theirs"}), ("intake", {"mine"}), ("elsewhere", {"elsewhere"}),
])
def test_case_text_matches_whatever_the_user_may_list(
    app: Flask, team_cases: dict[str, int], role: str, expected: set[str],
) -> None:
    with app.app_context():
        assert search(team_cases[f"user:{role}"], "hollow pines") == {
            team_cases[key] for key in expected}


# --- The indexes are used ----------------------------------------------------------------


@pytest.mark.sqlite_only
@pytest.mark.parametrize("role", [Role.COORDINATOR, Role.ORGANIZER, Role.INTAKE])
def test_sqlite_answers_searches_from_the_fts_tables_newest_first_without_sorting(
    app: Flask, make_user: Callable[..., int], role: Role,
) -> None:
    user_id = make_user(role)
    with app.app_context():
        user = db.session.get_one(User, user_id)
        plan = explain(filtered_cases(user, CaseFilters(text="cas", state=CaseState.INQUIRY)))
        assert "SCAN case_record_fts VIRTUAL TABLE INDEX" in plan
        assert "SCAN person_fts VIRTUAL TABLE INDEX" in plan
        assert "ix_case_record_person_id (person_id=?)" in plan
        # The matched ids, read backwards by primary key: no sort of every match.
        assert "SEARCH case_record USING INTEGER PRIMARY KEY (rowid=?)" in plan
        assert "TEMP B-TREE FOR ORDER BY" not in plan
        short_plan = explain(filtered_cases(user, CaseFilters(text="ca")))
        assert "fts" not in short_plan
        assert "TEMP B-TREE FOR ORDER BY" not in short_plan


@pytest.mark.parametrize("term", ["cascade", "ca"])  # indexed, short
def test_search_results_page_newest_first(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int], term: str,
) -> None:
    intake = make_user(Role.INTAKE)
    expected = []
    for n in range(7):
        expected.append(make_case(intake, target_name="Cascade Property", summary=f"Leak {n}",
                                  person_name=f"Person {n}"))
        make_case(intake, target_name="Other Landlord", summary="Mould", person_name="Zed")
    coordinator = make_user(Role.COORDINATOR)
    with app.app_context():
        user = db.session.get_one(User, coordinator)
        seen: list[int] = []
        after: int | None = None
        while True:
            page = list_cases(user, CaseFilters(text=term), after=after, per_page=3)
            seen += [case.id for case in page.cases]
            if page.next_after is None:
                break
            after = page.next_after
    assert seen == sorted(expected, reverse=True)


# --- Migrations build the same search structures as create_all ----------------------------


def search_objects() -> list[tuple[Any, ...]]:
    """The search structures in the current app's database, as comparable rows."""
    if db.engine.dialect.name == "sqlite":
        # The FTS5 tables, their shadow tables and the triggers all start with the name.
        prefixes = tuple(searched.fts_table for searched in SEARCHED_COLUMNS)
        query = "SELECT name, type, tbl_name, sql FROM sqlite_master ORDER BY name"
    else:
        prefixes = tuple(searched.trigram_index for searched in SEARCHED_COLUMNS) + ("pg_trgm",)
        query = ("SELECT indexname, indexdef FROM pg_indexes "
                 "UNION ALL SELECT extname, '' FROM pg_extension ORDER BY 1")
    rows = db.session.execute(sa.text(query)).all()
    db.session.rollback()
    return [tuple(row) for row in rows if row[0].startswith(prefixes)]


@pytest.fixture
def migrated_app(db_backend: str, tmp_path: Path, request: pytest.FixtureRequest
                 ) -> Iterator[Flask]:
    """The app on a new database built by the migrations."""
    if db_backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    else:
        server_url = request.getfixturevalue("postgres_url")
        name = f"search_{uuid.uuid4().hex[:8]}"
        engine = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        url = server_url.rsplit("/", 1)[0] + "/" + name
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_migrations_and_create_all_build_the_same_search_structures(
    app: Flask, migrated_app: Flask, db_backend: str,
) -> None:
    with app.app_context():
        from_models = search_objects()
    with migrated_app.app_context():
        from_migrations = search_objects()
    assert from_models == from_migrations
    # SQLite: per searched column an FTS5 table, its 4 shadow tables and 3 triggers;
    # PostgreSQL: two trigram indexes and the extension.
    assert len(from_models) == (16 if db_backend == "sqlite" else 3)


def test_the_migration_indexes_existing_cases_and_downgrades_cleanly(
    migrated_app: Flask, db_backend: str,
) -> None:
    with migrated_app.app_context():
        network = Network(name="Test Network", code="SEA")
        user = User(network=network, role=Role.COORDINATOR, name="Rosa",
                    email="rosa@example.org", password_hash="x")
        db.session.add(user)
        db.session.flush()
        case = create_case(user, CaseFacts(person_name="Marta Kowalski", target_name="Acme",
                                           issue_type=IssueType.DEPOSIT,
                                           summary="Deposit kept"))
        user_id, case_id = user.id, case.id
        db.session.commit()  # and hold no locks: the migrations alter these tables

        downgrade(revision=BEFORE_SEARCH_INDEX)
        # pg_trgm stays installed: other objects may have come to depend on it.
        assert search_objects() == ([] if db_backend == "sqlite" else [("pg_trgm", "")])
        upgrade()  # the rows are already there: the FTS5 tables are backfilled
        assert_fts_in_step()
        assert search(user_id, "kowalski") == {case_id}
        assert search(user_id, "deposit kept") == {case_id}
        db.session.commit()


@pytest.mark.parametrize(("viewer", "finds"), [
    ("coordinator", True), ("team_organizer", True), ("other_organizer", False),
    ("author_intake", True), ("other_intake", False)])
def test_a_phone_number_finds_the_case_for_those_who_may_see_the_person(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    viewer: str, finds: bool,
) -> None:
    team, author = make_user(Role.ORGANIZER), make_user(Role.INTAKE)
    case_id = make_case(author, team=[team], person_phone="(206) 555-0177")
    other = make_case(author, person_phone="206-555-0100")
    users = {"coordinator": make_user(Role.COORDINATOR), "team_organizer": team,
             "other_organizer": make_user(Role.ORGANIZER), "author_intake": author,
             "other_intake": make_user(Role.INTAKE)}
    with app.app_context():
        reference = db.session.get_one(Case, case_id).reference
        for typed in ("+1 206 555 0177", "2065550177", "206.555.0177"):
            found = search(users[viewer], typed)
            assert (case_id in found) is finds, typed
            assert other not in found
        # A reference is digits and dashes too: still found by its text.
        assert case_id in search(users["coordinator"], reference.split("-", 1)[1])
