"""Letters in the app: drafts, approval, review, the freeze at delivery, exact re-download."""

from __future__ import annotations

import hashlib
import html
import io
import re
import stat
import zipfile
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import select

from casework.clock import network_today
from casework.extensions import db
from casework.letters.context import LetterKind
from casework.models import Case, Letter, LetterVersion, Role, User
from casework.workflow.states import CaseState as S
from tests.conftest import login


def pdf_text(data: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def start_letter(client: FlaskClient, case_id: int, kind: str = "demand",
                 language: str = "") -> int:
    response = client.post(f"/cases/{case_id}/letters", data={"kind": kind,
                                                               "language": language})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rsplit("/", 1)[1])


def texts_on_page(page: str) -> dict[str, str]:
    """The letter texts form's fields and their values, as the letter page shows them."""
    return {name: html.unescape(value) for name, value in re.findall(
        r'<textarea[^>]*name="([a-z]{2}_[a-z_0-9]+)"[^>]*>\r?\n?(.*?)</textarea>', page, re.S)}


def save_texts(client: FlaskClient, letter_id: int, **changes: str) -> Any:
    """Post the letter's texts as shown on its page, with ``changes``."""
    page = client.get(f"/letters/{letter_id}").get_data(as_text=True)
    return client.post(f"/letters/{letter_id}/versions",
                       data={**texts_on_page(page), **changes}, follow_redirects=True)


def team_member(app: Flask, make_user: Callable[..., int], case_id: int,
                role: Role = Role.ORGANIZER) -> int:
    """Another user on the case's team (a reviewer who did not write the letter)."""
    user_id = make_user(role)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        case.team.append(db.session.get_one(User, user_id))
        db.session.commit()
    return user_id


def signed_in(app: Flask, user_id: int) -> FlaskClient:
    """A browser of its own, logged in as the user (beside the test's main client)."""
    client = app.test_client()
    login(client, app, user_id)
    return client


def latest_version(app: Flask, letter_id: int) -> int:
    with app.app_context():
        letter = db.session.get_one(Letter, letter_id)
        assert letter.latest is not None
        return letter.latest.id


@pytest.fixture
def drafting(make_fight: Callable[..., tuple[int, int]], app: Flask) -> tuple[int, int]:
    """A fight in drafting whose demand letter has not been started."""
    case_id, organizer = make_fight(S.DRAFTING, target_name="Blue Fern Bistro",
                                    person_name="Maria Lopez")
    with app.app_context():
        for letter in db.session.scalars(select(Letter).where(Letter.case_id == case_id)):
            db.session.delete(letter)
        db.session.get_one(Case, case_id).target.address = "12 Pine St, Seattle"
        db.session.commit()
    return case_id, organizer


def test_draft_preview_and_pdf_show_the_case_data(
    app: Flask, drafting: tuple[int, int], login_as: Callable[[int], FlaskClient]
) -> None:
    case_id, organizer = drafting
    client = login_as(organizer)
    version_id = latest_version(app, start_letter(client, case_id))
    preview = client.get(f"/letters/versions/{version_id}/preview").get_data(as_text=True)
    assert "Blue Fern Bistro" in preview and "Pay the unpaid wages" in preview
    assert "/letters/assets/letter.css" in preview
    response = client.get(f"/letters/versions/{version_id}/pdf")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for expected in ("Blue Fern Bistro", "Maria Lopez", "Pay the unpaid wages", "2,160.00",
                     "SEA-"):
        assert expected in text


def test_a_demand_letter_needs_the_members_approval_then_a_review_then_delivery_freezes_it(
    app: Flask, drafting: tuple[int, int], login_as: Callable[[int], FlaskClient],
    make_user: Callable[..., int],
) -> None:
    case_id, organizer = drafting
    reviewer = team_member(app, make_user, case_id)
    client = login_as(organizer)
    letter_id = start_letter(client, case_id)
    version_id = latest_version(app, letter_id)
    page = client.post(f"/letters/versions/{version_id}/approve", data={"member_note": ""},
                       follow_redirects=True).get_data(as_text=True)
    assert "Say how the member approved this version of the demand letter." in page
    client.post(f"/letters/versions/{version_id}/approve",
                data={"member_note": "Read it with Maria; agreed"})
    client = signed_in(app, reviewer)
    page = client.post(f"/letters/versions/{version_id}/review", data={"passed": "no"},
                       follow_redirects=True).get_data(as_text=True)
    assert "Say what must change before it can pass." in page
    client.post(f"/letters/versions/{version_id}/review", data={"passed": "yes"})
    case_page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', case_page)
    assert version is not None
    assert client.post(f"/cases/{case_id}/moves/approve_letter",
                       data={"version": version.group(1)}).status_code == 302
    form = client.get(f"/cases/{case_id}/moves/deliver").get_data(as_text=True)
    seen = re.search(r'name="version" type="hidden" value="(\d+)"', form)
    assert seen is not None
    delivered = client.post(f"/cases/{case_id}/moves/deliver", data={
        "version": seen.group(1), "delivered_at": "2026-11-02T10:30", "place": "The bistro",
        "handed_over_by": "Maria and 20 supporters", "turnout": "21"})
    assert delivered.status_code == 302
    first = client.get(f"/letters/versions/{version_id}/pdf")
    with app.app_context():
        frozen = db.session.get_one(LetterVersion, version_id)
        assert frozen.is_frozen and frozen.pdf == first.data
        assert frozen.sha256 == hashlib.sha256(first.data).hexdigest()
        assert "November 16, 2026" in pdf_text(first.data)  # 2 Nov + 14 days
        # Change everything the letter was made from…
        case = db.session.get_one(Case, case_id)
        case.target.name = "Renamed Holdings"
        case.person.name = "Someone Else"
        case.demands[0].description = "A different demand"
        db.session.commit()
    # …and make any attempt to render again fail loudly.
    import casework.letters.rendering as rendering

    def no_rendering(*_args: Any, **_kwargs: Any) -> bytes:
        raise AssertionError("a frozen letter must not be rendered again")

    original = rendering.render_pdf
    rendering.render_pdf = no_rendering  # type: ignore[assignment]
    try:
        again = client.get(f"/letters/versions/{version_id}/pdf")
    finally:
        rendering.render_pdf = original
    assert again.data == first.data
    assert again.headers["ETag"].strip('"') == hashlib.sha256(first.data).hexdigest()
    assert "Renamed Holdings" not in pdf_text(again.data)


def test_a_spanish_speaker_gets_spanish_and_english_in_one_pdf(
    app: Flask, drafting: tuple[int, int], login_as: Callable[[int], FlaskClient]
) -> None:
    case_id, organizer = drafting
    with app.app_context():
        db.session.get_one(Case, case_id).person.languages = "es,en"
        db.session.commit()
    client = login_as(organizer)
    letter_id = start_letter(client, case_id)
    text = pdf_text(client.get(f"/letters/versions/{latest_version(app, letter_id)}/pdf").data)
    assert "2.160,00" in text or "2 160,00" in text  # Spanish number format
    assert "2,160.00" in text  # and the English version in the same PDF
    assert "Blue Fern Bistro" in text


def test_a_settlement_acknowledgement_is_frozen_when_sent(
    app: Flask, make_fight: Callable[..., tuple[int, int]],
    login_as: Callable[[int], FlaskClient], make_user: Callable[..., int],
) -> None:
    case_id, organizer = make_fight(S.NEGOTIATING)
    reviewer = team_member(app, make_user, case_id)
    client = login_as(organizer)
    letter_id = start_letter(client, case_id, "settlement", "en")
    save_texts(client, letter_id, en_terms="Full payment by 1 Dec")
    version_id = latest_version(app, letter_id)
    client.post(f"/letters/versions/{version_id}/approve", data={})
    client = signed_in(app, reviewer)
    client.post(f"/letters/versions/{version_id}/review", data={"passed": "yes"})
    page = client.post(f"/letters/versions/{version_id}/freeze", follow_redirects=True
                       ).get_data(as_text=True)
    assert "frozen as sent" in page
    with app.app_context():
        version = db.session.get_one(LetterVersion, version_id)
        assert version.is_frozen and version.pdf is not None
        assert "Full payment by 1 Dec" in pdf_text(version.pdf)


def test_changing_the_demands_after_approval_blocks_the_letter_until_a_new_version(
    app: Flask, make_fight: Callable[..., tuple[int, int]],
    login_as: Callable[[int], FlaskClient], make_user: Callable[..., int],
) -> None:
    case_id, organizer = make_fight(S.DRAFTING)
    reviewer = team_member(app, make_user, case_id)
    client = login_as(organizer)
    client.post(f"/cases/{case_id}/demands", data={"kind": "action",
                                                   "description": "Return my documents"})
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "The demands changed after version 1 was approved" in page
    with app.app_context():
        letter_id = db.session.scalars(select(Letter.id).where(
            Letter.case_id == case_id, Letter.kind == LetterKind.DEMAND)).one()
    save_texts(client, letter_id)
    version_id = latest_version(app, letter_id)
    client.post(f"/letters/versions/{version_id}/approve", data={"member_note": "Agreed"})
    signed_in(app, reviewer).post(f"/letters/versions/{version_id}/review", data={"passed": "yes"})
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "The demands changed" not in page
    with app.app_context():
        assert db.session.get_one(LetterVersion, version_id).number == 2


@pytest.fixture
def due_fights(app: Flask, make_fight: Callable[..., tuple[int, int]]) -> list[int]:
    """Two fights ready to deliver this week (approved letters) and one not approved."""
    ids = []
    for offset, approved in ((1, True), (3, True), (2, False)):
        case_id, _ = make_fight(S.READY, target_name=f"Target {offset}")
        with app.app_context():
            case = db.session.get_one(Case, case_id)
            case.planned_delivery_on = network_today(case.network) + timedelta(days=offset)
            if not approved:
                for letter in db.session.scalars(select(Letter).where(Letter.case_id == case_id)):
                    db.session.delete(letter)
            db.session.commit()
        ids.append(case_id)
    return ids


def test_batch_print_of_the_weeks_letters_from_the_command_line(
    app: Flask, due_fights: list[int], runner: Any, tmp_path: Path
) -> None:
    output = tmp_path / "due.zip"
    result = runner.invoke(args=["casework", "letters", "print", "--due-this-week",
                                 "--output", str(output), "--processes", "2"])
    assert result.exit_code == 0, result.output
    assert "Skipped SEA-" in result.output and "letter is not approved yet" in result.output
    assert "Printed 2 letter(s)" in result.output
    assert stat.S_IMODE(output.stat().st_mode) == 0o600  # letters name members
    with zipfile.ZipFile(output) as archive:
        names = archive.namelist()
        texts = [pdf_text(archive.read(name)) for name in names]
    assert len(names) == 2 and all(name.endswith("-demand-v1.pdf") for name in names)
    assert "Target 1" in texts[0] and "Target 3" in texts[1]  # soonest delivery first


def test_coordinators_download_the_weeks_letters_as_one_pdf(
    app: Flask, due_fights: list[int], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient],
) -> None:
    client = login_as(make_user(Role.COORDINATOR))
    page = client.get("/letters/due").get_data(as_text=True)
    assert "Download all 2 as one PDF" in page and "letter is not approved yet" in page
    response = client.post("/letters/due")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Target 1" in text and "Target 3" in text and "Target 2" not in text
