"""Letters written for the target: their own text per language, never the team's notes; the
fields of each kind; a reviewer who is not the author; the print page and its planned dates."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from casework.clock import network_today
from casework.extensions import db
from casework.letters import i18n
from casework.letters.context import LetterKind
from casework.letters.services import create_letter, missing_texts, version_texts
from casework.letters.services import save_texts as save_letter_texts
from casework.models import (
    Case,
    Delivery,
    IssueType,
    Letter,
    LetterVersion,
    RetaliationRisk,
    ReviewStatus,
    Role,
    Urgency,
    User,
)
from casework.models.fight import Decision, TargetContact
from casework.workflow.states import CaseState as S
from tests.conftest import login
from tests.fights import NOW, complete_records
from tests.test_letters_flow import latest_version, save_texts, start_letter, texts_on_page

MARKER = "Zqxnote"  # in every internal note of the case: never in a letter


def pdf_pages(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def english_catalog() -> set[str]:
    """The letter catalog's English side and the English labels of the case's enums."""
    strings = {*i18n.LABELS["en"].values(), *i18n.TITLES["en"].values(),
               *i18n.HEADLINES["en"].values(), *i18n.MONTHS["en"],
               *i18n.ISSUE_LABELS["en"].values()}
    strings |= {str(member.label) for enum in (IssueType, Urgency, RetaliationRisk)
                for member in enum}
    return strings


def english_found(text: str) -> list[str]:
    """The catalog's English strings in ``text``, as whole words, case and all."""
    flat = " ".join(text.split())
    return sorted(s for s in english_catalog()
                  if re.search(rf"(?<!\w){re.escape(s)}(?!\w)", flat))


def signed_in(app: Flask, user_id: int) -> FlaskClient:
    client = app.test_client()
    login(client, app, user_id)
    return client


def join_team(app: Flask, case_id: int, user_id: int) -> None:
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        case.team.append(db.session.get_one(User, user_id))
        db.session.commit()


@pytest.fixture
def noted_fight(app: Flask, make_fight: Callable[..., tuple[int, int]]) -> tuple[int, int]:
    """A fight in drafting, no letter yet, with a marker in every internal note it has."""
    case_id, organizer = make_fight(S.DRAFTING, target_name="Blue Fern Bistro",
                                    person_name="Maria Lopez", issue_type=IssueType.DEPOSIT)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        for letter in db.session.scalars(select(Letter).where(Letter.case_id == case_id)):
            db.session.delete(letter)
        case.summary = f"{MARKER}1 summary"
        case.what_happened = f"{MARKER}2 intake volunteer's note"
        case.screening_notes = f"{MARKER}3 screening"
        case.winnability_notes = f"{MARKER}4 winnability"
        case.person.safe_contact_notes = f"{MARKER}5 call after 6 pm"
        case.target.research_notes = f"{MARKER}6 research"
        case.target.leverage_points = f"{MARKER}7 leverage"
        case.target.contacts = f"{MARKER}8 contacts"
        for decision in db.session.scalars(select(Decision).where(Decision.case_id == case_id)):
            decision.proposal = f"{MARKER}9 proposal"
        for contact in db.session.scalars(select(TargetContact)
                                          .where(TargetContact.case_id == case_id)):
            contact.summary = f"{MARKER}10 contact"
        db.session.commit()
    return case_id, organizer


def write_spanish(client: FlaskClient, letter_id: int) -> None:
    """Write the Spanish demands' wording and calculation (the rest starts written)."""
    page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    spanish = {name: "Texto escrito en español por el equipo." for name, value
               in texts_on_page(page).items()
               if re.match(r"es_(demand|calculation)_", name) and not value}
    assert save_texts(client, letter_id, **spanish).status_code == 200


@pytest.mark.parametrize("kind", ["demand", "final_notice", "leaflet", "settlement"])
@pytest.mark.parametrize("language", ["es", "es+en"])
def test_a_spanish_letter_has_no_english_and_none_of_the_case_notes(
    app: Flask, noted_fight: tuple[int, int], login_as: Callable[[int], FlaskClient],
    kind: str, language: str,
) -> None:
    case_id, organizer = noted_fight
    client = login_as(organizer)
    letter_id = start_letter(client, case_id, kind, language)
    page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    assert MARKER not in page  # not even as the first draft of the text
    # No Spanish demand wording yet: the page says so, and approval is refused.
    assert "Write the Spanish text before approving." in page
    assert 'action="/letters/versions/' not in page.split('id="texts-heading"')[0].split(
        "missing-texts")[1]
    if kind == "demand":  # the case page's blocked "Approve the letter" says so too
        case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
        assert "Write the Spanish text of demand letter version 1 on its page." in case_page
    version_id = latest_version(app, letter_id)
    refused = client.post(f"/letters/versions/{version_id}/approve",
                          data={"member_note": "Read with Maria"}, follow_redirects=True)
    assert "Write the Spanish text before approving" in refused.get_data(as_text=True)
    with app.app_context():
        assert not db.session.get_one(LetterVersion, version_id).is_approved

    write_spanish(client, letter_id)
    approved = client.post(f"/letters/versions/{version_id}/approve",
                           data={"member_note": "Read with Maria"}, follow_redirects=True)
    assert "approved" in approved.get_data(as_text=True)
    pages = pdf_pages(client.get(f"/letters/versions/{version_id}/pdf").data)
    assert MARKER not in squeeze(" ".join(pages))
    spanish = [text for text in pages if "Página" in text]
    assert spanish and (language == "es") == (len(spanish) == len(pages))
    assert english_found(" ".join(spanish)) == []
    if kind != "leaflet":  # the leaflet has no "Re:" line
        assert "Asunto:Depósitorobado" in squeeze(" ".join(spanish))
    assert "Textoescritoenespañol" in squeeze(" ".join(spanish))


def test_an_english_letter_starts_from_the_facts_not_the_notes(
    app: Flask, noted_fight: tuple[int, int], login_as: Callable[[int], FlaskClient],
) -> None:
    case_id, organizer = noted_fight
    client = login_as(organizer)
    letter_id = start_letter(client, case_id, "demand", "en")
    fields = texts_on_page(client.get(f"/letters/{letter_id}").get_data(as_text=True))
    assert fields["en_wrongs"] == ("Maria Lopez came to us about a matter with Blue Fern "
                                   "Bistro: stolen deposit. Maria Lopez is owed $1,200.00.")
    text = " ".join(pdf_pages(client.get(
        f"/letters/versions/{latest_version(app, letter_id)}/pdf").data))
    assert MARKER not in squeeze(text) and "Pay the unpaid wages" in text


@pytest.mark.parametrize(("kind", "own"), [
    ("demand", {"note"}),
    ("escalation", {"action_summary", "note"}),
    ("final_notice", {"note"}),
    ("settlement", {"terms", "note"}),
    ("leaflet", {"headline", "note"}),
])
def test_each_kind_shows_and_keeps_only_its_own_fields(
    app: Flask, noted_fight: tuple[int, int], login_as: Callable[[int], FlaskClient],
    kind: str, own: set[str],
) -> None:
    case_id, organizer = noted_fight
    client = login_as(organizer)
    letter_id = start_letter(client, case_id, kind, "en")
    fields = set(texts_on_page(client.get(f"/letters/{letter_id}").get_data(as_text=True)))
    kind_fields = {name.removeprefix("en_") for name in fields
                   if not re.match(r"en_(wrongs|demand_|calculation_)", name)}
    assert kind_fields == own
    # Fields of other kinds, posted anyway, are not kept.
    others = {f"en_{key}": f"Other kind's {key}" for key in
              {"headline", "action_summary", "terms", "note"} - own}
    save_texts(client, letter_id, **others)
    with app.app_context():
        letter = db.session.get_one(Letter, letter_id)
        assert letter.latest is not None
        assert set(letter.latest.texts["en"]["extra"]) <= own
        actor = db.session.get_one(User, organizer)
        wrong = next(iter({"headline", "terms"} - own))
        with pytest.raises(Exception, match="has no"):
            save_letter_texts(letter, actor, {"en": {"wrongs": "x", "demands": {},
                                                     "extra": {wrong: "Not this kind's"}}})
        db.session.rollback()


@pytest.mark.parametrize("needed", [1, 2])
def test_the_review_is_passed_by_others_than_the_author(
    app: Flask, noted_fight: tuple[int, int], login_as: Callable[[int], FlaskClient],
    make_user: Callable[..., int], needed: int,
) -> None:
    app.config["CASEWORK_LETTER_REVIEWERS"] = needed
    case_id, organizer = noted_fight
    client = login_as(organizer)
    letter_id = start_letter(client, case_id, "demand", "en")
    version_id = latest_version(app, letter_id)
    client.post(f"/letters/versions/{version_id}/approve", data={"member_note": "Agreed"})
    # The author drafted and approved it: their own review is refused, with the reason.
    page = client.post(f"/letters/versions/{version_id}/review", data={"passed": "yes"},
                       follow_redirects=True).get_data(as_text=True)
    assert "You wrote version 1: someone other than its author must check it" in page
    moves = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "A reviewer other than its author must check version 1" in moves \
        or f"{needed} reviewers other than its author must check version 1" in moves
    reviewers = [make_user(Role.ORGANIZER) for _ in range(needed)]
    for done, reviewer in enumerate(reviewers, start=1):
        join_team(app, case_id, reviewer)
        other = signed_in(app, reviewer)
        other.post(f"/letters/versions/{version_id}/review", data={"passed": "yes"})
        with app.app_context():
            status = db.session.get_one(LetterVersion, version_id).review_status
        assert status == (ReviewStatus.PASSED if done == needed else ReviewStatus.PENDING)
        if done < needed:
            again = other.post(f"/letters/versions/{version_id}/review",
                               data={"passed": "yes"}, follow_redirects=True)
            assert "another reviewer must check it too" in again.get_data(as_text=True)
            page = other.get(f"/letters/{letter_id}").get_data(as_text=True)
            assert f"({done} of {needed} done)" in page
    assert client.post(f"/cases/{case_id}/moves/approve_letter",
                       data={"version": str(current_version(app, case_id))}
                       ).status_code == 302
    with app.app_context():
        assert db.session.get_one(Case, case_id).state == S.READY


def current_version(app: Flask, case_id: int) -> int:
    with app.app_context():
        return db.session.get_one(Case, case_id).version


# ---- the print page ----------------------------------------------------------------------


def due_fight(app: Flask, make_fight: Callable[..., tuple[int, int]], make_case: Callable[..., int],
              make_network: Callable[..., int], make_user: Callable[..., int],
              scenario: str) -> tuple[int, int]:
    """A fight in one of the print page's situations; returns (case, its latest version)."""
    if scenario == "other network":
        network = make_network()
        organizer = make_user(Role.ORGANIZER, network=network)
        case_id = make_case(make_user(Role.INTAKE, network=network), team=[organizer])
        with app.app_context():
            complete_records(db.session.get_one(Case, case_id), S.READY)
            db.session.commit()
    else:
        state = {"approved, drafting, due this week": S.DRAFTING, "not yet approved": S.DRAFTING,
                 "delivered": S.DELIVERED}.get(scenario, S.READY)
        case_id, _ = make_fight(state)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        today = network_today(case.network)
        case.planned_delivery_on = None if scenario == "ready, no date" else today + timedelta(
            days=2)
        letter = db.session.scalars(select(Letter).where(Letter.case_id == case_id)).one()
        version = letter.latest
        assert version is not None
        if scenario == "approved, drafting, due this week":
            version.review_status = ReviewStatus.PENDING  # approved, review still to come
        if scenario == "not yet approved":
            version.snapshot = version.approved_at = None
        if scenario == "delivered":
            db.session.add(Delivery(case_id=case_id, delivered_at=NOW, place="Shop",
                                    handed_over_by="Ana"))
        db.session.commit()
        return case_id, version.id


@pytest.mark.parametrize(("scenario", "listed", "heading"), [
    ("approved, drafting, due this week", True, "Due by"),
    ("ready, due this week", True, "Due by"),
    ("ready, no date", True, "No date planned"),
    ("delivered", False, None),
    ("not yet approved", False, None),
    ("other network", False, None),
])
def test_the_print_page_lists_every_approved_letter_due(
    app: Flask, make_fight: Callable[..., tuple[int, int]], make_case: Callable[..., int],
    make_network: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], scenario: str, listed: bool, heading: str | None,
) -> None:
    case_id, version_id = due_fight(app, make_fight, make_case, make_network, make_user,
                                    scenario)
    page = login_as(make_user(Role.COORDINATOR)).get("/letters/due").get_data(as_text=True)
    link = f'href="/letters/versions/{version_id}/pdf"'
    assert (link in page) == listed
    assert "flask" not in page and "--due-this-week" not in page  # no command line
    if heading is not None:
        section = page.split(f">{heading}")[1].split("<h2")[0]
        assert link in section


@pytest.mark.parametrize("scenario", ["ready, no date", "ready, due this week", "delivered"])
def test_the_planned_date_changes_on_the_print_page_until_delivery(
    app: Flask, make_fight: Callable[..., tuple[int, int]], make_case: Callable[..., int],
    make_network: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], scenario: str,
) -> None:
    case_id, _version = due_fight(app, make_fight, make_case, make_network, make_user,
                                  scenario)
    client = login_as(make_user(Role.COORDINATOR))
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        today, before = network_today(case.network), case.planned_delivery_on
    field = f"case{case_id}-planned_on"
    past = client.post(f"/letters/due/cases/{case_id}/planned-date",
                       data={field: (today - timedelta(days=1)).isoformat()})
    assert past.status_code == 400
    day = today + timedelta(days=4)
    response = client.post(f"/letters/due/cases/{case_id}/planned-date",
                           data={field: day.isoformat()})
    with app.app_context():
        planned = db.session.get_one(Case, case_id).planned_delivery_on
    if scenario == "delivered":
        assert response.status_code == 400 and planned == before
        assert "the planned date can no longer change" in response.get_data(as_text=True)
    else:
        assert response.status_code == 302 and planned == day
        assert "Plan the delivery for today or a later day." in past.get_data(as_text=True)
        page = client.get("/letters/due").get_data(as_text=True)
        assert f'value="{day.isoformat()}"' in page


def test_the_print_page_downloads_each_letter_and_all_of_them(
    app: Flask, make_fight: Callable[..., tuple[int, int]], make_case: Callable[..., int],
    make_network: Callable[..., int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    dated, dated_version = due_fight(app, make_fight, make_case, make_network, make_user,
                                     "ready, due this week")
    undated, _ = due_fight(app, make_fight, make_case, make_network, make_user,
                           "ready, no date")
    with app.app_context():
        references = [db.session.get_one(Case, case_id).reference for case_id in (dated, undated)]
    client = login_as(make_user(Role.COORDINATOR))
    page = client.get("/letters/due").get_data(as_text=True)
    assert "Download all 2 as one PDF" in page
    one = client.get(f"/letters/versions/{dated_version}/pdf")
    assert one.mimetype == "application/pdf"
    assert references[0] in " ".join(pdf_pages(one.data))
    every = client.post("/letters/due")
    assert every.mimetype == "application/pdf"
    text = " ".join(pdf_pages(every.data))
    assert all(reference in text for reference in references)


def test_texts_changed_through_the_services_are_saved(
    app: Flask, noted_fight: tuple[int, int],
) -> None:
    case_id, organizer = noted_fight
    with app.app_context():
        case, actor = db.session.get_one(Case, case_id), db.session.get_one(User, organizer)
        letter = create_letter(case, actor, LetterKind.DEMAND, "es")
        assert letter.latest is not None
        texts = version_texts(letter.latest)
        assert missing_texts(letter.latest) == {"Spanish": ["the wording of demand 1"]}
        for wording in texts["es"]["demands"].values():
            wording["description"] = "Pague los salarios"
        save_letter_texts(letter, actor, texts)
        db.session.commit()
        letter_id = letter.id
    with app.app_context():
        latest = db.session.get_one(Letter, letter_id).latest
        assert latest is not None and missing_texts(latest) == {}
        assert "Pague los salarios" in str(latest.texts)
