"""Importing the network's spreadsheet: a preview with every error by line and every probable
duplicate, then all rows or none; merge, skip or new per duplicate; the CLI does the same."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from casework.extensions import db
from casework.models import Case, Network, Person, Role, Tier, User
from casework.people.csv_import import MAX_ROWS, ImportRefused, import_rows, parse_csv
from casework.people.pending import PendingImports

HEADER = "Name,Phone number,E-mail,Language(s),Tier,SMS consent,Email consent,Notes\n"
CLEAN = HEADER + (
    "Rosa Delgado,(206) 555-0111,rosa@example.org,\"Spanish, English\",member,yes,no,Evenings\n"
    "Tran Van Minh,206.555.0112,,vi,supporter,y,n,\n"
    "Jo Okafor,,jo@example.org,,organizer,x,1,\"Call first,\nthen text\"\n"
    "Sam Reyes,+1 206 555 0114,,en,contact,false,true,\n"
)


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:
    return {"CASEWORK_UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def coordinator(login_as: Callable[[int], FlaskClient], make_user: Callable[..., int]
                ) -> FlaskClient:
    return login_as(make_user(Role.COORDINATOR))


@pytest.fixture
def add_person(app: Flask, network_id: int) -> Callable[..., int]:
    def add(name: str = "Ana Known", **values: Any) -> int:
        with app.app_context():
            person = Person(network_id=network_id, name=name, **values)
            db.session.add(person)
            db.session.commit()
            return person.id

    return add


def upload(client: FlaskClient, content: bytes | str, name: str = "people.csv") -> Any:
    data = content.encode() if isinstance(content, str) else content
    response = client.post("/people/import", content_type="multipart/form-data",
                           data={"upload": (io.BytesIO(data), name)})
    response.request.environ["wsgi.input"].close()  # the test client spools big bodies
    return response


def preview(client: FlaskClient) -> str:
    response = client.get("/people/import/preview")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def confirm(client: FlaskClient, **choices: str) -> Any:
    page = preview(client)
    found = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]{64})"', page)
    assert found, "the preview offers no import"
    return client.post("/people/import/confirm", data={"fingerprint": found.group(1), **choices})


def people(app: Flask) -> dict[str, Person]:
    with app.app_context():
        return {p.name: p for p in db.session.scalars(select(Person))}


def count_people(app: Flask) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Person)) or 0


def pending_files(app: Flask) -> list[Path]:
    folder = Path(app.config["CASEWORK_UPLOAD_DIR"]) / "people-imports"
    return sorted(folder.iterdir()) if folder.is_dir() else []


def test_a_clean_file_imports_every_row_and_the_list_shows_them(
        app: Flask, coordinator: FlaskClient) -> None:
    response = upload(coordinator, CLEAN)
    assert response.status_code == 302
    assert response.location == "/people/import/preview"  # no token, no name in the URL
    page = preview(coordinator)
    assert "4 rows read: 4 new, 0 possibly known already." in page
    assert "Rosa Delgado" in page and "Spanish, English" in page
    assert len(pending_files(app)) == 1

    response = confirm(coordinator)
    assert response.status_code == 302 and response.location == "/people/"
    listed = coordinator.get("/people/").get_data(as_text=True)
    assert "Imported: 4 new, 0 merged into people already known, 0 skipped." in listed
    for name in ("Rosa Delgado", "Tran Van Minh", "Jo Okafor", "Sam Reyes"):
        assert name in listed
    found = people(app)
    rosa, jo, sam = found["Rosa Delgado"], found["Jo Okafor"], found["Sam Reyes"]
    assert (rosa.phone, rosa.email, rosa.languages, rosa.tier) == (
        "(206) 555-0111", "rosa@example.org", "es,en", Tier.MEMBER)
    assert (rosa.sms_consent, rosa.email_consent, rosa.safe_contact_notes) == (
        True, False, "Evenings")
    assert (jo.languages, jo.tier, jo.sms_consent, jo.email_consent) == (
        "en", Tier.ORGANIZER, True, True)
    assert jo.safe_contact_notes == "Call first,\nthen text"
    assert (sam.sms_consent, sam.email_consent, sam.tier) == (False, True, Tier.CONTACT)
    assert pending_files(app) == []  # the uploaded file is gone once imported
    assert coordinator.get("/people/import/preview").status_code == 302  # nothing waits


BAD_ROWS = [
    (",206-555-0100,,,,,,", "Name: A name or an alias is needed."),
    ("Ana,,not-an-email,,,,,", "Email: This is not an email address."),
    ("Ana,,,,boss,,,", "Tier: Unknown tier"),
    ("Ana\x07,,,,,,,", "Name: This contains characters that cannot be stored"),
    ("Ana,,,,,,,a\x1b[31mb", "Notes: This contains characters that cannot be stored"),
    ("A" * 121 + ",,,,,,,", "Name: This is too long: at most 120 characters."),
    ("Ana,12,,,,,,", "Phone: A phone number has at least 7 digits"),
    ("Ana,,,Klingon,,,,", "Languages: “Klingon” is not a language we know"),
    ("Ana,,,,,maybe,,", "SMS consent: write yes or no"),
    ("Ana,,,,,,,notes,extra", "Row: more cells than the header has columns"),
]


@pytest.mark.parametrize(("row", "message"), BAD_ROWS, ids=[m.split(":")[0] + str(i)
                                                          for i, (_, m) in enumerate(BAD_ROWS)])
def test_a_bad_row_is_reported_with_its_line_and_nothing_is_imported(
        app: Flask, coordinator: FlaskClient, row: str, message: str) -> None:
    before = count_people(app)
    content = HEADER + "Good One,206-555-0190,,,,,,\n\n" + row + "\nGood Two,,,,,,,\n"
    assert upload(coordinator, content).status_code == 302
    page = preview(coordinator)
    assert "Nothing will be imported while any row has an error" in page
    assert re.search(r"<td>4</td><td>[^<]*</td>\s*<td><ul><li>" + re.escape(message), page), \
        "the error sits on line 4 (the empty line 3 is skipped, not renumbered)"
    assert 'name="fingerprint"' not in page  # no import button
    assert coordinator.post("/people/import/confirm", data={}).status_code == 400
    assert count_people(app) == before


def test_every_bad_row_is_listed_with_its_own_line(app: Flask, coordinator: FlaskClient) -> None:
    content = HEADER + ",,,,,,,\n" + "".join(f"{row}\n" for row, _ in BAD_ROWS[:4])
    upload(coordinator, content)
    page = preview(coordinator)
    lines = re.findall(r"<tr><td>(\d+)</td><td>[^<]*</td>\s*<td><ul>", page)
    assert lines == ["3", "4", "5", "6"]  # line 2 holds only empty cells: skipped
    assert "4 with errors" in page


@pytest.mark.parametrize(("existing", "phone", "email"), [
    ({"phone": "(206) 555-0100"}, "+1 206.555.0100", ""),
    ({"phone": "206-555-0100"}, "1-206-555-0100 ", ""),
    ({"email": "Ana@Example.org"}, "206-555-0177", "ANA@example.ORG"),
], ids=["phone-formatting", "phone-country-code", "email-case"])
@pytest.mark.parametrize("choice", ["merge", "skip", "new"])
def test_a_duplicate_of_someone_known_is_merged_skipped_or_added(
        app: Flask, coordinator: FlaskClient, add_person: Callable[..., int],
        existing: dict[str, str], phone: str, email: str, choice: str) -> None:
    known = add_person("Ana Known", languages="en", **existing)
    upload(coordinator, HEADER + f"Ana K,{phone},{email},fr,,yes,,Back door\n")
    page = preview(coordinator)
    assert "1 row read: 0 new, 1 possibly known already." in page
    assert f"Merge into Ana Known (#{known})" in page
    value = {"merge": f"person-{known}", "skip": "skip", "new": "new"}[choice]
    assert confirm(coordinator, line_2=value).status_code == 302
    assert count_people(app) == (2 if choice == "new" else 1)
    kept = people(app)["Ana Known"]
    if choice == "merge":  # what was missing is filled in, what was there stays
        assert (kept.languages, kept.sms_consent, kept.safe_contact_notes) == (
            "en,fr", True, "Back door")
        assert kept.phone == existing.get("phone", phone.strip())
        assert kept.email == existing.get("email", email)
    else:
        assert (kept.languages, kept.sms_consent, kept.safe_contact_notes) == ("en", False, "")
        assert kept.phone == existing.get("phone", "")


def test_a_no_in_the_file_never_withdraws_consent_and_the_kept_details_stay(
        app: Flask, coordinator: FlaskClient, add_person: Callable[..., int]) -> None:
    known = add_person("Ana Known", phone="206-555-0100", email="ana@example.org",
                       sms_consent=True, tier=Tier.MEMBER, safe_contact_notes="Back door")
    upload(coordinator, HEADER + "Ana Other,2065550100,other@example.org,es,contact,no,yes,"
                                 "Back door\n")
    confirm(coordinator, line_2=f"person-{known}")
    kept = people(app)["Ana Known"]
    assert (kept.phone, kept.email, kept.tier) == ("206-555-0100", "ana@example.org",
                                                   Tier.MEMBER)
    assert (kept.sms_consent, kept.email_consent) == (True, True)
    assert kept.safe_contact_notes == "Back door"  # the same note is not added twice
    assert kept.languages == "en,es"


@pytest.mark.parametrize(("choice", "created", "languages"), [
    ("line-2", 1, "es,en"), ("skip", 1, "es"), ("new", 2, "es")])
def test_duplicates_within_the_file_are_found_too(
        app: Flask, coordinator: FlaskClient, choice: str, created: int, languages: str) -> None:
    upload(coordinator, HEADER + "Rosa D,(206) 555-0111,,es,,,,\nRosa Delgado,206 555 0111,"
                                 "ROSA@example.org,en,,,,\nSomeone Else,,,,,,,\n")
    page = preview(coordinator)
    assert "Merge into line 2 of this file" in page
    assert confirm(coordinator, line_3=choice).status_code == 302
    assert count_people(app) == created + 1
    assert people(app)["Rosa D"].languages == languages


def test_merging_into_a_skipped_earlier_row_imports_the_row_in_its_place(
        app: Flask, coordinator: FlaskClient, add_person: Callable[..., int]) -> None:
    known = add_person("Ana Known", phone="206-555-0100")
    upload(coordinator, HEADER + "Ana A,206-555-0100,a@example.org,,,,,\n"
                                 "Ana B,,A@EXAMPLE.ORG,,,,,\n")
    page = preview(coordinator)
    assert "Merge into line 2 of this file" in page
    confirm(coordinator, line_2="skip", line_3="line-2")
    assert set(people(app)) == {"Ana Known", "Ana B"}
    assert people(app)["Ana Known"].id == known


def test_a_choice_not_offered_is_refused_and_nothing_is_imported(
        app: Flask, coordinator: FlaskClient, add_person: Callable[..., int]) -> None:
    add_person("Ana Known", phone="206-555-0100")
    unrelated = add_person("Someone Else", phone="206-555-0199")
    upload(coordinator, HEADER + "Ana,206-555-0100,,,,,,\nNew One,,,,,,,\n")
    response = confirm(coordinator, line_2=f"person-{unrelated}")
    assert response.status_code == 400
    assert "Not a valid choice" in response.get_data(as_text=True)
    assert count_people(app) == 2


def test_bom_and_semicolons_as_excel_writes_them(app: Flask, coordinator: FlaskClient) -> None:
    content = ("\ufeffNOMBRE;Phone Number;E-Mail;LANGUAGE(S);SMS OK\r\n"
               "José Pérez;+52 55 1234 5678;jose@example.org;Español y Inglés;sí\r\n"
               "Ana María;555-123-4567;;es;\r\n")
    content = content.replace("NOMBRE", "Full Name")
    upload(coordinator, content.encode("utf-8"))
    page = preview(coordinator)
    assert "name from “Full Name”" in page and "sms consent from “SMS OK”" in page
    confirm(coordinator)
    jose = people(app)["José Pérez"]
    assert (jose.phone, jose.email, jose.languages, jose.sms_consent) == (
        "+52 55 1234 5678", "jose@example.org", "es,en", True)
    assert "Ana María" in people(app)


def test_first_and_last_name_columns_and_ignored_columns(
        app: Flask, coordinator: FlaskClient) -> None:
    upload(coordinator, "First name,Last name,Zip,Mobile,Cell\nRosa,Delgado,98101,"
                        "206-555-0111,206-555-0999\n")
    page = preview(coordinator)
    assert "Ignored: “Zip”, “Cell”." in page
    confirm(coordinator)
    assert people(app)["Rosa Delgado"].phone == "206-555-0111"


@pytest.mark.parametrize(("content", "message"), [
    (b"Name\n" + b"x" * (2 * 1024 * 1024), "larger than 2 MB"),
    (("Name\n" + "Someone\n" * (MAX_ROWS + 1)).encode(), "more than 5,000 people"),
    (b"%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF\n", "not a CSV file"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(64), "spreadsheet file (Excel"),
    ("Name\nJosé\n".encode("latin-1"), "not a CSV saved as UTF-8"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV"),
    (b"", "empty"),
    (b"Telefono,Correo\n206-555-0100,a@example.org\n", "one of them the name"),
    (b"Name\n\"unclosed\n" + b"x" * 200_000, "cannot be read as CSV"),
], ids=["too-big", "too-many-rows", "pdf", "xlsx", "latin-1", "png", "empty", "no-name-column",
        "huge-cell"])
def test_a_file_that_cannot_be_imported_is_refused_next_to_the_field(
        app: Flask, coordinator: FlaskClient, content: bytes, message: str) -> None:
    response = upload(coordinator, content, "people.csv")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'aria-invalid="true"' in page
    assert pending_files(app) == [] and count_people(app) == 0


def test_exactly_the_row_limit_is_accepted(app: Flask, coordinator: FlaskClient) -> None:
    upload(coordinator, "Name\n" + "".join(f"Person {n}\n" for n in range(MAX_ROWS)))
    assert confirm(coordinator).status_code == 302
    assert count_people(app) == MAX_ROWS


@pytest.mark.parametrize(("page", "first", "last", "links"), [
    ("1", "Person 0", "Person 199", ["Next rows"]),
    ("2", "Person 200", "Person 399", ["Previous rows", "Next rows"]),
    ("3", "Person 400", "Person 449", ["Previous rows"]),
    ("99", "Person 400", "Person 449", ["Previous rows"]),  # past the end: the last page
    ("²", "Person 0", "Person 199", ["Next rows"]),
])
def test_a_long_preview_shows_its_rows_a_page_at_a_time(
        coordinator: FlaskClient, page: str, first: str, last: str, links: list[str]) -> None:
    upload(coordinator, "Name\n" + "".join(f"Person {n}\n" for n in range(450)))
    response = coordinator.get("/people/import/preview", query_string={"page": page})
    assert response.status_code == 200
    rows = re.findall(r"<td>(Person \d+)</td>", response.get_data(as_text=True))
    assert (rows[0], rows[-1], len(rows)) == (first, last, 200 if last != "Person 449" else 50)
    shown = [text for text in ("Previous rows", "Next rows") if text in response.get_data(
        as_text=True)]
    assert shown == links
    assert "Import 450 rows" in response.get_data(as_text=True)  # the whole file, every page


def test_the_confirmation_is_for_the_file_reviewed(app: Flask, coordinator: FlaskClient) -> None:
    upload(coordinator, HEADER + "First File,,,,,,,\n")
    first = preview(coordinator)
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]{64})"', first)
    assert fingerprint
    upload(coordinator, HEADER + "Second File,,,,,,,\n")  # another tab
    assert len(pending_files(app)) == 1  # the first upload was discarded
    response = coordinator.post("/people/import/confirm",
                                data={"fingerprint": fingerprint.group(1)})
    assert response.status_code == 302 and response.location == "/people/import/preview"
    assert count_people(app) == 0


def test_an_upload_is_imported_once_even_if_confirmed_twice_at_once(
        app: Flask, coordinator: FlaskClient) -> None:
    upload(coordinator, CLEAN)
    page = preview(coordinator)
    fingerprint = re.search(r'name="fingerprint" type="hidden" value="([0-9a-f]{64})"', page)
    assert fingerprint
    with coordinator.session_transaction() as session:
        token = session["people_import"]["token"]
    store = PendingImports.from_config(app.config)
    assert store.claim(token) is not None  # the other request got there first
    response = coordinator.post("/people/import/confirm",
                                data={"fingerprint": fingerprint.group(1)})
    assert response.status_code == 302 and response.location == "/people/import"
    assert count_people(app) == 0
    store.release(token)  # the other request did not import after all
    assert confirm(coordinator).status_code == 302
    assert count_people(app) == 4
    assert coordinator.post("/people/import/confirm",
                            data={"fingerprint": fingerprint.group(1)}).status_code == 302
    assert count_people(app) == 4 and pending_files(app) == []


def test_a_refused_confirmation_keeps_the_file_for_the_next_try(
        app: Flask, coordinator: FlaskClient, add_person: Callable[..., int]) -> None:
    add_person("Ana Known", phone="206-555-0100")
    upload(coordinator, HEADER + "Ana,206-555-0100,,,,,,\n")
    assert confirm(coordinator, line_2="bogus").status_code == 400
    assert confirm(coordinator, line_2="skip").status_code == 302
    assert count_people(app) == 1 and pending_files(app) == []


def test_discarding_removes_the_file(app: Flask, coordinator: FlaskClient) -> None:
    upload(coordinator, CLEAN)
    assert coordinator.post("/people/import/cancel").status_code == 302
    assert pending_files(app) == [] and count_people(app) == 0
    assert coordinator.get("/people/import/preview").status_code == 302


def test_an_expired_upload_is_not_imported(app: Flask, coordinator: FlaskClient) -> None:
    upload(coordinator, CLEAN)
    (path,) = pending_files(app)
    os.utime(path, (0, 0))
    response = coordinator.get("/people/import/preview", follow_redirects=True)
    assert "No uploaded file is waiting" in response.get_data(as_text=True)
    assert pending_files(app) == []


def test_another_user_cannot_use_the_upload(app: Flask, coordinator: FlaskClient,
                                            make_user: Callable[..., int]) -> None:
    upload(coordinator, CLEAN)
    with coordinator.session_transaction() as session:
        session["people_import"] = {**session["people_import"],
                                    "user_id": make_user(Role.ORGANIZER)}
    assert coordinator.get("/people/import/preview").status_code == 302


@pytest.mark.parametrize(("role", "status"), [
    (Role.COORDINATOR, 302), (Role.ORGANIZER, 302), (Role.INTAKE, 403), (Role.MEMBER, 403)])
def test_who_may_import(app: Flask, login_as: Callable[[int], FlaskClient],
                        make_user: Callable[..., int], role: Role, status: int) -> None:
    client = login_as(make_user(role))
    assert upload(client, CLEAN).status_code == status
    assert client.get("/people/import").status_code == (200 if status == 302 else 403)
    assert count_people(app) == 0


@pytest.fixture
def hidden_member(app: Flask, make_user: Callable[..., int], make_case: Callable[..., int]
                  ) -> Callable[[], tuple[int, int]]:
    """A member in a fight with its own case team; returns (person, team organizer)."""

    def make() -> tuple[int, int]:
        team_organizer = make_user(Role.ORGANIZER)
        case_id = make_case(team=[team_organizer], person_name="Maria Example",
                            person_phone="206-555-0100", safe_contact_notes="Never call home")
        with app.app_context():
            return db.session.get_one(Case, case_id).person_id, team_organizer

    return make


def without_csrf_token(page: str) -> str:
    """The page without its CSRF token (signed with the time, it changes every second)."""
    return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', page)


def member_record(app: Flask, person_id: int) -> tuple[str, bool, bool, str, str]:
    with app.app_context():
        person = db.session.get_one(Person, person_id)
        return (person.email, person.sms_consent, person.email_consent,
                person.safe_contact_notes, person.languages)


UNTOUCHED = ("", False, False, "Never call home", "en")
PROBE = HEADER + "Probe,206 555 0100,attacker@example.org,fr,,yes,yes,Call the back door\n"


def test_a_member_the_importer_may_not_see_is_no_match_at_all(
        app: Flask, login_as: Callable[[int], FlaskClient], make_user: Callable[..., int],
        hidden_member: Callable[[], tuple[int, int]]) -> None:
    """The preview reads exactly as if the member did not exist, and the row becomes a new
    person whose page leads nowhere near the member."""
    member, _team_organizer = hidden_member()
    client = login_as(make_user(Role.ORGANIZER))
    upload(client, PROBE)
    preview(client)  # shows the login's welcome once
    page = without_csrf_token(preview(client))
    with app.app_context():  # the same file against a network where that phone is unknown
        db.session.get_one(Person, member).phone = "206-555-0999"
        db.session.commit()
    assert without_csrf_token(preview(client)) == page
    with app.app_context():
        db.session.get_one(Person, member).phone = "206-555-0100"
        db.session.commit()
    assert "1 row read: 1 new, 0 possibly known already." in page
    assert "Merge into" not in page and "Maria Example" not in page
    assert "details hidden" not in page and "not on" not in page

    assert confirm(client).status_code == 302
    assert member_record(app, member) == UNTOUCHED
    probe = people(app)["Probe"].id
    probe_page = client.get(f"/people/{probe}").get_data(as_text=True)
    assert "Possible duplicates" not in probe_page and f"/people/{member}" not in probe_page
    for merge_url in (f"/people/{probe}/merge/{member}", f"/people/{member}/merge/{probe}"):
        assert client.get(merge_url).status_code == 403
        assert client.post(merge_url).status_code == 403
    assert count_people(app) == 2 and member_record(app, member) == UNTOUCHED


@pytest.mark.parametrize("importer", ["coordinator", "team_organizer"])
def test_whoever_may_edit_the_member_can_still_merge_a_row_into_them(
        app: Flask, login_as: Callable[[int], FlaskClient], make_user: Callable[..., int],
        hidden_member: Callable[[], tuple[int, int]], importer: str) -> None:
    member, team_organizer = hidden_member()
    client = login_as(make_user(Role.COORDINATOR) if importer == "coordinator"
                      else team_organizer)
    upload(client, PROBE)
    page = preview(client)
    assert "1 row read: 0 new, 1 possibly known already." in page
    assert f"Merge into Maria Example (#{member})" in page
    assert confirm(client, line_2=f"person-{member}").status_code == 302
    assert member_record(app, member) == (
        "attacker@example.org", True, True, "Never call home\n\nCall the back door", "en,fr")
    assert count_people(app) == 1


@pytest.mark.parametrize("target", ["hidden member", "no one", "unrelated"])
@pytest.mark.parametrize("row", ["matches the member", "matches nobody",
                                 "matches the member and a supporter"])
def test_a_forged_merge_into_someone_the_importer_may_not_edit_is_refused(
        app: Flask, login_as: Callable[[int], FlaskClient], make_user: Callable[..., int],
        hidden_member: Callable[[], tuple[int, int]], add_person: Callable[..., int],
        target: str, row: str) -> None:
    """The refusal reads the same whether the id is a hidden member, no one or someone
    else: it cannot be used to learn who exists."""
    member, _team_organizer = hidden_member()
    unrelated = add_person("Someone Else", phone="206-555-0199")
    phone = "206-555-0177" if row == "matches nobody" else "206-555-0100"
    if row == "matches the member and a supporter":
        add_person("Sam Supporter", email="probe@example.org")
    client = login_as(make_user(Role.ORGANIZER))
    upload(client, HEADER + f"Probe,{phone},probe@example.org,fr,,yes,yes,Back door\n")
    forged = {"hidden member": member, "no one": 999_999, "unrelated": unrelated}[target]
    response = confirm(client, line_2=f"person-{forged}")
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    if row == "matches the member and a supporter":  # a choice is offered: not this one
        assert "Not a valid choice" in body
    else:
        assert ("The form sent a choice for line 2, but this preview offers no choice for "
                "that row: review the preview and confirm again.") in body
    assert "Maria Example" not in body and "details hidden" not in body
    assert count_people(app) == (3 if row == "matches the member and a supporter" else 2)
    assert member_record(app, member) == UNTOUCHED
    assert len(pending_files(app)) == 1  # the file waits for an honest confirmation


def test_the_import_service_refuses_a_merge_the_importer_could_not_make_by_hand(
        app: Flask, make_user: Callable[..., int], network_id: int,
        hidden_member: Callable[[], tuple[int, int]]) -> None:
    """Even given a reading of the file made for someone who sees everyone."""
    member, _team_organizer = hidden_member()
    organizer = make_user(Role.ORGANIZER)
    with app.app_context():
        parsed = parse_csv(PROBE.encode(), network_id, importer=None)
        assert parsed.rows[0].existing == [member]
        with pytest.raises(ImportRefused, match="Line 2: this choice is no longer possible"):
            import_rows(parsed, network_id, {2: f"person-{member}"},
                        db.session.get_one(User, organizer))
        db.session.rollback()
        assert parse_csv(PROBE.encode(), network_id,
                         importer=db.session.get_one(User, organizer)).rows[0].existing == []
    assert member_record(app, member) == UNTOUCHED and count_people(app) == 1


def write(tmp_path: Path, content: str) -> str:
    path = tmp_path / "people.csv"
    path.write_text(content, encoding="utf-8")
    return str(path)


def test_the_command_line_imports_with_the_same_checks(
        app: Flask, runner: Any, tmp_path: Path, network_id: int,
        add_person: Callable[..., int]) -> None:
    add_person("Ana Known", phone="206-555-0111")
    path = write(tmp_path, CLEAN)
    dry = runner.invoke(args=["casework", "people", "import", path, "--network", "sea",
                              "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "Line 2: same phone or email as #1." in dry.output
    assert "Would import: 3 new, 1 merged, 0 skipped (dry run" in dry.output
    assert count_people(app) == 1
    done = runner.invoke(args=["casework", "people", "import", path, "--network", "SEA",
                               "--duplicates", "skip"])
    assert done.exit_code == 0, done.output
    assert "Imported: 3 new, 0 merged, 1 skipped." in done.output
    assert count_people(app) == 4


def test_the_command_line_runs_as_the_administrator_and_merges_into_anyone(
        app: Flask, runner: Any, tmp_path: Path, hidden_member: Callable[[], tuple[int, int]]
) -> None:
    member, _team_organizer = hidden_member()
    result = runner.invoke(args=["casework", "people", "import", write(tmp_path, PROBE),
                                 "--network", "SEA"])
    assert result.exit_code == 0, result.output
    assert f"Line 2: same phone or email as #{member}." in result.output
    assert "Imported: 0 new, 1 merged, 0 skipped." in result.output
    assert member_record(app, member)[:3] == ("attacker@example.org", True, True)


def test_the_command_line_refuses_a_file_with_errors(
        app: Flask, runner: Any, tmp_path: Path, network_id: int) -> None:
    path = write(tmp_path, HEADER + "Good,,,,,,,\n,,bad,,,,,\n")
    result = runner.invoke(args=["casework", "people", "import", path, "--network", "SEA"])
    assert result.exit_code != 0
    assert "Line 3: Name: A name or an alias is needed.; Email: This is not an email" in \
        result.output
    assert "nothing was imported" in result.output
    assert count_people(app) == 0
    unknown = runner.invoke(args=["casework", "people", "import", path, "--network", "NOPE"])
    assert unknown.exit_code != 0 and "No network with code NOPE" in unknown.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Network)) == 1


def test_the_preview_speaks_spanish_to_a_spanish_coordinator(
        app: Flask, login_as: Callable[[int], FlaskClient],
        make_user: Callable[..., int], add_person: Callable[..., int]) -> None:
    from tests.test_no_english_on_spanish_pages import english_sentences, visible_text

    add_person("Ana Known", phone="206-555-0100")
    coordinator_id = make_user(Role.COORDINATOR)
    with app.app_context():
        db.session.get_one(User, coordinator_id).ui_language = "es"
        db.session.commit()
    client = login_as(coordinator_id)
    rows = "".join(f"{row}\n" for row, _message in BAD_ROWS) + "Ana Known,206-555-0100,,,,,,\n"
    upload(client, HEADER + rows)
    page = preview(client)
    assert '<html lang="es"' in page and "Nombre: " in page
    text = visible_text(page)
    # (the file's own column names, "Email consent", are shown as the file has them)
    assert [sentence for sentence in english_sentences()
            if sentence in text and sentence not in HEADER] == []
