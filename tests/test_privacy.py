"""Exports (full only with a fresh second factor, otherwise pseudonymised) and retention purge."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.documents.storage import DocumentStore
from casework.extensions import db
from casework.letters.context import LetterKind
from casework.models import (
    AuditEntry,
    Case,
    Delivery,
    Document,
    Event,
    EventKind,
    Letter,
    LetterVersion,
    Network,
    Outcome,
    OutcomeKind,
    Role,
    Task,
    User,
)
from casework.people.services import merge_people
from casework.portal.services import invite_member
from casework.privacy import views as privacy_views
from casework.privacy.pseudonyms import fight_pseudonym, pseudonym
from casework.privacy.purge import PURGED_FILE_NAME, PURGED_NAME, PURGED_TASK_TITLE
from casework.privacy.second_factor import verify_url
from casework.users.invitations import accept_invitation
from casework.workflow.states import CaseState
from tests.conftest import PASSWORD, login

SECRET = "test-secret-key"  # conftest's SECRET_KEY


def read_csv(response: Any) -> list[dict[str, str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data().decode("utf-8-sig"))))


@pytest.fixture
def second_factor(monkeypatch: pytest.MonkeyPatch) -> Callable[[bool], None]:
    """Decide whether the user has a fresh second factor (two-factor login is tested apart)."""

    def set_fresh(fresh: bool) -> None:
        monkeypatch.setattr(privacy_views, "fresh_second_factor", lambda: fresh)

    return set_fresh


@pytest.fixture
def verify_page(app: Flask) -> None:
    """The two-factor confirmation page, stubbed if two-factor login is not in this build."""
    if "auth.verify_second_factor" not in app.view_functions:
        app.add_url_rule("/verify-code", endpoint="auth.verify_second_factor",
                         view_func=lambda: "confirm your code")


def export_audit(app: Flask) -> list[AuditEntry]:
    with app.app_context():
        return list(db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "export.csv")))


def test_a_coordinator_with_a_fresh_second_factor_gets_names_and_contacts(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], second_factor: Callable[[bool], None],
) -> None:
    case_id = make_case(person_email="maria@example.org")
    second_factor(True)
    coordinator = make_user(Role.COORDINATOR)
    response = login_as(coordinator).get("/export/cases.csv")
    assert response.is_streamed
    assert response.headers["Cache-Control"] == "no-store"
    [row] = read_csv(response)
    with app.app_context():
        reference = db.session.get_one(Case, case_id).reference
    assert row["reference"] == reference and row["state"] == "inquiry"
    assert row["issue_type"] == "deposit" and row["amount_claimed"] == "1200.00"
    assert row["target"] == "Acme Landlords"
    assert (row["person_name"], row["person_phone"], row["person_email"]) == (
        "Maria Example", "206-555-0100", "maria@example.org")
    [entry] = export_audit(app)
    assert entry.user_id == coordinator and entry.detail.startswith("full")


@pytest.mark.parametrize("role", [Role.ORGANIZER, Role.COORDINATOR])
def test_without_a_fresh_second_factor_people_are_pseudonyms_without_contacts(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], second_factor: Callable[[bool], None], role: Role,
) -> None:
    organizer = make_user(Role.ORGANIZER)
    first = make_case(team=[organizer], person_email="maria@example.org",
                      safe_contact_notes="Text only")
    second = make_case(person_name="Jon Other", person_phone="206-555-0123")
    second_factor(False)
    client = login_as(organizer if role == Role.ORGANIZER else make_user(role))
    response = client.get("/export/cases.csv" + ("?redacted=1" if role == Role.COORDINATOR
                                                 else ""))
    body = response.get_data(as_text=True)
    for personal in ("Maria Example", "206-555-0100", "maria@example.org", "Text only",
                     "Jon Other", "206-555-0123"):
        assert personal not in body
    rows = read_csv(response)
    assert set(rows[0]) >= {"reference", "target", "person_pseudonym"}
    assert not {"person_name", "person_phone", "person_email"} & set(rows[0])
    with app.app_context():
        people = [db.session.get_one(Case, case_id).person_id for case_id in (first, second)]
    # An organizer not on the second fight's team gets a pseudonym of that fight alone.
    expected = [pseudonym(people[0], SECRET), pseudonym(people[1], SECRET)
                if role == Role.COORDINATOR else fight_pseudonym(second, SECRET)]
    assert [row["person_pseudonym"] for row in rows] == expected
    assert rows[0]["person_pseudonym"] != rows[1]["person_pseudonym"]
    assert read_csv(client.get("/export/cases.csv?redacted=1")) == rows  # stable
    assert all(entry.detail.startswith("redacted") for entry in export_audit(app))


@pytest.mark.parametrize(("exporter", "linked"), [
    ("coordinator", True), ("organizer on both teams", True),
    ("organizer on one team", False), ("organizer on neither team", False)])
def test_a_redacted_export_links_two_fights_of_one_person_only_for_who_may_connect_them(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], exporter: str, linked: bool,
) -> None:
    """The same pseudonym on two rows says they are one person: only where the person's
    page shows the exporter both fights."""
    team_a, team_b = make_user(Role.ORGANIZER), make_user(Role.ORGANIZER)
    exporter_id = {"coordinator": make_user(Role.COORDINATOR),
                   "organizer on neither team": make_user(Role.ORGANIZER),
                   "organizer on one team": team_a}.get(exporter, team_a)
    first = make_case(team=[team_a], person_name="Maria Example")
    second = make_case(team=[team_b, exporter_id] if exporter == "organizer on both teams"
                       else [team_b], person_name="Maria E.", person_phone="206-555-0100")
    with app.app_context():
        keep, duplicate = (db.session.get_one(Case, case_id).person for case_id in (first,
                                                                                  second))
        merge_people(keep, duplicate)
        db.session.commit()
        person_id = keep.id
        references = [db.session.get_one(Case, case_id).reference for case_id in (first, second)]
    client = login_as(exporter_id)
    rows = read_csv(client.get("/export/cases.csv?redacted=1"))
    assert [row["reference"] for row in rows] == references
    names = [row["person_pseudonym"] for row in rows]
    assert (names[0] == names[1]) is linked
    person_page = client.get(f"/people/{person_id}").get_data(as_text=True)
    assert all(reference in person_page for reference in references) is linked
    connectable = {"coordinator": (True, True), "organizer on both teams": (True, True),
                   "organizer on one team": (True, False),
                   "organizer on neither team": (False, False)}[exporter]
    for name, case_id, may_connect in zip(names, (first, second), connectable, strict=True):
        assert (name == pseudonym(person_id, SECRET)) is may_connect
        assert re.fullmatch(r"Member-[0-9A-F]{8}", name)
        if not may_connect:
            assert name == fight_pseudonym(case_id, SECRET)
    assert read_csv(client.get("/export/cases.csv?redacted=1")) == rows  # stable


def test_pseudonyms_are_keyed_with_the_secret() -> None:
    assert pseudonym(3, "one key") == pseudonym(3, "one key")
    assert pseudonym(3, "one key") != pseudonym(3, "another key")
    assert re.fullmatch(r"Member-[0-9A-F]{8}", pseudonym(3, "one key"))
    assert re.fullmatch(r"Member-[0-9A-F]{8}", fight_pseudonym(3, "one key"))
    assert fight_pseudonym(3, "one key") != pseudonym(3, "one key")
    assert fight_pseudonym(3, "one key") != fight_pseudonym(3, "another key")


def test_a_coordinator_is_asked_for_a_fresh_code_before_a_full_export(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], second_factor: Callable[[bool], None],
    verify_page: None,
) -> None:
    make_case()
    second_factor(False)
    client = login_as(make_user(Role.COORDINATOR))
    response = client.get("/export/cases.csv")
    assert response.status_code == 302
    with app.test_request_context():
        assert response.location == verify_url("/export/cases.csv")
    with client.session_transaction() as session:
        assert ("info", "Confirm your two-factor code to export personal data.") in session[
            "_flashes"]
    assert export_audit(app) == []


def test_without_two_factor_pages_only_the_redacted_export_is_offered() -> None:
    bare = Flask(__name__)
    with bare.test_request_context():
        assert verify_url("/export/cases.csv") is None


def test_cells_a_spreadsheet_would_run_as_formulas_are_neutralised(
    make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], second_factor: Callable[[bool], None],
) -> None:
    make_case(target_name="=HYPERLINK(\"http://evil.example\")", person_name="@SUM(A1)",
              person_phone="+1 206 555 0100", person_email="-x@example.org")
    second_factor(True)
    [row] = read_csv(login_as(make_user(Role.COORDINATOR)).get("/export/cases.csv"))
    assert row["target"] == "'=HYPERLINK(\"http://evil.example\")"
    assert row["person_name"] == "'@SUM(A1)"
    assert row["person_phone"] == "'+1 206 555 0100"
    assert row["person_email"] == "'-x@example.org"


def test_an_export_holds_only_the_users_network(
    make_case: Callable[..., int], make_user: Callable[..., int],
    make_network: Callable[..., int], login_as: Callable[[int], FlaskClient],
    second_factor: Callable[[bool], None],
) -> None:
    make_case()
    make_case(make_user(Role.INTAKE, network=make_network("OTH")), person_name="Far Away")
    second_factor(True)
    rows = read_csv(login_as(make_user(Role.COORDINATOR)).get("/export/cases.csv"))
    assert [row["person_name"] for row in rows] == ["Maria Example"]


@pytest.mark.parametrize("role", [Role.INTAKE, Role.MEMBER])
def test_intake_and_members_cannot_export(
    make_user: Callable[..., int], login_as: Callable[[int], FlaskClient], role: Role
) -> None:
    client = login_as(make_user(role))
    assert client.get("/export/cases.csv?redacted=1").status_code == 403
    assert client.get("/export/").status_code == 403


# --- Retention purge -------------------------------------------------------------------------

LONG_AGO = datetime(2024, 3, 1, 12, tzinfo=UTC)
CUTOFF = "2025-01-01"
PURGE_NOTE = ("Personal data purged (the fight ended before 2025-01-01): names, contact "
              "details and texts removed.")


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:  # uploads go to the test's own folder
    return {"CASEWORK_UPLOAD_DIR": str(tmp_path / "uploads")}


def ended_fight(app: Flask, make_fight: Callable[..., tuple[int, int]], *, ended_at: datetime,
                state: CaseState = CaseState.WON, **facts: Any) -> int:
    """A fight that ended at ``ended_at`` with every kind of record that may name the member."""
    case_id, organizer = make_fight(state, **facts)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        case.what_happened = "Maria worked 120 hours; the boss shouted at her."
        case.state_changed_at = ended_at
        version = db.session.scalars(select(LetterVersion).join(Letter)
                                     .where(Letter.case_id == case_id)).one()
        version.source_html, version.pdf, version.sha256 = "<p>Maria</p>", b"%PDF", "ab" * 32
        version.frozen_at = ended_at
        db.session.add_all([
            Outcome(case=case, kind=OutcomeKind.FULL, amount_recovered=Decimal("2000.00"),
                    decided_on=ended_at.date(), debrief="Maria was thrilled."),
            Delivery(case=case, delivered_at=ended_at - timedelta(days=20), place="Pine St",
                     handed_over_by="Maria and 18 supporters", turnout=19),
            Event(case=case, actor_id=organizer, kind=EventKind.NOTE, note="Called Maria"),
            Task(case_id=case_id, title="Drive Maria to the meeting"),
        ])
        db.session.commit()
    return case_id


def purge(runner: Any, *args: str, answer: str | None = None) -> Any:
    return runner.invoke(args=["casework", "purge", *args], input=answer)


def snapshot_of(app: Flask, case_id: int) -> dict[str, Any]:
    """Everything the purge may touch or must keep, as plain values."""
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        version = db.session.scalars(select(LetterVersion).join(Letter)
                                     .where(Letter.case_id == case_id)).first()
        outcome = case.outcome
        return {
            "person": (case.person.name, case.person.phone, case.person.email,
                       case.person.safe_contact_notes),
            "narrative": (case.what_happened, case.screening_notes, case.winnability_notes),
            "notes": sorted(n for n in db.session.scalars(
                select(Event.note).where(Event.case_id == case_id)) if n),
            "tasks": sorted(db.session.scalars(select(Task.title).where(Task.case_id == case_id))),
            "letter": (version.snapshot is not None, version.source_html, version.pdf,
                       version.sha256) if version else None,
            "handed_over_by": [d.handed_over_by for d in case.deliveries],
            "debrief": [o.debrief for o in case.outcomes],
            "facts": (case.reference, case.state, case.issue_type, case.amount_claimed,
                      case.target.name, case.created_at, case.state_changed_at,
                      outcome.kind if outcome else None,
                      outcome.amount_recovered if outcome else None,
                      outcome.decided_on if outcome else None,
                      [d.turnout for d in case.deliveries]),
        }


def test_purge_removes_personal_data_and_keeps_the_statistics(
    app: Flask, runner: Any, make_fight: Callable[..., tuple[int, int]], network_id: int
) -> None:
    case_id = ended_fight(app, make_fight, ended_at=LONG_AGO, person_email="m@example.org",
                          safe_contact_notes="Text only")
    before = snapshot_of(app, case_id)
    assert "Maria Example" in before["person"] and before["tasks"]
    result = purge(runner, "--closed-before", CUTOFF, "--yes")
    assert result.exit_code == 0, result.output
    after = snapshot_of(app, case_id)
    assert after["person"] == (PURGED_NAME, "", "", "")
    assert after["narrative"] == ("", "", "")
    assert after["notes"] == [PURGE_NOTE + " 1 letter version(s) purged."]  # no one's data
    assert set(after["tasks"]) == {PURGED_TASK_TITLE}
    assert after["letter"] == (False, None, None, "ab" * 32)  # the sha256 stays as proof
    assert after["handed_over_by"] == [""] and after["debrief"] == [""]
    assert after["facts"] == before["facts"]
    with app.app_context():
        runs = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "purge.run"))
        [run] = list(runs)
        assert run.network_id == network_id and run.origin == "cli" and run.user_id is None
        assert "1 cases" in run.detail and "Maria" not in run.detail
        person_change = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "person.update", AuditEntry.origin == "cli")).one()
        assert person_change.network_id == network_id and "phone" in person_change.detail


def test_purge_leaves_open_and_recently_ended_fights_alone(
    app: Flask, runner: Any, make_fight: Callable[..., tuple[int, int]]
) -> None:
    old = ended_fight(app, make_fight, ended_at=LONG_AGO)
    recent = ended_fight(app, make_fight, ended_at=datetime(2025, 6, 1, tzinfo=UTC),
                         person_name="Recent Person")
    # Ended long ago, but its latest outcome came after the cutoff: not due yet.
    late_outcome = ended_fight(app, make_fight, ended_at=LONG_AGO, person_name="Late Outcome")
    with app.app_context():
        db.session.add(Outcome(case_id=late_outcome, kind=OutcomeKind.PARTIAL,
                               decided_on=date(2025, 2, 1)))
        db.session.commit()
    still_open, _ = make_fight(CaseState.NEGOTIATING, person_name="Open Person")
    with app.app_context():
        db.session.get_one(Case, still_open).state_changed_at = LONG_AGO
        db.session.commit()
    untouched = {case_id: snapshot_of(app, case_id) for case_id in (recent, late_outcome,
                                                                    still_open)}
    result = purge(runner, "--closed-before", CUTOFF, "--yes")
    assert result.exit_code == 0, result.output
    assert snapshot_of(app, old)["person"][0] == PURGED_NAME
    for case_id, before in untouched.items():
        assert snapshot_of(app, case_id) == before


def test_a_person_still_in_an_open_fight_keeps_their_details(
    app: Flask, runner: Any, make_fight: Callable[..., tuple[int, int]],
    make_case: Callable[..., int],
) -> None:
    old = ended_fight(app, make_fight, ended_at=LONG_AGO)
    open_case = make_case()
    with app.app_context():  # the same member's new fight
        db.session.get_one(Case, open_case).person_id = db.session.get_one(Case, old).person_id
        db.session.commit()
    result = purge(runner, "--closed-before", CUTOFF, "--yes")
    assert result.exit_code == 0, result.output
    assert "1 people kept" in result.output
    after = snapshot_of(app, old)
    assert after["person"][0] == "Maria Example" and after["person"][1] == "206-555-0100"
    assert after["narrative"] == ("", "", "")  # the old fight's own texts still go


def test_purge_shows_what_it_will_remove_and_changes_nothing_when_told_no(
    app: Flask, runner: Any, make_fight: Callable[..., tuple[int, int]]
) -> None:
    case_id = ended_fight(app, make_fight, ended_at=LONG_AGO)
    before = snapshot_of(app, case_id)
    result = purge(runner, "--closed-before", CUTOFF, answer="n\n")
    assert result.exit_code == 1  # aborted
    assert before["facts"][0] in result.output  # the reference
    assert "1 people (name, phone, email, safe-contact notes)" in result.output
    assert "1 case narratives" in result.output and "task titles" in result.output
    assert "Remove this personal data for good?" in result.output
    assert snapshot_of(app, case_id) == before
    with app.app_context():
        assert db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "purge.run")).first() is None
    again = purge(runner, "--closed-before", CUTOFF, answer="y\n")
    assert again.exit_code == 0 and snapshot_of(app, case_id)["person"][0] == PURGED_NAME
    assert "Nothing to purge." in purge(runner, "--closed-before", CUTOFF).output


def test_purge_uses_each_networks_retention_period(
    app: Flask, runner: Any, make_fight: Callable[..., tuple[int, int]], network_id: int
) -> None:
    now = datetime.now(UTC)
    due = ended_fight(app, make_fight, ended_at=now - timedelta(days=60))
    kept = ended_fight(app, make_fight, ended_at=now - timedelta(days=10),
                       person_name="Recent Person")
    assert purge(runner, "--yes").exit_code == 2  # no date and no retention period: refused
    with app.app_context():
        db.session.get_one(Network, network_id).retention_days = 30
        db.session.commit()
    result = purge(runner, "--yes")
    assert result.exit_code == 0, result.output
    assert snapshot_of(app, due)["person"][0] == PURGED_NAME
    assert snapshot_of(app, kept)["person"][0] == "Recent Person"


def test_purge_refuses_a_date_in_the_future(runner: Any, network_id: int) -> None:
    tomorrow = (datetime.now(UTC) + timedelta(days=2)).date().isoformat()
    result = purge(runner, "--closed-before", tomorrow, "--yes")
    assert result.exit_code == 2 and "future" in result.output


def add_upload(app: Flask, case_id: int, file_name: str) -> int:
    """A document of the case with its file in the store; returns its id."""
    with app.app_context(), DocumentStore.from_config(app.config).receive(
            io.BytesIO(b"%PDF-1.7\nMaria Example, pay stub\n%%EOF\n")) as stored:
        document = Document(case_id=case_id, file_name=file_name, stored_name=stored.stored_name,
                            content_type=stored.content_type, size_bytes=stored.size_bytes,
                            sha256=stored.sha256)
        db.session.add(document)
        db.session.commit()
        return document.id


def audit_rows(app: Flask) -> list[tuple[Any, ...]]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(select(
            AuditEntry.id, AuditEntry.action, AuditEntry.object_id, AuditEntry.detail,
            AuditEntry.created_at).order_by(AuditEntry.id))]


def test_purge_removes_letters_and_documents_and_says_so_where_they_were(
    app: Flask, runner: Any, make_fight: Callable[..., tuple[int, int]],
    make_user: Callable[..., int], login_as: Callable[[int], FlaskClient],
) -> None:
    case_id = ended_fight(app, make_fight, ended_at=LONG_AGO)
    document_id = add_upload(app, case_id, "maria-example-paystub.pdf")
    coordinator = make_user(Role.COORDINATOR)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        delivered = db.session.scalars(select(LetterVersion.id).join(Letter)
                                       .where(Letter.case_id == case_id)).one()
        draft = LetterVersion(letter=Letter(case=case, kind=LetterKind.LEAFLET, language="en"),
                              number=1, extra={"headline": "Pay Maria now"})
        db.session.add(draft)
        db.session.commit()
        draft_id = draft.id
        letter_ids = [draft.letter_id, db.session.get_one(LetterVersion, delivered).letter_id]
        stored = DocumentStore.from_config(app.config).path_of(
            db.session.get_one(Document, document_id).stored_name)
    assert stored.is_file()
    client = login_as(coordinator)
    letter_urls = [f"/letters/versions/{version_id}/{what}" for version_id in (delivered, draft_id)
                   for what in ("pdf", "preview")]
    assert [client.get(url).status_code for url in letter_urls] == [200] * 4
    audit_before = audit_rows(app)

    result = purge(runner, "--closed-before", CUTOFF, "--yes")
    assert result.exit_code == 0, result.output
    assert "1 documents (file and file name)" in result.output
    assert "Deleted 1 document file(s)." in result.output
    assert not stored.exists()
    today = datetime.now(UTC).date()  # the tests' network is in Los Angeles: allow its date
    purged_on = {f"{day:%a} {day.day} {day:%b %Y}" for day in (today, today - timedelta(days=1))}

    for url in [*letter_urls, f"/documents/{document_id}", f"/documents/{document_id}/delete"]:
        response = client.get(url)
        page = response.get_data(as_text=True)
        assert response.status_code == 410, url
        assert "<h1>Purged</h1>" in page and "Maria" not in page, url
        assert any(f"was purged on {day}" in page for day in purged_on), url
    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "Document purged on" in case_page and "paystub" not in case_page
    assert f"/documents/{document_id}" not in case_page  # no link to download or remove it
    assert PURGE_NOTE + " 2 letter version(s) and 1 document(s) purged." in case_page
    for letter_id in letter_ids:
        letter_page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
        assert "Letter purged on" in letter_page and "Approve version" not in letter_page
        assert "/preview" not in letter_page and "/pdf" not in letter_page
    with app.app_context():
        document = db.session.get_one(Document, document_id)
        assert (document.file_name, document.sha256) == (PURGED_FILE_NAME, "")
        assert document.purged_at is not None
        for version_id in (delivered, draft_id):
            version = db.session.get_one(LetterVersion, version_id)
            assert version.purged_at is not None and version.extra == {}
        assert db.session.get_one(LetterVersion, delivered).sha256 == "ab" * 32  # the proof
    # The audit log only grew: every entry from before is there, unchanged.
    assert audit_rows(app)[:len(audit_before)] == audit_before
    assert len(audit_rows(app)) > len(audit_before)
    # A second run finds nothing: the markers and the timeline entry stay as they are.
    again = purge(runner, "--closed-before", CUTOFF, "--yes")
    assert "Nothing to purge." in again.output
    assert PURGE_NOTE in client.get(f"/cases/{case_id}").get_data(as_text=True)


def test_a_file_left_by_a_purge_during_a_backup_goes_at_the_next_check(
    app: Flask, runner: Any, make_fight: Callable[..., tuple[int, int]], tmp_path: Path,
) -> None:
    case_id = ended_fight(app, make_fight, ended_at=LONG_AGO)
    add_upload(app, case_id, "lease.pdf")
    store = DocumentStore.from_config(app.config)
    [stored_name] = store.stored_names()
    with store.pinned():  # as a backup does while it copies the files
        result = purge(runner, "--closed-before", CUTOFF, "--yes")
    assert result.exit_code == 0, result.output
    assert "1 file(s) are left while a backup runs" in result.output
    assert store.path_of(stored_name).exists()
    check = runner.invoke(args=["casework", "documents", "check"])
    assert check.exit_code == 0, check.output  # the purged document is not a missing file
    assert store.stored_names() == []
    backup = runner.invoke(args=["casework", "backup", "--output",
                                 str(tmp_path / "after-purge.tar.gz")])
    assert backup.exit_code == 0 and "0 document(s)" in backup.output, backup.output
    assert "Warning" not in backup.output


def give_member_login(app: Flask, case_id: int, coordinator: int) -> int:
    with app.app_context():
        invite_member(db.session.get_one(Case, case_id), db.session.get_one(User, coordinator),
                      "maria@example.org", PASSWORD)
        member = accept_invitation("maria@example.org", PASSWORD)  # the first login
        assert member is not None
        db.session.commit()
        return member.id


def test_a_member_still_in_an_open_fight_reads_that_the_old_letter_was_purged(
    app: Flask, runner: Any, make_fight: Callable[..., tuple[int, int]],
    make_case: Callable[..., int], make_user: Callable[..., int],
) -> None:
    old = ended_fight(app, make_fight, ended_at=LONG_AGO)
    open_case = make_case()
    with app.app_context():  # the same member's new fight
        db.session.get_one(Case, open_case).person_id = db.session.get_one(Case, old).person_id
        db.session.commit()
        delivered = db.session.scalars(select(LetterVersion.id).join(Letter)
                                       .where(Letter.case_id == old)).one()
    member_client = app.test_client()
    login(member_client, app, give_member_login(app, old, make_user(Role.COORDINATOR)))
    assert member_client.get(f"/my-fight/letters/{delivered}/preview").status_code == 200
    result = purge(runner, "--closed-before", CUTOFF, "--yes")
    assert result.exit_code == 0, result.output
    assert "member logins" not in result.output  # kept, as the person's details are
    my_fight = member_client.get("/my-fight").get_data(as_text=True)
    assert "removed on" in my_fight and "I approve this version" not in my_fight
    preview = member_client.get(f"/my-fight/letters/{delivered}/preview")
    assert preview.status_code == 410 and "<h1>Purged</h1>" in preview.get_data(as_text=True)


def test_purge_disables_the_member_login_of_a_purged_person(
    app: Flask, runner: Any, make_fight: Callable[..., tuple[int, int]],
    make_user: Callable[..., int],
) -> None:
    case_id = ended_fight(app, make_fight, ended_at=LONG_AGO)
    member_id = give_member_login(app, case_id, make_user(Role.COORDINATOR))
    member_client = app.test_client()
    login(member_client, app, member_id)
    result = purge(runner, "--closed-before", CUTOFF, "--yes")
    assert result.exit_code == 0, result.output
    assert "1 member logins (name, email, password: the login is disabled)" in result.output
    with app.app_context():
        member = db.session.get_one(User, member_id)
        assert (member.name, member.email) == (PURGED_NAME, f"purged-member-{member_id}@invalid")
        assert member.is_disabled and not member.check_password(PASSWORD)
    assert member_client.get("/my-fight").status_code == 302  # the open session ended
    again = app.test_client().post("/login", data={"email": "maria@example.org",
                                                   "password": PASSWORD})
    assert again.status_code == 200  # refused
    assert "Nothing to purge." in purge(runner, "--closed-before", CUTOFF).output


@pytest.mark.parametrize(("language", "columns"), [
    ("en", ["reference", "state", "issue_type", "logged_on", "state_changed_on", "deadline_on",
            "amount_claimed", "outcome", "outcome_decided_on", "amount_recovered", "target",
            "person_pseudonym"]),
    ("es", ["referencia", "estado", "tipo_de_asunto", "registrado_el", "cambio_de_estado_el",
            "fecha_limite", "cantidad_reclamada", "resultado", "resultado_decidido_el",
            "cantidad_recuperada", "objetivo", "persona_seudonimo"]),
])
def test_the_case_exports_header_is_in_the_exporters_language(
    app: Flask, make_case: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], language: str, columns: list[str],
) -> None:
    organizer = make_user(Role.ORGANIZER)
    make_case(team=[organizer])
    with app.app_context():
        db.session.get_one(User, organizer).ui_language = language
        db.session.commit()
    response = login_as(organizer).get("/export/cases.csv")
    assert response.status_code == 200
    header = next(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert header == columns
