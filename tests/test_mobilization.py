"""Mobilization emails: written on the action page, sent by `tick` to a real SMTP server on
loopback, answered and unsubscribed through their one-click links."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from casework.extensions import db
from casework.models import (
    Action,
    ActionKind,
    ActionStatus,
    AuditEntry,
    CallAnswer,
    CallListEntry,
    Case,
    MobilizationRecipient,
    Person,
    Role,
    Tier,
)
from casework.workflow.states import CaseState
from tests.ladder import plan
from tests.mail_server import BASE_URL, MailServer, smtp_config

LA = ZoneInfo("America/Los_Angeles")
LINK = re.compile(rf"{re.escape(BASE_URL)}(/mail/[^\s/]+/(?:yes|no|unsubscribe))")
ENGLISH = {"subject_en": "Picket at Acme on Saturday", "body_en": "Come and picket with us.",
           "subject_es": "Piquete en Acme el sábado", "body_es": "Ven al piquete con nosotros."}


@pytest.fixture
def app_config(mail_server: MailServer) -> dict[str, Any]:
    return smtp_config(mail_server)


@dataclass
class World:
    case_id: int
    organizer: int
    action_id: int
    people: dict[str, int]

    @property
    def action_url(self) -> str:
        return f"/cases/{self.case_id}/actions/{self.action_id}"


# name: (tier, email, consents, languages); who gets the picket's email is marked below.
PEOPLE = {
    "ana": (Tier.MEMBER, "ana@example.org", True, "en"),
    "beto": (Tier.SUPPORTER, "beto@example.org", True, "es,en"),  # no phone: email only
    "fran": (Tier.MEMBER, "fran@example.org", True, "fr,es"),  # French first: gets Spanish
    "carla": (Tier.SUPPORTER, "carla@example.org", False, "en"),  # no consent
    "dora": (Tier.MEMBER, "  ", True, "en"),  # consents, no address
    "eli": (Tier.CONTACT, "eli@example.org", True, "en"),  # a contact is not mobilized
}
RECEIVE = {"ana@example.org": "en", "beto@example.org": "es", "fran@example.org": "es"}


@pytest.fixture
def world(app: Flask, make_fight: Callable[..., tuple[int, int]],
          make_network: Callable[..., int]) -> World:
    """An escalating fight with a picket next week (big: supporters too) and people of every
    kind; someone of another network who consents."""
    case_id, organizer = make_fight(CaseState.ESCALATING)
    starts = datetime.combine(datetime.now(LA).date() + timedelta(days=7), time(17, 0), LA)
    other_network = make_network("OTH")
    with app.app_context():
        network_id = db.session.get_one(Case, case_id).network_id
        action_id = plan(case_id, organizer, kind=ActionKind.PICKET, title="Picket",
                         starts_at=starts.astimezone(UTC), place="Acme office, 12 Pine St",
                         calls_supporters=True)
        people = {name: Person(network_id=network_id, name=name.capitalize(), tier=tier,
                               email=email, email_consent=consents, languages=languages,
                               phone="" if name == "beto" else "206-555-0150")
                  for name, (tier, email, consents, languages) in PEOPLE.items()}
        people["outsider"] = Person(network_id=other_network, name="Olga", email_consent=True,
                                    email="olga@example.org", tier=Tier.MEMBER)
        db.session.add_all(people.values())
        db.session.commit()
        return World(case_id, organizer, action_id, {k: p.id for k, p in people.items()})


def tick(runner: Any) -> str:
    result = runner.invoke(args=["casework", "tick"])
    assert result.exit_code == 0, result.output
    return str(result.output)


def write_and_send(client: FlaskClient, world: World) -> str:
    """Save the text on the action page, review it, press Send; returns the review page."""
    saved = client.post(f"{world.action_url}/email", data=ENGLISH)
    assert saved.status_code == 302 and saved.location.endswith("/email/review")
    review = client.get(f"{world.action_url}/email/review").get_data(as_text=True)
    sent = client.post(f"{world.action_url}/email/send", follow_redirects=True)
    assert "Email queued for" in sent.get_data(as_text=True)
    return review


def links_of(message: EmailMessage) -> dict[str, str]:
    """The yes, no and unsubscribe links of a received email, as paths."""
    return {path.rsplit("/", 1)[1]: path for path in LINK.findall(message.get_content())}


def received_by(mail_server: MailServer) -> dict[str, EmailMessage]:
    return {message["To"]: message for message in mail_server.take()}


def answer_of(app: Flask, world: World, name: str) -> CallAnswer | None:
    with app.app_context():
        return db.session.scalar(select(CallListEntry.answer).where(
            CallListEntry.action_id == world.action_id,
            CallListEntry.person_id == world.people[name]))


def consents(app: Flask, world: World, name: str) -> bool:
    with app.app_context():
        return db.session.get_one(Person, world.people[name]).email_consent


@pytest.fixture
def sent(runner: Any, world: World, mail_server: MailServer,
         login_as: Callable[[int], FlaskClient]) -> dict[str, EmailMessage]:
    """The email written, sent and received: by address."""
    write_and_send(login_as(world.organizer), world)
    assert "Mobilization emails sent: 3." in tick(runner)
    return received_by(mail_server)


def test_the_email_reaches_exactly_the_consenting_people_in_their_language(
        app: Flask, runner: Any, world: World, mail_server: MailServer,
        login_as: Callable[[int], FlaskClient]) -> None:
    client = login_as(world.organizer)
    page = client.get(world.action_url).get_data(as_text=True)
    assert "3 people: 1 in English, 2 in Spanish" in page
    assert "Piquete el " in page  # the default text for a picket, in Spanish too
    review = write_and_send(client, world)
    assert "Send to 3 people" in review and "Ven al piquete con nosotros." in review
    assert "Mobilization emails sent: 3." in tick(runner).splitlines()
    received = received_by(mail_server)
    assert {to: m["Subject"] for to, m in received.items()} == {
        "ana@example.org": ENGLISH["subject_en"], "beto@example.org": ENGLISH["subject_es"],
        "fran@example.org": ENGLISH["subject_es"]}
    for to, language in RECEIVE.items():
        body = received[to].get_content()
        assert ENGLISH[f"body_{language}"] in body
        assert ("¿Vienes?" in body) is (language == "es")
        links = links_of(received[to])
        assert set(links) == {"yes", "no", "unsubscribe"}
        assert received[to]["List-Unsubscribe"] == f"<{BASE_URL}{links['unsubscribe']}>"
        assert received[to]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert received[to]["From"].endswith("<casework@sea.example.org>")
    assert "Mobilization emails sent: 0." in tick(runner) and mail_server.take() == []
    page = client.get(world.action_url).get_data(as_text=True)
    assert "3 sent" in page and "0 yes" in page
    with app.app_context():  # Beto has no phone: on the call list for his answer, nobody's call
        on_list = set(db.session.scalars(select(CallListEntry.person_id).where(
            CallListEntry.action_id == world.action_id)))
    assert on_list == {world.people[name] for name in ("ana", "beto", "fran")}


@pytest.mark.parametrize(("to", "answer", "expected", "thanks"), [
    ("ana@example.org", "yes", CallAnswer.YES, "We count on you"),
    ("beto@example.org", "yes", CallAnswer.YES, "Contamos contigo"),
    ("fran@example.org", "no", CallAnswer.NO, "Gracias por avisarnos"),
])
def test_following_a_link_records_the_answer_on_the_call_list(
        app: Flask, world: World, sent: dict[str, EmailMessage],
        login_as: Callable[[int], FlaskClient], to: str, answer: str, expected: CallAnswer,
        thanks: str) -> None:
    name = to.split("@")[0]
    link = links_of(sent[to])[answer]
    visitor = app.test_client()
    page = visitor.get(link)  # what a mail scanner fetches: it changes nothing
    assert page.status_code == 200 and "<button" in page.get_data(as_text=True)
    assert answer_of(app, world, name) == CallAnswer.NOT_CALLED
    done = visitor.post(link)
    assert done.status_code == 200 and thanks in done.get_data(as_text=True)
    assert answer_of(app, world, name) == expected
    assert visitor.post(link).status_code == 200  # pressing twice is harmless
    counts = login_as(world.organizer).get(world.action_url).get_data(as_text=True)
    assert f"<strong>{1 if answer == 'yes' else 0} yes</strong>" in counts
    assert f"{1 if answer == 'no' else 0} no" in counts
    with app.app_context():  # the audit log says a link answered, in the network's log
        entries = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "call_list_entry.update")).all()
        assert entries and all(e.network_id and e.user_id is None for e in entries)


def spoil(path: str, how: str) -> str:
    start, token, rest = path.split("/", 3)[1:]
    spoiled = {"tampered": token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB"),
               "cut": token[: len(token) // 2],
               "other_id": "OTk5" + token[token.index("."):],  # says 999, signed for another
               "huge": token * 20}[how]
    return f"/{start}/{spoiled}/{rest}"


@pytest.mark.parametrize("how", ["tampered", "cut", "other_id", "huge"])
@pytest.mark.parametrize("kind", ["yes", "unsubscribe"])
def test_a_tampered_link_changes_nothing_and_says_so(
        app: Flask, world: World, sent: dict[str, EmailMessage], how: str, kind: str) -> None:
    link = spoil(links_of(sent["ana@example.org"])[kind], how)
    for method in ("GET", "POST"):
        response = app.test_client().open(link, method=method)
        page = response.get_data(as_text=True)
        assert response.status_code == 404
        assert "This link does not work" in page and "Este enlace no funciona" in page
    assert answer_of(app, world, "ana") == CallAnswer.NOT_CALLED
    assert consents(app, world, "ana")


@pytest.mark.parametrize("how", ["started", "cancelled", "done"])
def test_an_expired_link_changes_nothing_and_says_so_in_their_language(
        app: Flask, world: World, sent: dict[str, EmailMessage], how: str) -> None:
    with app.app_context():
        action = db.session.get_one(Action, world.action_id)
        if how == "started":
            action.starts_at = datetime.now(UTC) - timedelta(hours=3)
        else:
            action.status = ActionStatus(how)
        db.session.commit()
    link = links_of(sent["beto@example.org"])["yes"]
    for method in ("GET", "POST"):
        response = app.test_client().open(link, method=method)
        assert response.status_code == 410
        assert "Este enlace ha caducado" in response.get_data(as_text=True)
    assert answer_of(app, world, "beto") == CallAnswer.NOT_CALLED


def test_a_link_signed_with_another_key_is_refused(
        app: Flask, world: World, sent: dict[str, EmailMessage]) -> None:
    from itsdangerous import URLSafeTimedSerializer

    from casework.mobilize.services import LINK_SALT

    with app.app_context():
        recipient = db.session.scalars(select(MobilizationRecipient.id)).first()
    forged = URLSafeTimedSerializer("not-the-key", salt=LINK_SALT).dumps(recipient)
    assert app.test_client().post(f"/mail/{forged}/yes").status_code == 404
    assert app.test_client().post(f"/mail/{forged}/unsubscribe").status_code == 404
    assert all(answer_of(app, world, name) == CallAnswer.NOT_CALLED
               for name in ("ana", "beto", "fran"))


@pytest.mark.parametrize("app_config", [{
    "CASEWORK_SMTP_HOST": "127.0.0.1", "CASEWORK_SMTP_STARTTLS": False,
    "CASEWORK_BASE_URL": BASE_URL, "WTF_CSRF_ENABLED": True}])
def test_one_click_unsubscribe_withdraws_consent_and_no_later_email_goes(
        app: Flask, runner: Any, world: World, mail_server: MailServer,
        login_as: Callable[[int], FlaskClient], make_fight: Callable[..., tuple[int, int]]
        ) -> None:
    app.config["CASEWORK_SMTP_PORT"] = mail_server.port
    app.config["WTF_CSRF_ENABLED"] = False  # the organizer's pages, posted without a page
    write_and_send(login_as(world.organizer), world)
    tick(runner)
    received = received_by(mail_server)
    app.config["WTF_CSRF_ENABLED"] = True
    unsubscribe = links_of(received["fran@example.org"])["unsubscribe"]
    page = app.test_client().get(unsubscribe).get_data(as_text=True)
    assert "¿Dejar de recibir estos correos?" in page and consents(app, world, "fran")
    # What a mail provider sends (RFC 8058): no cookie, no CSRF token, no Referer.
    response = app.test_client().post(unsubscribe, data="List-Unsubscribe=One-Click",
                                      content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200 and "No más correos" in response.get_data(as_text=True)
    assert not consents(app, world, "fran")
    with app.app_context():
        withdrawn = db.session.scalars(select(AuditEntry).where(
            AuditEntry.action == "person.email_consent_withdrawn")).one()
        assert withdrawn.object_id == str(world.people["fran"]) and withdrawn.network_id
        assert "fran" not in withdrawn.detail.lower()
    # The RSVP form keeps its CSRF protection: without the page's token it is refused.
    assert app.test_client().post(links_of(received["ana@example.org"])["yes"]).status_code \
        == 400
    # A later action's email: everyone who still consents, not Fran.
    app.config["WTF_CSRF_ENABLED"] = False
    with app.app_context():
        starts = datetime.now(UTC) + timedelta(days=10)
        later = plan(world.case_id, world.organizer, starts_at=starts, calls_supporters=True)
    write_and_send(login_as(world.organizer), World(world.case_id, world.organizer, later,
                                                    world.people))
    tick(runner)
    assert set(received_by(mail_server)) == {"ana@example.org", "beto@example.org"}


def test_unsubscribing_between_send_and_tick_stops_that_copy(
        app: Flask, runner: Any, world: World, mail_server: MailServer,
        login_as: Callable[[int], FlaskClient]) -> None:
    write_and_send(login_as(world.organizer), world)
    with app.app_context():
        db.session.get_one(Person, world.people["ana"]).email_consent = False
        db.session.commit()
    assert "Mobilization emails sent: 2." in tick(runner)
    assert set(received_by(mail_server)) == {"beto@example.org", "fran@example.org"}


def test_smtp_down_then_up_sends_each_copy_once(
        app: Flask, runner: Any, world: World, mail_server: MailServer,
        login_as: Callable[[int], FlaskClient]) -> None:
    write_and_send(login_as(world.organizer), world)
    mail_server.stop()
    output = tick(runner)
    assert "Mobilization emails sent: 0. 3 not sent (the SMTP server failed" in output
    with app.app_context():
        assert db.session.scalar(select(func.count()).where(
            MobilizationRecipient.sent_at.is_not(None))) == 0
    mail_server.start()
    assert "Mobilization emails sent: 3." in tick(runner)
    assert "Mobilization emails sent: 0." in tick(runner)
    assert sorted(m["To"] for m in mail_server.take()) == sorted(RECEIVE)


def test_a_refused_address_is_tried_again_and_the_others_go_out(
        runner: Any, world: World, mail_server: MailServer,
        login_as: Callable[[int], FlaskClient]) -> None:
    write_and_send(login_as(world.organizer), world)
    mail_server.refused = {"beto@example.org"}
    assert "Mobilization emails sent: 2. 1 not sent" in tick(runner)
    mail_server.refused = set()
    assert "Mobilization emails sent: 1." in tick(runner)
    assert [m["To"] for m in mail_server.take()][-1] == "beto@example.org"


def test_sending_again_reaches_only_those_who_had_nothing_and_the_text_is_kept(
        app: Flask, runner: Any, world: World, mail_server: MailServer,
        login_as: Callable[[int], FlaskClient]) -> None:
    client = login_as(world.organizer)
    write_and_send(client, world)
    tick(runner)
    mail_server.take()
    nothing_left = client.post(f"{world.action_url}/email/send", follow_redirects=True)
    assert "Nobody is left to send it to" in nothing_left.get_data(as_text=True)
    refused = client.post(f"{world.action_url}/email", data={**ENGLISH, "body_en": "New"})
    assert refused.status_code == 400 and "already sent" in refused.get_data(as_text=True)
    with app.app_context():
        db.session.get_one(Person, world.people["carla"]).email_consent = True
        db.session.commit()
    page = client.get(world.action_url).get_data(as_text=True)
    assert "1 person: 1 in English agreed to email and has not had it yet" in page
    review = client.get(f"{world.action_url}/email/review").get_data(as_text=True)
    assert "Send to 1 person" in review
    client.post(f"{world.action_url}/email/send")
    tick(runner)
    (again,) = mail_server.take()
    assert again["To"] == "carla@example.org" and ENGLISH["body_en"] in again.get_content()
    with app.app_context():  # the database itself refuses a second copy
        db.session.add(MobilizationRecipient(action_id=world.action_id,
                                             person_id=world.people["ana"]))
        with pytest.raises(IntegrityError):
            db.session.commit()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("empty", ["subject_es", "body_en"])
def test_a_missing_text_is_said_next_to_its_field_and_the_rest_is_kept(
        world: World, login_as: Callable[[int], FlaskClient], empty: str) -> None:
    client = login_as(world.organizer)
    response = client.post(f"{world.action_url}/email", data={**ENGLISH, empty: "  "})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert re.search(rf'id="{empty}-error"[^>]*>This is needed', page)
    kept = next(value for name, value in ENGLISH.items() if name != empty)
    assert kept in page
    assert client.get(f"{world.action_url}/email/review").status_code == 302  # nothing saved


@pytest.mark.sqlite_only
def test_only_the_case_team_writes_and_sends(
        app: Flask, world: World, make_user: Callable[..., int],
        login_as: Callable[[int], FlaskClient]) -> None:
    client = login_as(make_user(Role.ORGANIZER))  # an organizer, not on this fight's team
    for method, rest in (("POST", ""), ("GET", "/review"), ("POST", "/send")):
        response = client.open(f"{world.action_url}/email{rest}", method=method, data=ENGLISH)
        assert response.status_code == 403, rest
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(MobilizationRecipient)) == 0


@pytest.mark.sqlite_only
def test_merging_two_records_keeps_one_copy_per_action_and_the_answer(
        app: Flask, world: World, sent: dict[str, EmailMessage]) -> None:
    from casework.people.services import merge_people

    assert app.test_client().post(links_of(sent["fran@example.org"])["no"]).status_code == 200
    with app.app_context():  # Ana and Fran turn out to be one person
        merge_people(db.session.get_one(Person, world.people["ana"]),
                     db.session.get_one(Person, world.people["fran"]))
        db.session.commit()
        rows = db.session.execute(select(MobilizationRecipient.person_id,
                                         MobilizationRecipient.answer)).all()
    assert sorted(rows, key=str) == sorted(
        [(world.people["ana"], "no"), (world.people["beto"], None)], key=str)


@pytest.mark.parametrize(("to", "language", "heading", "skip_link"), [
    ("ana@example.org", "en", "Will you come?", "Skip to content"),
    ("beto@example.org", "es", "¿Vienes?", "Saltar al contenido"),
])
def test_a_link_page_is_in_the_persons_language_around_the_message_too(
        app: Flask, sent: dict[str, EmailMessage], to: str, language: str, heading: str,
        skip_link: str) -> None:
    browser = {"Accept-Language": "es-MX,es" if language == "en" else "en-US,en"}
    for page in (links_of(sent[to])[name] for name in ("yes", "unsubscribe")):
        html = app.test_client().get(page, headers=browser).get_data(as_text=True)
        assert f'<html lang="{language}"' in html and skip_link in html
    rsvp = app.test_client().get(links_of(sent[to])["yes"], headers=browser)
    assert f"<h1>{heading}</h1>" in rsvp.get_data(as_text=True)
