"""'My work' lists new inquiries no organizer has taken up: all of them for organizers and
coordinators, their own for intake volunteers; a bounded list with "N more"."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from casework.dashboard.inquiries import SHOWN
from casework.extensions import db
from casework.models import Case, Role


def reference(app: Flask, case_id: int) -> str:
    with app.app_context():
        return db.session.get_one(Case, case_id).reference


def waiting_section(page: str) -> str:
    found = re.search(r'<section aria-labelledby="waiting-heading">.*?</section>', page, re.S)
    return found.group(0) if found else ""


@pytest.mark.parametrize(("viewer", "sees_others"), [
    (Role.ORGANIZER, True), (Role.COORDINATOR, True), (Role.INTAKE, False)], ids=str)
def test_my_work_lists_inquiries_without_an_organizer(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient], viewer: Role, sees_others: bool,
) -> None:
    me = make_user(viewer)
    others = make_user(Role.INTAKE)
    mine = make_case(me) if viewer == Role.INTAKE else make_case(others)
    someone_elses = make_case(make_user(Role.INTAKE))
    taken = make_case(others, team=[make_user(Role.ORGANIZER)])
    section = waiting_section(login_as(me).get("/").get_data(as_text=True))
    assert "New inquiries with no organizer" in section
    assert reference(app, mine) in section
    assert (reference(app, someone_elses) in section) is sees_others
    assert reference(app, taken) not in section
    assert "more</a>" not in section


def test_the_list_is_bounded_and_links_to_the_rest(
    app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    intake = make_user(Role.INTAKE)
    case_ids = [make_case(intake) for _ in range(SHOWN + 2)]
    client = login_as(make_user(Role.ORGANIZER))
    section = waiting_section(client.get("/").get_data(as_text=True))
    assert f"New inquiries with no organizer ({SHOWN + 2})" in section
    assert len(re.findall(r'<li><a href="/cases/\d+">', section)) == SHOWN
    assert reference(app, case_ids[0]) in section  # the longest waiting first
    assert reference(app, case_ids[-1]) not in section
    link = re.search(r'<a href="([^"]+)">2 more</a>', section)
    assert link is not None
    listed = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert all(reference(app, case_id) in listed for case_id in case_ids)
