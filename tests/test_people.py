"""The people directory: list, search without names in URLs, need-to-know person pages,
the person form, and merging two records of one person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import (
    Action,
    ActionKind,
    ActionRole,
    ActionRoleKind,
    ActionStatus,
    AuditEntry,
    CallAnswer,
    CallListEntry,
    Case,
    Event,
    Person,
    Role,
    Tier,
    User,
)
from casework.people.services import merge_people
from tests.conftest import PASSWORD_HASH, login

VALID = {"name": "Rosa Delgado", "phone": "(206) 555-0111", "email": "rosa@example.org",
         "languages": "Spanish, English", "tier": "supporter", "sms_consent": "y",
         "safe_contact_notes": "Evenings only"}


@pytest.fixture
def app_config() -> dict[str, Any]:
    return {"PEOPLE_PER_PAGE": 3}


@pytest.fixture
def add_person(app: Flask, network_id: int) -> Callable[..., int]:
    def add(name: str = "Ana Known", **values: Any) -> int:
        with app.app_context():
            person = Person(network_id=values.pop("network", network_id), name=name, **values)
            db.session.add(person)
            db.session.commit()
            return person.id

    return add


@pytest.fixture
def coordinator(login_as: Callable[[int], FlaskClient], make_user: Callable[..., int]
                ) -> FlaskClient:
    return login_as(make_user(Role.COORDINATOR))


def person_of(app: Flask, case_id: int) -> int:
    with app.app_context():
        return db.session.get_one(Case, case_id).person_id


def count(app: Flask, model: Any) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_the_list_pages_by_name_with_only_ids_in_its_links(
        app: Flask, coordinator: FlaskClient, add_person: Callable[..., int]) -> None:
    for name in ("Eve", "Bo", "Dee", "Al", "Cy"):
        add_person(name)
    first = coordinator.get("/people/").get_data(as_text=True)
    assert [n for n in ("Al", "Bo", "Cy", "Dee", "Eve") if f">{n}</a>" in first] == [
        "Al", "Bo", "Cy"]
    with app.app_context():
        cy = db.session.scalars(select(Person.id).where(Person.name == "Cy")).one()
    assert f'href="/people/?after={cy}" rel="next"' in first
    second = coordinator.get(f"/people/?after={cy}").get_data(as_text=True)
    assert ">Dee</a>" in second and ">Eve</a>" in second and ">Al</a>" not in second
    assert 'rel="next"' not in second and 'href="/people/">First page' in second
    damaged = coordinator.get("/people/?after=" + "9" * 30)
    assert damaged.status_code == 200 and ">Al</a>" in damaged.get_data(as_text=True)


def test_an_empty_directory_says_how_to_start(coordinator: FlaskClient) -> None:
    page = coordinator.get("/people/").get_data(as_text=True)
    assert "No people yet." in page and 'href="/people/import"' in page


def test_a_name_search_is_posted_and_kept_out_of_the_url(
        app: Flask, coordinator: FlaskClient, add_person: Callable[..., int]) -> None:
    add_person("Rosa Delgado", tier=Tier.MEMBER, languages="es,en")
    add_person("Rosalind Fox", tier=Tier.SUPPORTER, languages="en")
    add_person("Tran Minh", tier=Tier.MEMBER, languages="vi")
    response = coordinator.post("/people/search", data={"q": "rosa", "tier": "", "language": ""})
    assert response.status_code == 302
    assert "rosa" not in response.location.lower() and "search=" in response.location
    page = coordinator.get(response.location).get_data(as_text=True)
    assert "Rosa Delgado" in page and "Rosalind Fox" in page and "Tran Minh" not in page
    assert 'value="rosa"' in page  # the box keeps what was typed
    ignored = coordinator.get("/people/?q=Tran").get_data(as_text=True)  # a hand-made ?q=
    assert "Rosa Delgado" in ignored and 'value="Tran"' not in ignored


@pytest.mark.parametrize(("filters", "shown"), [
    ({"tier": "member"}, {"Rosa Delgado", "Tran Minh"}),
    ({"language": "es"}, {"Rosa Delgado"}),
    ({"language": "en"}, {"Rosa Delgado", "Rosalind Fox"}),
    ({"tier": "member", "language": "vi"}, {"Tran Minh"}),
    ({"q": "minh", "tier": "supporter"}, set()),
])
def test_filters_by_tier_and_language(
        app: Flask, coordinator: FlaskClient, add_person: Callable[..., int],
        filters: dict[str, str], shown: set[str]) -> None:
    add_person("Rosa Delgado", tier=Tier.MEMBER, languages="es,en")
    add_person("Rosalind Fox", tier=Tier.SUPPORTER, languages="en")
    add_person("Tran Minh", tier=Tier.MEMBER, languages="vi")
    response = coordinator.post("/people/search", data={"q": "", "tier": "", "language": "",
                                                        **filters}, follow_redirects=True)
    page = response.get_data(as_text=True)
    assert {n for n in ("Rosa Delgado", "Rosalind Fox", "Tran Minh") if n in page} == shown
    if not shown:
        assert "Nobody matches this search." in page


@pytest.mark.parametrize(("field", "value", "message"), [
    ("q", "x" * 121, "Field cannot be longer than 120 characters."),
    ("q", "a\x00b", "control codes"),
    ("tier", "boss", "Not a valid choice."),
])
def test_a_bad_search_is_refused_next_to_the_field(
        coordinator: FlaskClient, field: str, value: str, message: str) -> None:
    response = coordinator.post("/people/search", data={field: value})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_the_person_page_shows_contact_details_fights_and_reliability_and_is_audited(
        app: Flask, coordinator: FlaskClient, make_case: Callable[..., int]) -> None:
    case_id = make_case(person_name="Maria Example", person_phone="206-555-0100",
                        summary="Deposit kept")
    person_id = person_of(app, case_id)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        done = [Action(case=case, kind=ActionKind.PICKET, status=ActionStatus.DONE)
                for _ in range(3)]
        planned = Action(case=case, kind=ActionKind.PICKET, status=ActionStatus.PLANNED)
        answers = [(CallAnswer.YES, True), (CallAnswer.YES, False), (CallAnswer.NO, True)]
        db.session.add_all([
            *(CallListEntry(action=action, person_id=person_id, answer=answer,
                            is_checked_in=came) for action, (answer, came) in zip(
                                done, answers, strict=True)),
            CallListEntry(action=planned, person_id=person_id, answer=CallAnswer.YES)])
        db.session.commit()
        reference = case.reference
    page = coordinator.get(f"/people/{person_id}").get_data(as_text=True)
    assert "206-555-0100" in page and reference in page and "Deposit kept" in page
    assert "said yes 2 times, came 2 times (1 of the 2 yes)" in page
    with app.app_context():
        entry = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "person.view_contact")).one()
        assert (entry.object_id, entry.detail) == (str(person_id), "people page")


@pytest.mark.parametrize(("viewer", "sees"), [
    ("coordinator", True), ("team_organizer", True), ("other_organizer", False)])
def test_a_member_in_a_fight_is_shown_only_on_a_need_to_know_basis(
        app: Flask, client: FlaskClient, make_user: Callable[..., int],
        make_case: Callable[..., int], viewer: str, sees: bool) -> None:
    team_organizer = make_user(Role.ORGANIZER)
    case_id = make_case(team=[team_organizer], person_name="Maria Example",
                        person_email="maria@example.org", safe_contact_notes="Never call home")
    person_id = person_of(app, case_id)
    user_id = {"coordinator": make_user(Role.COORDINATOR), "team_organizer": team_organizer,
               "other_organizer": make_user(Role.ORGANIZER)}[viewer]
    login(client, app, user_id)
    page = client.get(f"/people/{person_id}").get_data(as_text=True)
    with app.app_context():
        reference = db.session.get_one(Case, case_id).reference
    for contact in ("206-555-0100", "maria@example.org", "Never call home"):
        assert (contact in page) is sees
    assert (reference in page) is sees
    assert ("1 fight that only its case team may connect to this person" in page) is not sees
    assert client.get(f"/people/{person_id}/edit").status_code == (200 if sees else 403)
    with app.app_context():
        reads = db.session.scalars(select(AuditEntry.detail).where(
            AuditEntry.action == "person.view_contact")).all()
    assert reads == (["people page", "person edit form"] if sees else [])


def test_someone_in_no_fight_is_shown_to_every_organizer(
        app: Flask, login_as: Callable[[int], FlaskClient], make_user: Callable[..., int],
        add_person: Callable[..., int]) -> None:
    person_id = add_person("Sam Supporter", phone="206-555-0142")
    client = login_as(make_user(Role.ORGANIZER))
    assert "206-555-0142" in client.get(f"/people/{person_id}").get_data(as_text=True)


@pytest.mark.parametrize("role", [Role.INTAKE, Role.MEMBER])
def test_intake_volunteers_and_members_have_no_access(
        app: Flask, login_as: Callable[[int], FlaskClient], make_user: Callable[..., int],
        add_person: Callable[..., int], role: Role) -> None:
    person_id = add_person()
    client = login_as(make_user(role))
    for url in ("/people/", "/people/new", f"/people/{person_id}", f"/people/{person_id}/edit"):
        assert client.get(url).status_code == 403, url
    assert client.post("/people/new", data=VALID).status_code == 403
    assert count(app, Person) == 1


def test_a_person_of_another_network_is_not_found(
        app: Flask, coordinator: FlaskClient, add_person: Callable[..., int],
        make_network: Callable[..., int]) -> None:
    elsewhere = add_person("Elsewhere", network=make_network("OTH"))
    assert coordinator.get(f"/people/{elsewhere}").status_code == 404
    assert coordinator.get(f"/people/{elsewhere}/edit").status_code == 404


def test_adding_a_person(app: Flask, coordinator: FlaskClient) -> None:
    response = coordinator.post("/people/new", data=VALID)
    assert response.status_code == 302
    with app.app_context():
        person = db.session.scalars(select(Person)).one()
        assert (person.name, person.phone, person.email, person.languages, person.tier) == (
            "Rosa Delgado", "(206) 555-0111", "rosa@example.org", "es,en", Tier.SUPPORTER)
        assert (person.sms_consent, person.email_consent) == (True, False)
    assert response.location == f"/people/{person.id}"


SCRIPT = "<script>alert('x')</script>"
PERSON_CASES = [
    ("name", "", "A name or an alias is needed."),
    ("name", "x" * 121, "This is too long: at most 120 characters."),
    ("name", "Rosa\x00", "control codes"),
    ("phone", "12", "A phone number has at least 7 digits"),
    ("phone", "206-555-0111\x1b", "control codes"),
    ("phone", "2" * 41, "at most 40 characters"),
    ("email", "rosa@", "This is not an email address."),
    ("email", "rosa@example.org\nBcc: x", "This must fit on one line."),
    ("languages", "Klingon", "“Klingon” is not a language we know"),
    ("languages", ",".join(["en", "es", "zh", "vi", "tl", "ko", "ja", "ru", "uk", "pl", "ro",
                            "ar", "fa", "ps", "ku", "tr", "so", "am", "ti", "om", "sw", "yo"]),
     "Too many languages"),
    ("tier", "boss", "Not a valid choice."),
    ("safe_contact_notes", "n" * 10_001, "at most 10,000 characters"),
]


@pytest.mark.parametrize(("field", "value", "message"), PERSON_CASES,
                         ids=[f"{f}-{i}" for i, (f, _, _) in enumerate(PERSON_CASES)])
def test_the_person_form_refuses_bad_input_and_keeps_what_was_typed(
        app: Flask, coordinator: FlaskClient, field: str, value: str, message: str) -> None:
    data = {**VALID, field: value}
    if field != "safe_contact_notes":
        data["safe_contact_notes"] = f"Kept {SCRIPT}"
    response = coordinator.post("/people/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'aria-invalid="true"' in page and SCRIPT not in page
    if field != "safe_contact_notes":
        assert str(escape(f"Kept {SCRIPT}")) in page
    if field != "name":
        assert 'value="Rosa Delgado"' in page
    assert count(app, Person) == 0


def test_editing_the_person_of_a_fight_keeps_the_case_page_right(
        app: Flask, client: FlaskClient, make_user: Callable[..., int],
        make_case: Callable[..., int]) -> None:
    organizer = make_user(Role.ORGANIZER)
    case_id = make_case(team=[organizer], person_name="Maria Example")
    person_id = person_of(app, case_id)
    login(client, app, organizer)
    stale_edit = client.get(f"/cases/{case_id}/edit").get_data(as_text=True)
    assert 'value="206-555-0100"' in stale_edit
    with app.app_context():
        version = db.session.get_one(Case, case_id).version

    form = client.get(f"/people/{person_id}/edit").get_data(as_text=True)
    assert 'value="Maria Example"' in form and 'value="en"' in form
    response = client.post(f"/people/{person_id}/edit", data={
        "name": "Maria Example", "phone": "206-555-0199", "email": "", "languages": "es, en",
        "tier": "member", "safe_contact_notes": ""})
    assert response.status_code == 302

    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "206-555-0199" in page and "Spanish, English" in page
    assert "changed person phone, language — On the people page" in page
    # A case edit form opened before is out of date: it would write the old phone back.
    old = {"person_name": "Maria Example", "person_phone": "206-555-0100", "language": "en",
           "target_name": "Acme Landlords", "target_kind": "company", "issue_type": "deposit",
           "summary": "Deposit kept", "urgency": "normal", "retaliation_risk": "unknown",
           "still_employed_or_housed": "unknown", "version": str(version)}
    assert client.post(f"/cases/{case_id}/edit", data=old).status_code == 409
    with app.app_context():
        assert db.session.get_one(Person, person_id).phone == "206-555-0199"


def test_the_person_of_a_fight_keeps_a_way_to_be_reached(
        app: Flask, coordinator: FlaskClient, make_case: Callable[..., int]) -> None:
    person_id = person_of(app, make_case())
    response = coordinator.post(f"/people/{person_id}/edit", data={
        "name": "Maria Example", "phone": "", "email": "", "languages": "en", "tier": "member",
        "safe_contact_notes": ""})
    assert response.status_code == 400
    assert "They are in a fight: give a phone" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get_one(Person, person_id).phone == "206-555-0100"


def test_nothing_changed_writes_nothing_on_the_timeline(
        app: Flask, coordinator: FlaskClient, make_case: Callable[..., int]) -> None:
    case_id = make_case()
    person_id = person_of(app, case_id)
    before = count(app, Event)
    response = coordinator.post(f"/people/{person_id}/edit", data={
        "name": "Maria Example", "phone": "206-555-0100", "email": "", "languages": "en",
        "tier": "member", "safe_contact_notes": ""}, follow_redirects=True)
    assert "Nothing changed." in response.get_data(as_text=True)
    assert count(app, Event) == before


def test_merge_people_moves_everything_to_the_kept_record(
        app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
        add_person: Callable[..., int]) -> None:
    kept_case = make_case(person_name="Maria Example")
    dup_case = make_case(person_name="M. Example", person_phone="", person_email="m@example.org")
    keep_id, dup_id = person_of(app, kept_case), person_of(app, dup_case)
    member = make_user(Role.MEMBER)
    with app.app_context():
        case = db.session.get_one(Case, kept_case)
        both, only_dup = (Action(case=case, kind=ActionKind.PICKET) for _ in range(2))
        db.session.add_all([
            CallListEntry(action=both, person_id=keep_id, answer=CallAnswer.NOT_CALLED),
            CallListEntry(action=both, person_id=dup_id, answer=CallAnswer.YES,
                          is_checked_in=True),
            CallListEntry(action=only_dup, person_id=dup_id, answer=CallAnswer.MAYBE),
            ActionRole(action=only_dup, role=ActionRoleKind.SPEAKER, person_id=dup_id)])
        db.session.get_one(User, member).person_id = dup_id
        dup = db.session.get_one(Person, dup_id)
        dup.languages, dup.sms_consent, dup.safe_contact_notes = "es", True, "Side door"
        db.session.commit()
        merge_people(db.session.get_one(Person, keep_id), dup)
        db.session.commit()

        assert db.session.get(Person, dup_id) is None
        assert db.session.get_one(Case, dup_case).person_id == keep_id
        entries = db.session.scalars(select(CallListEntry).order_by(CallListEntry.id)).all()
        assert [(e.person_id, e.answer, e.is_checked_in) for e in entries] == [
            (keep_id, CallAnswer.YES, True), (keep_id, CallAnswer.MAYBE, False)]
        assert db.session.scalars(select(ActionRole.person_id)).one() == keep_id
        assert db.session.get_one(User, member).person_id == keep_id
        kept = db.session.get_one(Person, keep_id)
        assert (kept.name, kept.phone, kept.email) == (
            "Maria Example", "206-555-0100", "m@example.org")
        assert (kept.languages, kept.sms_consent, kept.safe_contact_notes) == (
            "en,es", True, "Side door")
        notes = db.session.scalars(select(Event.note).where(Event.case_id == dup_case)).all()
        assert "Two records of this person were merged" in notes


def test_merge_knows_every_table_that_points_at_a_person(app: Flask) -> None:
    """A new reference to person.id must be moved by merge_people before it deletes one."""
    pointing = {(fk.parent.table.name, fk.parent.name) for table in db.metadata.sorted_tables
                for fk in table.foreign_keys if fk.column.table.name == "person"}
    assert pointing == {("case_record", "person_id"), ("user_account", "person_id"),
                        ("action_role", "person_id"), ("call_list_entry", "person_id"),
                        ("call_list_entry", "caller_person_id"), ("invitation", "person_id"),
                        ("mobilization_recipient", "person_id")}


def test_possible_duplicates_are_offered_and_merged_after_a_confirmation(
        app: Flask, coordinator: FlaskClient, add_person: Callable[..., int]) -> None:
    keep = add_person("Rosa Delgado", phone="(206) 555-0111")
    duplicate = add_person("Rosa D.", phone="+1 206.555.0111", email="rosa@example.org")
    other = add_person("Someone Else", phone="206-555-0999")
    page = coordinator.get(f"/people/{keep}").get_data(as_text=True)
    assert "Possible duplicates" in page and "Rosa D." in page and "Someone Else" not in page
    merge_url = f"/people/{keep}/merge/{duplicate}"
    assert f'href="{merge_url}"' in page
    confirmation = coordinator.get(merge_url).get_data(as_text=True)
    assert "rosa@example.org" in confirmation and "This cannot be undone." in confirmation
    assert count(app, Person) == 3  # GET changes nothing
    response = coordinator.post(merge_url, follow_redirects=True)
    assert "The two records are now one." in response.get_data(as_text=True)
    assert count(app, Person) == 2
    assert coordinator.get(f"/people/{duplicate}").status_code == 404
    with app.app_context():
        assert db.session.get_one(Person, keep).email == "rosa@example.org"
    warning = coordinator.get(f"/people/{keep}/merge/{other}").get_data(as_text=True)
    assert "These two records share no phone number or email." in warning
    assert coordinator.get(f"/people/{keep}/merge/{keep}").status_code == 404


def test_an_organizer_cannot_merge_a_member_they_may_not_see(
        app: Flask, login_as: Callable[[int], FlaskClient], make_user: Callable[..., int],
        make_case: Callable[..., int], add_person: Callable[..., int]) -> None:
    hidden = person_of(app, make_case())
    supporter = add_person("Maria E.", phone="206-555-0100")
    client = login_as(make_user(Role.ORGANIZER))
    assert "Possible duplicates" not in client.get(f"/people/{supporter}").get_data(as_text=True)
    assert client.post(f"/people/{supporter}/merge/{hidden}").status_code == 403
    assert client.post(f"/people/{hidden}/merge/{supporter}").status_code == 403
    assert count(app, Person) == 2


def test_a_member_login_keeps_working_after_a_merge(
        app: Flask, client: FlaskClient, make_case: Callable[..., int],
        make_user: Callable[..., int], network_id: int) -> None:
    case_id = make_case(person_name="Maria Example")
    dup_case = make_case(person_name="Maria E.")
    keep, duplicate = person_of(app, case_id), person_of(app, dup_case)
    with app.app_context():
        member = User(network_id=network_id, role=Role.MEMBER, name="Maria",
                      email="maria@example.org", password_hash=PASSWORD_HASH,
                      person_id=duplicate)
        db.session.add(member)
        db.session.commit()
        merge_people(db.session.get_one(Person, keep), db.session.get_one(Person, duplicate))
        db.session.commit()
        member_id = member.id
        references = [db.session.get_one(Case, i).reference for i in (case_id, dup_case)]
    login(client, app, member_id)
    page = client.get("/my-fight").get_data(as_text=True)
    assert all(reference in page for reference in references)
