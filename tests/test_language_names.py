"""A person's languages are shown by name ('Portuguese, Chinese'), never as codes, on every
page that shows them."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.extensions import db
from casework.models import CallAnswer, Case
from casework.workflow.states import CaseState
from tests.ladder import entry, plan

Fight = tuple[int, int]


@pytest.mark.parametrize("page", ["/cases/{case}", "/cases/{case}/actions/{action}/calls",
                                  "/cases/{case}/actions/{action}/calls/mine",
                                  "/cases/{case}/actions/{action}/check-in",
                                  "/people/{person}", "/people/"])
def test_languages_are_shown_by_name(
        page: str, app: Flask, make_fight: Callable[..., Fight],
        login_as: Callable[[int], FlaskClient]) -> None:
    case_id, organizer_id = make_fight(CaseState.ESCALATING)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        case.person.languages = "pt,zh"
        person_id = case.person_id
        db.session.commit()
        action_id = plan(case_id, organizer_id, title="Picket")
        entry(action_id, person_id, caller_id=organizer_id, answer=CallAnswer.YES)

    response = login_as(organizer_id).get(
        page.format(case=case_id, action=action_id, person=person_id))
    text = response.get_data(as_text=True)

    assert response.status_code == 200
    assert "Portuguese, Chinese" in text
    assert ">pt" not in text and "pt, zh" not in text and "pt,zh" not in text
