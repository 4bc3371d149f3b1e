"""Pages send the same, small number of SQL statements with 10 or 200 related rows: a
person's page (their fights and possible duplicates), a target's page (its fights), the
targets list (the network's targets) and the letters to print (the fights due).

Each test grows what the page lists from 10 to 200 rows between two counts; a lazy load per
row, or a query per fight, would make the second count larger."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, update

from casework.extensions import db
from casework.letters.context import LetterKind
from casework.letters.due import MAX_LISTED
from casework.models import Case, Letter, LetterVersion, Person, ReviewStatus, Role
from casework.workflow.states import CaseState
from tests.statements import counting_statements

SMALL, LARGE = 10, 200
MOST_STATEMENTS = 16  # login, the page's few queries, an audit entry


def statements_for(app: Flask, client: FlaskClient, path: str) -> tuple[list[str], str]:
    client.get(path)  # warm: the day's first view of a person is audited once
    with counting_statements(app) as statements:
        response = client.get(path)
    assert response.status_code == 200, path
    return statements, response.get_data(as_text=True)


def same_count(few: list[str], many: list[str]) -> None:
    assert len(many) == len(few), "\n".join(many)
    assert len(few) <= MOST_STATEMENTS, "\n".join(few)


def add_cases(make_case: Callable[..., int], author: int, first: int, last: int,
              **facts: str) -> list[int]:
    """Cases ``first`` to ``last - 1``, each with its own person (same phone: duplicates)."""
    return [make_case(author, person_name=f"Person {n}", summary=f"Fight number {n}",
                      **{key: value.format(n=n) for key, value in facts.items()})
            for n in range(first, last)]


def test_person_page_with_10_or_200_fights_and_duplicates(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    intake, client = make_user(Role.INTAKE), login_as(make_user(Role.COORDINATOR))
    counts, person_id = [], 0
    for first, last in ((0, SMALL), (SMALL, LARGE)):
        case_ids = add_cases(make_case, intake, first, last)
        with app.app_context():  # one person's fights; the others' records, same phone, stay
            person_id = person_id or db.session.get_one(Case, case_ids[0]).person_id
            db.session.execute(update(Case).where(Case.id.in_(case_ids))
                               .values(person_id=person_id))
            db.session.commit()
            person = db.session.get_one(Person, person_id)
            others = db.session.scalar(select(func.count(Person.id)).where(
                Person.phone_key == person.phone_key, Person.id != person_id))
        statements, page = statements_for(app, client, f"/people/{person_id}")
        assert page.count('class="state state-') == last
        assert others and page.count("Merge into this record") == others
        counts.append(statements)
    same_count(*counts)


def test_target_page_with_10_or_200_fights(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    intake, client = make_user(Role.INTAKE), login_as(make_user(Role.COORDINATOR))
    counts = []
    for first, last in ((0, SMALL), (SMALL, LARGE)):
        case_ids = add_cases(make_case, intake, first, last, target_name="Acme Landlords")
        with app.app_context():
            target_id = db.session.get_one(Case, case_ids[0]).target_id
        statements, page = statements_for(app, client, f"/targets/{target_id}")
        assert f"{last} fights" in page
        counts.append(statements)
    same_count(*counts)


def test_targets_list_with_10_or_200_targets(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    intake, client = make_user(Role.INTAKE), login_as(make_user(Role.COORDINATOR))
    counts = []
    for first, last in ((0, SMALL), (SMALL, LARGE)):
        add_cases(make_case, intake, first, last, target_name="Target {n:03}")
        statements, page = statements_for(app, client, "/targets/?sort=name")
        assert "Target 000" in page and ("Next page" in page) is (last > 50)
        counts.append(statements)
    same_count(*counts)


@pytest.mark.parametrize("kind", [LetterKind.DEMAND, LetterKind.LEAFLET])
def test_letters_due_with_10_or_200_fights(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient], kind: LetterKind,
) -> None:
    """Ready fights with an approved demand letter, or escalating ones with a leaflet: the
    page lists the first ``MAX_LISTED`` and says more are due."""
    intake, author = make_user(Role.INTAKE), make_user(Role.ORGANIZER)
    client = login_as(make_user(Role.COORDINATOR))
    state = CaseState.READY if kind == LetterKind.DEMAND else CaseState.ESCALATING
    counts = []
    for first, last in ((0, SMALL), (SMALL, LARGE)):
        case_ids = add_cases(make_case, intake, first, last)
        with app.app_context():
            db.session.execute(update(Case).where(Case.id.in_(case_ids)).values(state=state))
            for case_id in case_ids:
                letter = Letter(case_id=case_id, kind=kind, created_by_id=author)
                db.session.add(LetterVersion(letter=letter, number=1, created_by_id=author,
                                             snapshot={"version": 2},
                                             review_status=ReviewStatus.PASSED))
            db.session.commit()
            first_reference = db.session.scalar(
                select(Case.reference).where(Case.id == case_ids[0]))
        statements, page = statements_for(app, client, "/letters/due")
        assert page.count('download>PDF</a>') == min(last, MAX_LISTED)
        assert (first_reference in page) is (first < MAX_LISTED)
        assert ("More fights are due than this page lists" in page) is (last > MAX_LISTED)
        counts.append(statements)
    same_count(*counts)
