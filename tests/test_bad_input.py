"""Bad input on every form: a message next to the field, what was typed kept, nothing stored."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import Case, Event, Role, Task, User

SCRIPT = "<script>alert('x')</script>"

VALID_INTAKE = {
    "person_name": "Rita Example", "person_phone": "206-555-0199", "language": "en",
    "target_name": "Gravel Pit Holdings", "target_kind": "company", "issue_type": "deposit",
    "summary": "Deposit kept", "urgency": "normal", "retaliation_risk": "unknown",
    "still_employed_or_housed": "unknown", "amount_claimed": "1200",
}

# (field, bad value, message shown next to it)
INTAKE_CASES = [
    ("person_name", "", "This is needed."),
    ("person_name", "x" * 121, "Field cannot be longer than 120 characters."),
    ("summary", "", "This is needed."),
    ("summary", "s" * 201, "Field cannot be longer than 200 characters."),
    ("target_name", "   ", "This is needed."),
    ("amount_claimed", "twelve hundred", "Not a valid decimal value."),
    ("amount_claimed", "-5", "Enter an amount from 0 to 99,999,999.99."),
    ("amount_claimed", "1e400", "Enter an amount from 0 to 99,999,999.99."),
    ("amount_claimed", "NaN", "Enter an amount"),
    ("person_email", "not-an-email", "This is not an email address."),
    ("issue_type", "robbery", "Not a valid choice."),
    ("urgency", SCRIPT, "Not a valid choice."),
    ("person_name", "Rita\x00Example", "control codes"),
    ("what_happened", "w" * 10_001, "Field cannot be longer than 10000 characters."),
]


def count(model: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def intake_client(login_as: Callable[[int], FlaskClient], make_user: Callable[..., int]
                  ) -> FlaskClient:
    return login_as(make_user(Role.INTAKE))


@pytest.mark.parametrize(("field", "value", "message"), INTAKE_CASES,
                         ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(INTAKE_CASES)])
def test_intake_refuses_bad_input_and_keeps_what_was_typed(
    app: Flask, intake_client: FlaskClient, field: str, value: str, message: str
) -> None:
    data = {**VALID_INTAKE, field: value, "what_happened": f"Kept text {SCRIPT}"}
    if field == "what_happened":
        data["what_happened"] = value
    response = intake_client.post("/cases/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in page
    assert 'aria-invalid="true"' in page
    assert SCRIPT not in page  # typed HTML is shown escaped, never executed
    if field != "what_happened":
        assert str(escape(f"Kept text {SCRIPT}")) in page
    assert 'value="Gravel Pit Holdings"' in page or field == "target_name"
    with app.app_context():
        assert count(Case) == 0


def test_intake_needs_some_way_to_reach_the_person(app: Flask, intake_client: FlaskClient) -> None:
    data = {**VALID_INTAKE, "person_phone": ""}
    response = intake_client.post("/cases/new", data=data)
    assert "Give a phone, an email or a safe way to reach them." in response.get_data(as_text=True)
    with app.app_context():
        assert count(Case) == 0


def test_html_typed_into_intake_is_stored_as_text_and_shown_escaped(
    app: Flask, intake_client: FlaskClient
) -> None:
    data = {**VALID_INTAKE, "summary": SCRIPT, "target_name": f"<b>{SCRIPT}</b>"}
    response = intake_client.post("/cases/new", data=data, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert SCRIPT not in page
    assert str(escape(SCRIPT)) in page
    with app.app_context():
        assert db.session.scalars(select(Case.summary)).one() == SCRIPT


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [("summary", "", "This is needed."), ("amount_claimed", "abc", "Not a valid decimal value."),
     ("version", "zzz", "reload the page and try again")],
)
def test_edit_refuses_bad_input_and_stored_facts_stay(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], field: str, value: str, message: str,
) -> None:
    coordinator = make_user(Role.COORDINATOR)
    case_id = make_case(summary="Original summary")
    client = login_as(coordinator)
    data = {**VALID_INTAKE, "summary": "Changed summary", "version": "1", field: value}
    response = client.post(f"/cases/{case_id}/edit", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        assert case.summary == "Original summary"
        assert count(Event) == 1  # only "created"


@pytest.mark.parametrize(
    ("data", "message"),
    [({"title": ""}, "Say what needs doing."),
     ({"title": "t" * 201}, "Field cannot be longer than 200 characters."),
     ({"title": "Call", "due_on": "31/02/2026"}, "Not a valid date value."),
     ({"title": "Call", "assignee_id": "999999"}, "Not a valid choice.")],
)
def test_task_form_refuses_bad_input(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], data: dict[str, str], message: str,
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    case_id = make_case()
    response = client.post(f"/cases/{case_id}/tasks", data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert message in page
    if data.get("title"):
        assert f'value="{data["title"]}"' in page
    with app.app_context():
        assert count(Task) == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [({"name": "", "email": "a@example.org", "password": "x" * 12}, "This field is required."),
     ({"name": "A", "email": "nope", "password": "x" * 12}, "Invalid email address."),
     ({"name": "A", "email": "a@example.org", "password": "short"}, "Use 12 to 200 characters."),
     ({"name": "A", "email": "a@example.org", "password": "x" * 12, "role": "member"},
      "Not a valid choice.")],
)
def test_user_form_refuses_bad_input(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient],
    data: dict[str, str], message: str,
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    response = client.post("/users/", data={"role": "intake", **data})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    with app.app_context():
        assert count(User) == 1


def test_user_form_refuses_an_email_already_in_use(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]
) -> None:
    make_user(Role.INTAKE, email="taken@example.org")
    client = login_as(make_user(Role.COORDINATOR))
    response = client.post("/users/", data={"name": "B", "email": "Taken@Example.org",
                                            "role": "intake", "password": "y" * 12})
    assert response.status_code == 400
    assert ("An account with this email already exists in your network."
            in response.get_data(as_text=True))


@pytest.mark.parametrize(
    "data",
    [{}, {"email": "", "password": ""}, {"email": "x" * 300, "password": "p"},
     {"email": SCRIPT, "password": SCRIPT}, {"email": "a@example.org", "password": "wrong"}],
)
def test_login_refuses_bad_input_without_saying_which_part_was_wrong(
    client: FlaskClient, make_user: Callable[..., int], data: dict[str, str]
) -> None:
    make_user(Role.INTAKE, email="a@example.org")
    response = client.post("/login", data=data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "field-error" in page
    assert SCRIPT not in page


@pytest.mark.parametrize("query", ["?after=abc", "?state=nope", "?q=" + "%" * 300,
                                   "?organizer=xyz", "?q=%25_%5C"])
def test_case_list_survives_odd_query_strings(
    make_user: Callable[..., int], login_as: Callable[[int], FlaskClient], query: str
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    assert client.get("/cases/" + query).status_code == 200
