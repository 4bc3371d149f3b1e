"""Intake warns before saving an inquiry whose person looks like someone the network has
(same phone's last ten digits, same email, or same name against the same target), and shows
who only to those who may see them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import Case, Person, Role
from tests.test_bad_input import VALID_INTAKE

WARNING = "This looks like someone the network already has"


def count(app: Flask, model: type[Case] | type[Person]) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def reference(app: Flask, case_id: int) -> str:
    with app.app_context():
        return db.session.get_one(Case, case_id).reference


@pytest.mark.parametrize(("typed", "reason"), [
    ({"person_phone": "+1 (206) 555-0100"}, "the same phone"),
    ({"person_phone": "", "person_email": "MARIA@example.org"}, "the same email"),
    ({"person_name": "maria example", "person_phone": "206-555-0999",
      "target_name": "ACME Landlords"}, "the same name and target"),
], ids=["phone", "email", "name_and_target"])
def test_a_possible_duplicate_is_shown_before_anything_is_saved(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], typed: dict[str, str], reason: str,
) -> None:
    organizer = make_user(Role.ORGANIZER)  # on the team: may see Maria
    existing = make_case(team=[organizer], person_email="maria@example.org")
    client = login_as(organizer)
    cases, people = count(app, Case), count(app, Person)
    data = {**VALID_INTAKE, "summary": "Deposit kept again", **typed}
    page = client.post("/cases/new", data=data).get_data(as_text=True)
    assert WARNING in page and reason in page
    assert "Maria Example" in page and reference(app, existing) in page
    assert 'value="Deposit kept again"' in page  # what was typed is kept
    assert (count(app, Case), count(app, Person)) == (cases, people)

    with app.app_context():
        person_id = db.session.get_one(Case, existing).person_id
    response = client.post("/cases/new", data={**data, "duplicate": f"person:{person_id}"})
    assert response.status_code == 302
    assert (count(app, Case), count(app, Person)) == (cases + 1, people)
    with app.app_context():
        newest = db.session.scalars(select(Case).order_by(Case.id.desc())).first()
        assert newest is not None and newest.person_id == person_id
        assert newest.person.email.lower() == "maria@example.org"  # kept when left empty
        assert newest.person.name == "Maria Example"  # the name her other fight knows


def test_save_as_new_anyway_makes_a_second_person(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    make_case()
    client = login_as(make_user(Role.COORDINATOR))
    data = {**VALID_INTAKE, "person_phone": "206.555.0100"}
    assert WARNING in client.post("/cases/new", data=data).get_data(as_text=True)
    people = count(app, Person)
    assert client.post("/cases/new", data={**data, "duplicate": "new"}).status_code == 302
    assert count(app, Person) == people + 1


def test_no_warning_without_a_match(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    make_case()  # Maria Example, 206-555-0100, against Acme Landlords
    client = login_as(make_user(Role.INTAKE))
    data = {**VALID_INTAKE, "person_name": "Maria Example", "person_phone": "206-555-0101"}
    assert client.post("/cases/new", data=data).status_code == 302


def test_an_intake_volunteer_sees_only_a_reference_for_someone_they_may_not_see(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    theirs = make_case(make_user(Role.INTAKE), safe_contact_notes="Only after 6 pm")
    intake = make_user(Role.INTAKE)
    client = login_as(intake)
    data = {**VALID_INTAKE, "person_phone": "206 555 0100"}
    page = client.post("/cases/new", data=data).get_data(as_text=True)
    assert WARNING in page and reference(app, theirs) in page
    assert "ask a coordinator" in page
    assert "Maria Example" not in page and "Only after 6 pm" not in page
    assert f'href="/cases/{theirs}"' not in page
    with app.app_context():
        person_id = db.session.get_one(Case, theirs).person_id
    cases = count(app, Case)
    refused = client.post("/cases/new", data={**data, "duplicate": f"person:{person_id}"})
    assert "not a match you can choose" in refused.get_data(as_text=True)
    assert count(app, Case) == cases
    mine = make_case(intake, person_name="Lena Own", person_phone="206-555-0142")
    page = client.post("/cases/new", data={**data, "person_phone": "2065550142"}).get_data(True)
    assert "Lena Own" in page and reference(app, mine) in page
