"""Logging, editing, listing and searching cases."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.cases.queries import CaseFilters, list_cases
from casework.extensions import db
from casework.models import Case, Event, EventKind, IssueType, Role, Target, Urgency, User
from casework.workflow.states import CaseState
from tests.test_bad_input import VALID_INTAKE

YEAR = datetime.now(UTC).year


def references(page: str) -> list[str]:
    return re.findall(r"SEA-\d{4}-\d{4}", page)


def test_intake_logs_a_case_with_a_human_reference_and_a_timeline_entry(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]
) -> None:
    client = login_as(make_user(Role.INTAKE, name="Ivan Intake"))
    first = client.post("/cases/new", data=VALID_INTAKE, follow_redirects=True)
    second = client.post("/cases/new", data={**VALID_INTAKE, "duplicate": "new"},
                         follow_redirects=True)  # the same person again, past the warning
    assert f"Inquiry SEA-{YEAR}-0001 logged." in first.get_data(as_text=True)
    page = second.get_data(as_text=True)
    assert f"Inquiry SEA-{YEAR}-0002 logged." in page
    assert "Rita Example" in page and "206-555-0199" in page and "$1,200.00" in page
    assert "Ivan Intake" in page and "Inquiry logged" in page
    with app.app_context():
        cases = db.session.scalars(select(Case).order_by(Case.id)).all()
        assert [c.state for c in cases] == [CaseState.INQUIRY, CaseState.INQUIRY]
        assert cases[0].target_id == cases[1].target_id  # the target is shared, not duplicated
        assert db.session.scalars(select(Target)).one().name == "Gravel Pit Holdings"


def test_editing_records_which_fields_changed_but_not_their_values(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    case_id = make_case()
    client = login_as(make_user(Role.COORDINATOR, name="Rosa Coordinator"))
    data = {**VALID_INTAKE, "person_name": "Maria Example", "person_phone": "206-555-0111",
            "target_name": "Acme Landlords", "issue_type": "deposit", "summary": "Deposit kept",
            "amount_claimed": "1500.00", "version": "1"}
    response = client.post(f"/cases/{case_id}/edit", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Saved." in page
    assert "changed person phone, amount claimed" in page
    assert "$1,500.00" in page
    with app.app_context():
        event = db.session.scalars(select(Event).where(Event.kind == EventKind.UPDATED)).one()
        assert event.changed_fields == ["person_phone", "amount_claimed"]
        assert "206-555" not in (event.note or "")
        assert db.session.get_one(Case, case_id).version == 2


@pytest.mark.parametrize(("languages", "shown"), [
    ("vi,en", "Vietnamese"), ("so", "Somali"), ("es,en", "Spanish"), ("en", "English")])
def test_editing_a_case_keeps_a_preferred_language_set_in_the_people_directory(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], languages: str, shown: str,
) -> None:
    case_id = make_case()
    with app.app_context():
        db.session.get_one(Case, case_id).person.languages = languages
        db.session.commit()
    client = login_as(make_user(Role.COORDINATOR))
    form = client.get(f"/cases/{case_id}/edit").get_data(as_text=True)
    selected = re.search(r'<option selected value="([a-z]+)">([^<]+)</option>', form)
    assert selected is not None and selected.groups() == (languages.split(",")[0], shown)
    data = {**VALID_INTAKE, "person_name": "Maria Example", "target_name": "Acme Landlords",
            "summary": "Deposit kept, now in writing", "language": selected.group(1),
            "version": "1"}
    assert client.post(f"/cases/{case_id}/edit", data=data).status_code == 302
    with app.app_context():
        assert db.session.get_one(Case, case_id).person.languages == languages


def test_an_edit_based_on_an_old_version_is_refused_and_keeps_both_the_data_and_the_form(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    case_id = make_case(summary="First")
    client = login_as(make_user(Role.COORDINATOR))
    base = {**VALID_INTAKE, "person_name": "Maria Example", "target_name": "Acme Landlords",
            "version": "1"}
    first = client.post(f"/cases/{case_id}/edit", data={**base, "summary": "Mine"})
    assert first.status_code == 302
    late = client.post(f"/cases/{case_id}/edit", data={**base, "summary": "Theirs"})
    page = late.get_data(as_text=True)
    assert late.status_code == 409
    assert "changed by" in page and "reload" in page
    assert 'value="Theirs"' in page
    with app.app_context():
        assert db.session.get_one(Case, case_id).summary == "Mine"


@pytest.fixture
def listed(make_user: Callable[..., int], make_case: Callable[..., int]) -> dict[str, int]:
    intake = make_user(Role.INTAKE)
    omar = make_user(Role.ORGANIZER, name="Omar")
    ids = {
        "wages": make_case(intake, issue_type=IssueType.UNPAID_WAGES,
                           target_name="Blue Fern Bistro", summary="Unpaid overtime",
                           urgency=Urgency.HIGH, team=[omar], person_name="Zed Quiet"),
        "deposit": make_case(intake, issue_type=IssueType.DEPOSIT, target_name="Cascade Property",
                             summary="Deposit kept", person_name="Yolanda Hidden"),
        "repairs": make_case(make_user(Role.INTAKE), issue_type=IssueType.REPAIRS,
                             target_name="Cascade Property", summary="Mould 100%_real"),
    }
    return {**ids, "user:intake": intake, "user:omar": omar}


@pytest.mark.parametrize(
    ("role_key", "filters", "expected"),
    [
        ("coordinator", CaseFilters(), ["repairs", "deposit", "wages"]),
        ("coordinator", CaseFilters(issue_type=IssueType.DEPOSIT), ["deposit"]),
        ("coordinator", CaseFilters(urgency=Urgency.HIGH), ["wages"]),
        ("coordinator", CaseFilters(state=CaseState.INQUIRY), ["repairs", "deposit", "wages"]),
        ("coordinator", CaseFilters(state=CaseState.WON), []),
        ("coordinator", CaseFilters(text="cascade"), ["repairs", "deposit"]),
        ("coordinator", CaseFilters(text="OVERTIME"), ["wages"]),
        ("coordinator", CaseFilters(text="yolanda"), ["deposit"]),
        ("coordinator", CaseFilters(text="100%_"), ["repairs"]),
        ("coordinator", CaseFilters(text="%"), ["repairs"]),
        ("coordinator", CaseFilters(text="b%d"), []),  # % and _ are literal, not wildcards
        ("coordinator", CaseFilters(text=f"SEA-{YEAR}-0002"), ["deposit"]),
        ("omar", CaseFilters(text="zed"), ["wages"]),  # on the team: may search the person
        ("omar", CaseFilters(text="yolanda"), []),  # not on the team: the name stays hidden
        ("omar", CaseFilters(organizer_id=-1), ["wages"]),
        ("intake", CaseFilters(), ["deposit", "wages"]),  # only what they logged
    ],
)
def test_case_list_filters_search_and_visibility(
    app: Flask, listed: dict[str, int], make_user: Callable[..., int], role_key: str,
    filters: CaseFilters, expected: list[str],
) -> None:
    if filters.organizer_id == -1:
        filters = CaseFilters(organizer_id=listed["user:omar"])
    with app.app_context():
        user_id = listed.get(f"user:{role_key}") or make_user(Role.COORDINATOR)
        user = db.session.get_one(User, user_id)
        page = list_cases(user, filters)
        names = {v: k for k, v in listed.items() if not k.startswith("user:")}
        assert [names[c.id] for c in page.cases] == expected


def test_case_list_pages_with_keyset_links(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    app.config["CASES_PER_PAGE"] = 2
    intake = make_user(Role.INTAKE)
    for n in range(5):
        make_case(intake, summary=f"Case number {n}")
    client = login_as(make_user(Role.COORDINATOR))
    seen: list[str] = []
    url: str | None = "/cases/?issue_type=deposit"
    while url:
        page = client.get(url).get_data(as_text=True)
        seen += references(page)
        match = re.search(r'href="([^"]+)" rel="next"', page)
        url = match.group(1).replace("&amp;", "&") if match else None
        assert url is None or "issue_type=deposit" in url
    assert seen == [f"SEA-{YEAR}-{n:04d}" for n in range(5, 0, -1)]


@pytest.mark.parametrize(("query", "expected"), [
    ("", 3), ("?issue_type=repairs", 1), ("?issue_type=repairs&state=&urgency=", 1),
    ("?q=cascade", 3),  # a search text in a URL is not read: the search box POSTs it
])
def test_case_list_links_with_only_some_filters_work(
    listed: dict[str, int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], query: str, expected: int,
) -> None:
    page = login_as(make_user(Role.COORDINATOR)).get("/cases/" + query).get_data(as_text=True)
    assert "Not a valid choice" not in page
    assert len(set(references(page))) == expected
    assert "cascade" not in page


@pytest.mark.parametrize(("sent", "expected"), [
    ({}, 3), ({"q": "cascade"}, 2), ({"q": "cascade", "state": "", "urgency": ""}, 2),
    ({"q": "cascade", "issue_type": "repairs"}, 1), ({"issue_type": "repairs"}, 1),
])
def test_the_search_form_posts_only_some_fields_and_the_list_shows_them(
    listed: dict[str, int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], sent: dict[str, str], expected: int,
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    response = client.post("/cases/search", data=sent)
    assert response.status_code == 302 and "cascade" not in response.location
    page = client.get(response.location).get_data(as_text=True)
    assert "Not a valid choice" not in page
    assert len(set(references(page))) == expected
    assert ('value="cascade"' in page) == ("q" in sent)  # the box shows what was searched


def test_empty_list_says_so(make_user: Callable[..., int],
                            login_as: Callable[[int], FlaskClient]) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    assert "No cases match." in client.get("/cases/").get_data(as_text=True)
