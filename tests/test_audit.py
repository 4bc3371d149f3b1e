"""The audit log: every change and every view of contact details is recorded; nothing edits it."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import delete, select, update

from casework.audit.recorder import acting_as
from casework.extensions import db
from casework.models import (
    AuditEntry,
    AuditLogIsAppendOnly,
    Case,
    Event,
    EventKind,
    Role,
    Task,
)
from casework.models.audit import POSTGRESQL_AUDIT_APPEND_ONLY_SQL
from tests.conftest import login
from tests.test_bad_input import VALID_INTAKE


def entries(app: Flask, *conditions: sa.ColumnElement[bool]) -> list[AuditEntry]:
    with app.app_context():
        found = db.session.scalars(select(AuditEntry).where(*conditions).order_by(AuditEntry.id))
        return list(found)


def edit_data(**changes: str) -> dict[str, str]:
    return {**VALID_INTAKE, "person_name": "Maria Example", "person_phone": "206-555-0100",
            "target_name": "Acme Landlords", "issue_type": "deposit", "summary": "Deposit kept",
            "amount_claimed": "1200.00", "version": "1", **changes}


def test_an_edit_is_recorded_with_who_where_and_the_field_names_but_no_values(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], network_id: int,
) -> None:
    case_id = make_case()
    coordinator = make_user(Role.COORDINATOR)
    client = login_as(coordinator)
    response = client.post(f"/cases/{case_id}/edit",
                           data=edit_data(person_phone="206-555-0222", amount_claimed="1500"))
    assert response.status_code == 302
    person = entries(app, AuditEntry.action == "person.update")
    assert len(person) == 1
    assert person[0].user_id == coordinator and person[0].network_id == network_id
    assert person[0].origin == "127.0.0.1"
    assert "phone" in person[0].detail.split(", ")
    case = entries(app, AuditEntry.action == "case.update")[-1]
    assert case.case_id == case_id and case.object_id == str(case_id)
    assert "amount_claimed" in case.detail
    event = entries(app, AuditEntry.action == "event.insert")[-1]
    assert event.case_id == case_id
    every_entry = " ".join(f"{e.action} {e.object_id} {e.detail} {e.origin}"
                           for e in entries(app))
    assert "206-555-0222" not in every_entry and "1500" not in every_entry


def test_intake_is_recorded_as_inserts(
    app: Flask, make_user: Callable[..., int], login_as: Callable[[int], FlaskClient]
) -> None:
    intake = make_user(Role.INTAKE)
    login_as(intake).post("/cases/new", data=VALID_INTAKE)
    actions = {e.action for e in entries(app, AuditEntry.user_id == intake)}
    assert {"case.insert", "person.insert", "target.insert", "event.insert"} <= actions
    assert "Rita Example" not in str([(e.detail, e.object_id) for e in entries(app)])


def test_team_changes_are_recorded_on_the_case(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    case_id = make_case()
    organizer = make_user(Role.ORGANIZER)
    client = login_as(organizer)
    client.post(f"/cases/{case_id}/team")  # asks to join
    client.post("/logout")
    asked = entries(app, AuditEntry.action == "team_join_request.insert")
    assert [(entry.user_id, entry.case_id) for entry in asked] == [(organizer, case_id)]
    coordinator = make_user(Role.COORDINATOR)
    login_as(coordinator).post(f"/cases/{case_id}/team/requests/{asked[0].object_id}/accept")
    updates = entries(app, AuditEntry.action == "case.update", AuditEntry.user_id == coordinator)
    assert any("team" in entry.detail for entry in updates)


def test_bulk_statements_that_skip_the_flush_are_recorded_too(
    app: Flask, make_case: Callable[..., int], make_task: Callable[..., int]
) -> None:
    make_task(make_case())
    with app.app_context(), acting_as("cli"):
        db.session.execute(update(Task).values(is_done=True))
        db.session.execute(delete(Task))
        db.session.commit()
    actions = [e.action for e in entries(app, AuditEntry.origin == "cli")]
    assert actions == ["task.bulk_update", "task.bulk_delete"]


@pytest.mark.parametrize(("viewer", "recorded"), [
    (Role.COORDINATOR, True), ("team_organizer", True), ("other_organizer", False),
])
def test_a_view_of_contact_details_is_recorded_only_when_they_are_shown(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], viewer: Role | str, recorded: bool,
) -> None:
    team_organizer = make_user(Role.ORGANIZER)
    case_id = make_case(team=[team_organizer])
    user_id = {Role.COORDINATOR: make_user(Role.COORDINATOR), "team_organizer": team_organizer,
               "other_organizer": make_user(Role.ORGANIZER)}[viewer]
    page = login_as(user_id).get(f"/cases/{case_id}")
    assert page.status_code == 200
    assert (b"206-555-0100" in page.data) is recorded
    views = entries(app, AuditEntry.action == "person.view_contact")
    assert len(views) == (1 if recorded else 0)
    if recorded:
        with app.app_context():
            person_id = db.session.get_one(Case, case_id).person_id
        assert views[0].user_id == user_id and views[0].case_id == case_id
        assert views[0].object_type == "person" and views[0].object_id == str(person_id)


def test_the_orm_refuses_to_change_or_delete_an_entry(
    app: Flask, make_case: Callable[..., int]
) -> None:
    make_case()
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).limit(1)).one()
        entry.detail = "rewritten"
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalars(select(AuditEntry).limit(1)).one())
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(update(AuditEntry).values(detail="rewritten"))
        with pytest.raises(AuditLogIsAppendOnly):
            db.session.execute(delete(AuditEntry))
        db.session.rollback()
        assert "rewritten" not in db.session.scalars(select(AuditEntry.detail)).all()


@pytest.mark.parametrize("statement", ["UPDATE audit_entry SET detail = 'rewritten'",
                                       "DELETE FROM audit_entry"])
def test_the_database_refuses_to_change_or_delete_an_entry(
    app: Flask, make_case: Callable[..., int], statement: str
) -> None:
    make_case()
    with app.app_context():
        before = db.session.scalar(select(sa.func.count()).select_from(AuditEntry))
        assert before
        with pytest.raises(sa.exc.DBAPIError, match="append-only"), \
                db.engine.begin() as connection:
            connection.exec_driver_sql(statement)
        assert db.session.scalar(select(sa.func.count()).select_from(AuditEntry)) == before


@pytest.mark.postgres_only
def test_the_postgresql_trigger_comes_from_the_published_sql(app: Flask) -> None:
    assert "BEFORE UPDATE OR DELETE ON audit_entry" in POSTGRESQL_AUDIT_APPEND_ONLY_SQL
    with app.app_context():
        names = db.session.scalars(sa.text(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entry'::regclass "
            "AND NOT tgisinternal")).all()
    assert names == ["audit_entry_append_only"]


def test_no_route_can_change_the_log(app: Flask) -> None:
    audit_rules = [rule for rule in app.url_map.iter_rules()
                   if rule.endpoint.startswith("audit.")]
    assert audit_rules
    for rule in audit_rules:
        assert (rule.methods or set()) <= {"GET", "HEAD", "OPTIONS"}, rule.rule


def test_work_outside_a_request_is_attributed_to_the_system(
    app: Flask, make_case: Callable[..., int], network_id: int
) -> None:
    case_id = make_case()
    with app.app_context(), acting_as("cli"):
        db.session.add(Event(case_id=case_id, kind=EventKind.NOTE, note="Called the member"))
        db.session.commit()
    entry = entries(app, AuditEntry.action == "event.insert")[-1]
    assert (entry.user_id, entry.origin, entry.case_id) == (None, "cli", case_id)
    assert entry.network_id == network_id  # found from the case, so coordinators see it


@pytest.mark.parametrize("role", [Role.INTAKE, Role.ORGANIZER, Role.MEMBER])
def test_only_coordinators_see_the_log(
    make_user: Callable[..., int], login_as: Callable[[int], FlaskClient], role: Role
) -> None:
    assert login_as(make_user(role)).get("/audit/").status_code == 403


def test_coordinators_see_their_own_network_only(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    make_network: Callable[..., int], login_as: Callable[[int], FlaskClient],
) -> None:
    ours = make_case()
    other_network = make_network("OTH")
    theirs = make_case(make_user(Role.INTAKE, network=other_network))
    with app.app_context():
        our_ref = db.session.get_one(Case, ours).reference
        their_ref = db.session.get_one(Case, theirs).reference
    page = login_as(make_user(Role.COORDINATOR)).get("/audit/").get_data(as_text=True)
    assert our_ref in page and their_ref not in page
    assert f'logged the inquiry <a href="/cases/{ours}">{our_ref}</a>' in page


def test_the_log_filters_by_case_reference_and_by_user(
    app: Flask, make_user: Callable[..., int]
) -> None:
    alice, bob = make_user(Role.INTAKE), make_user(Role.INTAKE)
    for author in (alice, bob):
        client = app.test_client()
        login(client, app, author)
        # The same person twice: saved as new past the duplicate warning.
        data = {**VALID_INTAKE, "duplicate": "new"}
        assert client.post("/cases/new", data=data).status_code == 302
    with app.app_context():
        first_ref, second_ref = db.session.scalars(select(Case.reference).order_by(Case.id))
    client = app.test_client()
    login(client, app, make_user(Role.COORDINATOR))
    by_case = client.get("/audit/", query_string={"case": first_ref.lower()}).get_data(True)
    assert first_ref in by_case and second_ref not in by_case
    assert "added Rita Example to the people" in by_case  # the person has no case id
    by_user = client.get("/audit/", query_string={"user": bob}).get_data(as_text=True)
    assert second_ref in by_user and first_ref not in by_user
    unknown = client.get("/audit/", query_string={"case": "SEA-1999-0001"}).get_data(True)
    assert "No case with this reference" in unknown and "logged the inquiry" not in unknown


@pytest.mark.parametrize("app_config", [{"AUDIT_PER_PAGE": 4}])
def test_the_log_pages_newest_first_without_gaps_or_repeats(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], network_id: int,
) -> None:
    for _ in range(3):
        make_case()
    client = login_as(make_user(Role.COORDINATOR))
    expected = [e.id for e in entries(app, AuditEntry.network_id == network_id)][::-1]
    shown: list[int] = []
    url: str | None = "/audit/"
    while url:
        page = client.get(url).get_data(as_text=True)
        on_page = [int(entry_id) for entry_id in re.findall(r'<li id="entry-(\d+)">', page)]
        assert 0 < len(on_page) <= 4
        shown.extend(on_page)
        next_link = re.search(r'href="([^"]+)" rel="next"', page)
        url = next_link.group(1).replace("&amp;", "&") if next_link else None
    assert len(expected) > 8  # several pages
    assert shown == expected


@pytest.mark.parametrize("app_config", [{"AUDIT_PER_PAGE": 2}])
@pytest.mark.parametrize("query", [
    "_method=POST", "_anchor=x", "_external=1", "_scheme=javascript", "_method=POST&after=1000000",
    "_anchor=x&_external=1&_scheme=javascript&after=1000000",
])
def test_arguments_meant_for_url_for_are_not_copied_into_the_pages_links(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], query: str,
) -> None:
    first = make_case()
    make_case()
    with app.app_context():
        reference = db.session.get_one(Case, first).reference
    client = login_as(make_user(Role.COORDINATOR))
    response = client.get(f"/audit/?case={reference}&{query}")
    assert response.status_code == 200  # was a 500: url_for(_method=...) raises
    page = response.get_data(as_text=True)
    links = re.findall(r'href="([^"]*)"', page)
    next_link = re.search(r'href="([^"]+)" rel="next"', page)
    assert next_link is not None and f"case={reference}" in next_link.group(1)  # filter kept
    assert not [link for link in links if "#x" in link or "://" in link or "javascript" in link
                or "_method" in link or "_anchor" in link or "_external" in link]


def test_the_log_reads_as_sentences_and_a_case_page_viewed_again_adds_nothing(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    case_id = make_case()
    coordinator = make_user(Role.COORDINATOR, name="Rosa Díaz")
    client = login_as(coordinator)
    for _ in range(3):
        assert client.get(f"/cases/{case_id}").status_code == 200
    assert len(entries(app, AuditEntry.action == "person.view_contact")) == 1
    client.post(f"/cases/{case_id}/edit", data=edit_data(amount_claimed="1500"))
    with app.app_context():
        reference = db.session.get_one(Case, case_id).reference
    page = client.get("/audit/").get_data(as_text=True)
    link = f'<a href="/cases/{case_id}">{reference}</a>'
    assert f"Rosa Díaz viewed Maria Example's contact details on {link}" in page
    assert f"Rosa Díaz changed the amount claimed of {link}" in page
    assert f"logged the inquiry {link}" in page
    for code in ("person.view_contact", "event.insert", "case.update", "amount_claimed"):
        assert code not in page
