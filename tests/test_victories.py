"""Publishing a won fight: the public page and the Atom feed show only published victories of
won fights, the member's name only where they agreed, and never their phone or email."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import feedparser
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.extensions import db
from casework.models import (
    AuditEntry,
    Case,
    ConsentMethod,
    Outcome,
    OutcomeKind,
    Role,
    User,
    Victory,
)
from casework.victories import services
from casework.workflow.states import CaseState
from tests.conftest import login

PAGE, FEED = "/n/sea/victories", "/n/sea/victories.atom"
WON_ON = date(2026, 11, 19)
STORY = "The bistro kept two months of wages. Eighteen of us delivered the letter; it paid."


@pytest.fixture
def won_fight(app: Flask, make_fight: Callable[..., tuple[int, int]]
              ) -> Callable[..., tuple[int, int]]:
    """A won fight (in full, $2,160 recovered on 19 Nov 2026); returns (case, organizer)."""

    def make(**facts: Any) -> tuple[int, int]:
        case_id, organizer = make_fight(CaseState.WON, **facts)
        with app.app_context():
            db.session.add(Outcome(case_id=case_id, kind=OutcomeKind.FULL, decided_on=WON_ON,
                                   amount_recovered=Decimal("2160.00")))
            db.session.commit()
        return case_id, organizer

    return make


def consent_data(may_name: bool, given_on: str = "2026-11-25") -> dict[str, str]:
    return {"publication-may_name": "yes" if may_name else "no",
            "publication-given_on": given_on, "publication-method": "phone",
            "publication-note": ""}


def publish(client: FlaskClient, case_id: int, *, title: str = "Bistro pays back $2,160",
            story: str = STORY, may_name: bool = False) -> None:
    """Through the team's page: consent, write-up, the Publish button."""
    assert client.post(f"/cases/{case_id}/victory/consent",
                       data=consent_data(may_name)).status_code == 302
    assert client.post(f"/cases/{case_id}/victory",
                       data={"title": title, "write_up": story}).status_code == 302
    assert client.post(f"/cases/{case_id}/victory/publish").status_code == 302


def public_texts(app: Flask, code: str = "sea") -> tuple[str, str, Any]:
    """What an anonymous visitor gets: the page's text, the feed's XML (unescaped), the feed
    parsed."""
    visitor = app.test_client()
    page = visitor.get(f"/n/{code}/victories")
    feed = visitor.get(f"/n/{code}/victories.atom")
    assert page.status_code == 200 and feed.status_code == 200
    assert feed.mimetype == "application/atom+xml"
    parsed = feedparser.parse(feed.data)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    text = " ".join(re.sub(r"<[^>]+>", "", page.get_data(as_text=True)).split())
    return html.unescape(text), html.unescape(feed.data.decode()), parsed


def test_publishing_shows_the_victory_on_the_page_and_in_the_feed_and_unpublishing_removes_it(
        app: Flask, client: FlaskClient, won_fight: Callable[..., tuple[int, int]]) -> None:
    case_id, organizer = won_fight()
    login(client, app, organizer)
    page, _xml, parsed = public_texts(app)
    assert "No victories published yet" in page and parsed.entries == []

    publish(client, case_id)
    page, _xml, parsed = public_texts(app)
    assert "Bistro pays back $2,160" in page and "Eighteen of us delivered" in page
    assert "Won in full: $2,160.00 recovered" in page and "won on Thu 19 Nov 2026" in page
    assert "No victories published yet" not in page
    assert parsed.feed.title == "Victories of Test Network"
    [entry] = parsed.entries
    assert entry.title == "Bistro pays back $2,160"
    assert "$2,160.00 recovered" in entry.content[0].value and STORY in entry.content[0].value
    assert entry.link.endswith(f"{PAGE}#victory-{entry.id.rsplit('-', 1)[1]}")

    assert client.post(f"/cases/{case_id}/victory/unpublish").status_code == 302
    page, _xml, parsed = public_texts(app)
    assert "Bistro pays back" not in page and "No victories published yet" in page
    assert parsed.entries == []
    with app.app_context():
        actions = db.session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.object_type == "victory", AuditEntry.case_id == case_id)
            .order_by(AuditEntry.id)).all()
    assert [a for a in actions if a.endswith("publish")] == ["victory.publish",
                                                            "victory.unpublish"]


NAME_LETTERS = "qxzjwkÁÉÍÓÚñøþ"  # parts no page word contains
words = st.text(NAME_LETTERS, min_size=4, max_size=9)


@st.composite
def members(draw: st.DrawFn) -> dict[str, str]:
    first, last = draw(words), draw(words)
    local = draw(st.text("qxzjwk", min_size=4, max_size=8))
    return {"name": f"{first} {last}", "first": first, "last": last,
            "phone": f"206-{draw(st.integers(200, 999))}-{draw(st.integers(1000, 9999))}",
            "email": f"{local}@{draw(st.text('qxzjwk', min_size=3, max_size=6))}.example"}


def story_with(member: dict[str, str], pieces: list[str]) -> str:
    """A story that may drop the member's name, phone or email in among ordinary words."""
    digits = re.sub(r"\D", "", member["phone"])
    by_key = {"name": member["name"], "first": member["first"].upper(), "last": member["last"],
              "phone": member["phone"], "dotted": f"{digits[:3]}.{digits[3:6]}.{digits[6:]}",
              "email": member["email"].upper()}
    return " ".join(by_key.get(piece, piece) for piece in pieces)


@pytest.mark.parametrize("may_name", [False, True], ids=["anonymous", "named"])
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(member=members(), pieces=st.lists(st.sampled_from(
    ["We", "won", "back", "wages", "together.", "name", "first", "last", "phone", "dotted",
     "email"]), min_size=1, max_size=8))
def test_the_page_and_feed_hold_no_personal_data_the_member_did_not_agree_to_publish(
        app: Flask, won_fight: Callable[..., tuple[int, int]], may_name: bool,
        member: dict[str, str], pieces: list[str]) -> None:
    case_id, organizer = won_fight(person_name=member["name"], person_phone=member["phone"],
                                   person_email=member["email"])
    story = story_with(member, pieces)
    with app.app_context():
        case, user = db.session.get_one(Case, case_id), db.session.get_one(User, organizer)
        services.record_publication_consent(case, user, services.PublicationConsentInput(
            given_on=date(2026, 11, 25), method=ConsentMethod.IN_PERSON, may_name=may_name))
        try:
            services.save_write_up(case, user, "We won", story)
            services.publish_victory(case, user)
            published = True
        except services.VictoryRefused:
            published = False
        db.session.commit()
    page, xml, parsed = public_texts(app)
    shows = [page.casefold(), xml.casefold(), str(parsed.entries).casefold()]
    digits = re.sub(r"\D", "", member["phone"])
    for text in shows:
        assert member["email"].casefold() not in text
        assert digits[-7:] not in re.sub(r"\D", "", " ".join(re.findall(r"[\d.\- ()]{7,}",
                                                                          text)))
        named = member["first"].casefold() in text or member["last"].casefold() in text
        assert named == (may_name and published)
    refused_for_contact = any(p in pieces for p in ("phone", "dotted", "email"))
    refused_for_name = not may_name and any(p in pieces for p in ("name", "first", "last"))
    assert published == (not refused_for_contact and not refused_for_name)
    with app.app_context():  # the next example starts with nothing published
        db.session.execute(sa.update(Victory).values(published_at=None))
        db.session.commit()


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("story", "may_name", "message"), [
    ("Maria Example got her deposit back.", False, "names the member, who has not agreed"),
    ("Call 206 555 0100 to join us.", True, "phone number: contact details are never"),
], ids=["name-without-consent", "phone-even-when-named"])
def test_a_story_that_reaches_the_member_is_refused_next_to_it_and_kept(
        app: Flask, client: FlaskClient, won_fight: Callable[..., tuple[int, int]],
        story: str, may_name: bool, message: str) -> None:
    case_id, organizer = won_fight()  # Maria Example, 206-555-0100
    login(client, app, organizer)
    client.post(f"/cases/{case_id}/victory/consent", data=consent_data(may_name))
    response = client.post(f"/cases/{case_id}/victory", data={"title": "Won", "write_up": story})
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert message in page and f"\n{story}</textarea>" in page
    with app.app_context():
        assert db.session.scalars(sa.select(Victory)).all() == []


@pytest.mark.sqlite_only
def test_named_consent_shows_the_name_and_withdrawing_it_takes_a_naming_story_down(
        app: Flask, client: FlaskClient, won_fight: Callable[..., tuple[int, int]]) -> None:
    case_id, organizer = won_fight()
    login(client, app, organizer)
    publish(client, case_id, story="Maria Example stood up and won.", may_name=True)
    page, _xml, parsed = public_texts(app)
    assert "Won together with Maria Example." in page
    assert "With Maria Example." in parsed.entries[0].content[0].value

    response = client.post(f"/cases/{case_id}/victory/consent", data=consent_data(False),
                           follow_redirects=True)
    assert "taken off the public page" in response.get_data(as_text=True)
    page, xml, parsed = public_texts(app)
    assert "Maria" not in page and "Maria" not in xml and parsed.entries == []


@pytest.mark.sqlite_only
def test_publishing_needs_the_members_consent_and_a_won_fight(
        app: Flask, client: FlaskClient, won_fight: Callable[..., tuple[int, int]]) -> None:
    case_id, organizer = won_fight()
    login(client, app, organizer)
    client.post(f"/cases/{case_id}/victory", data={"title": "Won", "write_up": STORY})
    response = client.post(f"/cases/{case_id}/victory/publish", follow_redirects=True)
    assert "Record the member's consent to publishing it first." in html.unescape(
        response.get_data(as_text=True))
    assert public_texts(app)[2].entries == []

    publish_consent = client.post(f"/cases/{case_id}/victory/consent", data=consent_data(False))
    assert publish_consent.status_code == 302
    client.post(f"/cases/{case_id}/victory/publish")
    assert len(public_texts(app)[2].entries) == 1
    with app.app_context():  # reopened: off the page until it is won again
        db.session.get_one(Case, case_id).state = CaseState.NEGOTIATING
        db.session.commit()
    page, _xml, parsed = public_texts(app)
    assert parsed.entries == [] and "No victories published yet" in page
    assert "Published, but hidden" in client.get(f"/cases/{case_id}/victory").get_data(
        as_text=True)


@pytest.mark.sqlite_only
def test_dates_are_the_networks_own(app: Flask, client: FlaskClient,
                                    won_fight: Callable[..., tuple[int, int]]) -> None:
    case_id, organizer = won_fight()
    login(client, app, organizer)
    publish(client, case_id)
    with app.app_context():  # 05:30 UTC on the 21st is 21:30 on the 20th in Seattle
        victory = db.session.scalars(sa.select(Victory)).one()
        victory.published_at = victory.updated_at = datetime(2026, 11, 21, 5, 30, tzinfo=UTC)
        db.session.commit()
    page, _xml, parsed = public_texts(app)
    assert "published Fri 20 Nov 2026" in page and "21 Nov" not in page
    assert parsed.entries[0].published == "2026-11-20T21:30:00-08:00"
    assert parsed.feed.updated == "2026-11-20T21:30:00-08:00"


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("who", "status"), [
    ("team_organizer", 200), ("coordinator", 200), ("other_organizer", 403),
    (Role.INTAKE, 403)])
def test_only_the_team_and_coordinators_may_publish(
        app: Flask, won_fight: Callable[..., tuple[int, int]], make_user: Callable[..., int],
        who: str, status: int) -> None:
    case_id, organizer = won_fight()
    user = {"team_organizer": organizer, "coordinator": make_user(Role.COORDINATOR),
            "other_organizer": make_user(Role.ORGANIZER)}.get(who) or make_user(who)
    client = app.test_client()
    login(client, app, user)
    assert client.get(f"/cases/{case_id}/victory").status_code == status
    client.post(f"/cases/{case_id}/victory/consent", data=consent_data(False))
    client.post(f"/cases/{case_id}/victory", data={"title": "Won", "write_up": STORY})
    client.post(f"/cases/{case_id}/victory/publish")
    assert len(public_texts(app)[2].entries) == (1 if status == 200 else 0)


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("path", "status"), [
    ("/n/SEA/victories", 200), ("/n/sea/victories.atom", 200), ("/n/nope/victories", 404),
    ("/n/nope/victories.atom", 404), ("/n/" + "s" * 300 + "/victories", 404)])
def test_the_public_pages_need_no_login_and_only_a_known_network(
        app: Flask, network_id: int, path: str, status: int) -> None:
    response = app.test_client().get(path)
    assert response.status_code == status
    if status == 200 and path.endswith("victories"):
        assert 'type="application/atom+xml"' in response.get_data(as_text=True)
