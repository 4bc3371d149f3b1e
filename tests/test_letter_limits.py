"""A case's letter stays quick to render: demands and letter texts are bounded (refused next to
the field, and by the services for every other path), and while the renderer is busy a
request is told so at once instead of hanging behind another letter."""

from __future__ import annotations

import io
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from pypdf import PdfReader
from sqlalchemy import func, select

from casework.clock import network_today
from casework.extensions import db
from casework.fight.services import RecordRefused, add_demand
from casework.letters import limits, rendering
from casework.letters.context import LetterKind
from casework.letters.services import LetterRefused, create_letter, save_texts
from casework.models import Case, Demand, DemandKind, Letter, LetterVersion, Role, User
from casework.workflow.states import CaseState as S
from tests.letters import prose, renderer_busy, squeeze

BUSY = "The letter service is busy with other letters: try again in a minute."


@pytest.fixture
def drafting(app: Flask, make_fight: Callable[..., tuple[int, int]]) -> tuple[int, int]:
    """A fight in drafting (one demand) of a Spanish speaker, with the longest 'What happened'
    and target address the case forms take."""
    case_id, organizer = make_fight(S.DRAFTING, person_name="Rosa Quintana")
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        case.person.languages = "es,en"
        case.what_happened = prose(10_000, 1)
        case.target.address = prose(10_000, 2)
        db.session.commit()
    return case_id, organizer


def demand_count(app: Flask, case_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).where(Demand.case_id == case_id)) or 0


def fill_demands(app: Flask, case_id: int, organizer: int) -> None:
    """Demands up to the limit, through the service."""
    with app.app_context():
        case, actor = db.session.get_one(Case, case_id), db.session.get_one(User, organizer)
        while len(case.demands) < limits.MAX_DEMANDS:
            add_demand(case, actor, DemandKind.ACTION, "Return my documents", None, "")
        db.session.commit()


def demand_letter_version(app: Flask, case_id: int) -> int:
    with app.app_context():
        return db.session.scalars(select(LetterVersion.id).join(Letter).where(
            Letter.case_id == case_id, Letter.kind == LetterKind.DEMAND)).one()


def start_letter(client: FlaskClient, case_id: int, kind: str = "demand") -> int:
    response = client.post(f"/cases/{case_id}/letters", data={"kind": kind, "language": ""})
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.location.rsplit("/", 1)[1])


def test_a_case_at_every_limit_gives_a_letter_that_reads_back(
    app: Flask, drafting: tuple[int, int], login_as: Callable[[int], FlaskClient]
) -> None:
    case_id, organizer = drafting
    client = login_as(organizer)
    for n in range(2, limits.MAX_DEMANDS + 1):
        response = client.post(f"/cases/{case_id}/demands", data={
            "kind": "money", "amount": "99999999.99",
            "description": f"Demand {n} {prose(limits.MAX_DEMAND_DESCRIPTION)}"[
                :limits.MAX_DEMAND_DESCRIPTION],
            "calculation": prose(limits.MAX_DEMAND_CALCULATION, n)})
        assert response.status_code == 302, response.get_data(as_text=True)
    letter_id = start_letter(client, case_id)
    texts = {key: prose(length, 3) for key, length in limits.MAX_TEXT_LENGTHS.items()}
    assert client.post(f"/letters/{letter_id}/versions", data=texts).status_code == 302
    with app.app_context():
        version_id = db.session.get_one(Letter, letter_id).latest.id  # type: ignore[union-attr]
    started = time.monotonic()
    response = client.get(f"/letters/versions/{version_id}/pdf")
    took = time.monotonic() - started
    assert response.mimetype == "application/pdf"
    pages = PdfReader(io.BytesIO(response.data)).pages
    assert 10 < len(pages) <= limits.MAX_PAGES
    text = squeeze(" ".join(page.extract_text() for page in pages))
    assert "RosaQuintana" in text and "Demand20" in text and squeeze(texts["note"][:60]) in text
    assert took < rendering.LOCK_WAIT_SECONDS * 3  # a few seconds even on a busy machine


def test_a_demand_past_the_limit_is_refused_and_the_case_page_says_why(
    app: Flask, drafting: tuple[int, int], login_as: Callable[[int], FlaskClient]
) -> None:
    case_id, organizer = drafting
    fill_demands(app, case_id, organizer)
    client = login_as(organizer)
    response = client.post(f"/cases/{case_id}/demands",
                           data={"kind": "action", "description": "One more"})
    assert response.status_code == 400
    assert limits.too_many_demands_message() in response.get_data(as_text=True)
    assert demand_count(app, case_id) == limits.MAX_DEMANDS
    page = client.get(f"/cases/{case_id}").get_data(as_text=True)
    assert "20 demands, the most one letter can hold" in page and "Add demand" not in page


OVERLONG = [
    ("demand", "description", limits.MAX_DEMAND_DESCRIPTION),
    ("demand", "calculation", limits.MAX_DEMAND_CALCULATION),
    ("texts", "en_note", limits.MAX_TEXT_LENGTHS["note"]),
    ("texts", "en_wrongs", limits.MAX_WRONGS),
]


@pytest.mark.parametrize(("form", "field", "limit"), OVERLONG,
                         ids=[field for _form, field, _limit in OVERLONG])
def test_text_over_its_limit_is_refused_next_to_its_field(
    app: Flask, drafting: tuple[int, int], login_as: Callable[[int], FlaskClient],
    form: str, field: str, limit: int,
) -> None:
    case_id, organizer = drafting
    client = login_as(organizer)
    version_id = demand_letter_version(app, case_id)
    if form == "demand":
        url = f"/cases/{case_id}/demands"
        data = {"kind": "money", "amount": "10", "description": "Pay", field: "x" * (limit + 1)}
    else:
        with app.app_context():
            url = f"/letters/{db.session.get_one(LetterVersion, version_id).letter_id}/versions"
        data = {field: "x" * (limit + 1)}
    response = client.post(url, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = re.search(rf'<small id="{field}-error" class="field-error">([^<]*)</small>', page)
    assert error is not None and f"longer than {limit} characters" in error.group(1)
    assert demand_count(app, case_id) == 1
    with app.app_context():
        version = db.session.get_one(LetterVersion, version_id)
        assert version.extra == {} and "x" * limit not in str(version.texts)


@pytest.mark.parametrize("attempt", ["demand 21", "long description", "long calculation",
                                     "long note", "long terms at the start"])
def test_the_services_refuse_what_the_forms_refuse(
    app: Flask, drafting: tuple[int, int], attempt: str
) -> None:
    case_id, organizer = drafting
    if attempt == "demand 21":
        fill_demands(app, case_id, organizer)
    with app.app_context():
        case, actor = db.session.get_one(Case, case_id), db.session.get_one(User, organizer)
        letter = db.session.get_one(LetterVersion, demand_letter_version(app, case_id)).letter
        calls: dict[str, Callable[[], Any]] = {
            "demand 21": lambda: add_demand(case, actor, DemandKind.ACTION, "More", None, ""),
            "long description": lambda: add_demand(
                case, actor, DemandKind.ACTION, "x" * (limits.MAX_DEMAND_DESCRIPTION + 1),
                None, ""),
            "long calculation": lambda: add_demand(
                case, actor, DemandKind.ACTION, "Pay", None,
                "x" * (limits.MAX_DEMAND_CALCULATION + 1)),
            "long note": lambda: save_texts(letter, actor, {"en": {
                "wrongs": "", "demands": {},
                "extra": {"note": "x" * (limits.MAX_TEXT_LENGTHS["note"] + 1)}}}),
            "long terms at the start": lambda: create_letter(
                case, actor, LetterKind.SETTLEMENT,
                extra={"terms": "x" * (limits.MAX_TEXT_LENGTHS["terms"] + 1)}),
        }
        with pytest.raises((RecordRefused, LetterRefused)):
            calls[attempt]()
        db.session.rollback()
    assert demand_count(app, case_id) == (limits.MAX_DEMANDS if attempt == "demand 21" else 1)


@pytest.fixture
def renderer_held_elsewhere(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(rendering, "LOCK_WAIT_SECONDS", 0.3)
    with renderer_busy():
        yield


def test_a_pdf_asked_for_while_the_renderer_is_busy_comes_back_at_once_with_a_message(
    app: Flask, drafting: tuple[int, int], login_as: Callable[[int], FlaskClient],
    renderer_held_elsewhere: None,
) -> None:
    case_id, organizer = drafting
    client = login_as(organizer)
    version_id = demand_letter_version(app, case_id)
    started = time.monotonic()
    response = client.get(f"/letters/versions/{version_id}/pdf", follow_redirects=True)
    assert time.monotonic() - started < 3
    assert response.mimetype == "text/html" and BUSY in response.get_data(as_text=True)


def test_a_delivery_while_the_renderer_is_busy_is_refused_and_the_fight_stays_ready(
    app: Flask, make_fight: Callable[..., tuple[int, int]],
    login_as: Callable[[int], FlaskClient], renderer_held_elsewhere: None,
) -> None:
    case_id, organizer = make_fight(S.READY)
    client = login_as(organizer)
    with app.app_context():
        version = db.session.get_one(Case, case_id).version
    response = client.post(f"/cases/{case_id}/moves/deliver", data={
        "version": str(version), "delivered_at": "2026-11-02T10:30", "place": "The bistro",
        "handed_over_by": "Maria and 20 supporters", "turnout": "21"})
    assert response.status_code == 400 and BUSY in response.get_data(as_text=True)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        assert case.state == S.READY and not case.deliveries
        assert not db.session.get_one(LetterVersion, demand_letter_version(app, case_id)
                                      ).is_frozen


def test_the_weeks_letters_while_the_renderer_is_busy_come_back_with_a_message(
    app: Flask, make_fight: Callable[..., tuple[int, int]], make_user: Callable[..., int],
    login_as: Callable[[int], FlaskClient], renderer_held_elsewhere: None,
) -> None:
    case_id, _ = make_fight(S.READY)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        case.planned_delivery_on = network_today(case.network)
        db.session.commit()
    client = login_as(make_user(Role.COORDINATOR))
    response = client.post("/letters/due", follow_redirects=True)
    assert response.mimetype == "text/html" and BUSY in response.get_data(as_text=True)


@pytest.fixture
def old_long_letter(app: Flask, make_fight: Callable[..., tuple[int, int]]) -> tuple[int, int]:
    """A fight due this week whose letter was approved before the limits: 60 demands of 2,000
    characters, in Spanish and English (the finding: 6.7 s of rendering)."""
    case_id, organizer = make_fight(S.READY)
    with app.app_context():
        case = db.session.get_one(Case, case_id)
        case.planned_delivery_on = network_today(case.network)
        version = db.session.get_one(LetterVersion, demand_letter_version(app, case_id))
        assert version.snapshot is not None
        old = {k: v for k, v in version.snapshot.items() if k not in ("languages", "texts")}
        version.snapshot = {**old, "version": 1, "language": "es", "demands": [
            {"kind": "action", "description": prose(2_000, n), "amount": None,
             "calculation": ""} for n in range(60)]}
        db.session.commit()
        return version.id, organizer


def test_a_letter_from_before_the_limits_is_refused_with_a_message_not_an_error(
    app: Flask, old_long_letter: tuple[int, int], login_as: Callable[[int], FlaskClient],
    runner: Any, tmp_path: Path,
) -> None:
    version_id, organizer = old_long_letter
    client = login_as(organizer)
    started = time.monotonic()
    response = client.get(f"/letters/versions/{version_id}/pdf", follow_redirects=True)
    assert time.monotonic() - started < 3  # refused before the costly layout
    assert response.mimetype == "text/html"
    assert "This letter is too long; a letter may have at most 40 pages." in response.get_data(
        as_text=True)
    result = runner.invoke(args=["casework", "letters", "print", "--due-this-week",
                                 "--output", str(tmp_path / "due.zip"), "--processes", "1"])
    assert result.exit_code == 1 and "Nothing printed: This letter is too long" in result.output
    assert not (tmp_path / "due.zip").exists()
