"""Every phone field opens a phone keypad on a mobile and offers the browser's saved number."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.extensions import db
from casework.models import Case, Role

PHONE_INPUT = re.compile(r"<input[^>]*\bname=\"(?:person_)?phone\"[^>]*>")


def phone_input_on(page: str) -> str:
    found = PHONE_INPUT.findall(page)
    assert len(found) == 1, "the page should have exactly one phone field"
    return found[0]


@pytest.mark.parametrize("page", ["/cases/new", "/cases/{case}/edit", "/people/new",
                                  "/people/{person}/edit"])
def test_phone_fields_are_telephone_inputs(
        page: str, app: Flask, login_as: Callable[[int], FlaskClient],
        make_user: Callable[..., int], make_case: Callable[..., int]) -> None:
    case_id = make_case()
    with app.app_context():
        person_id = db.session.get(Case, case_id).person_id  # type: ignore[union-attr]
    client = login_as(make_user(Role.COORDINATOR))

    response = client.get(page.format(case=case_id, person=person_id))

    assert response.status_code == 200
    tag = phone_input_on(response.get_data(as_text=True))
    assert 'type="tel"' in tag
    assert 'autocomplete="tel"' in tag
    assert 'inputmode="tel"' in tag
