"""The public "get in touch" form: languages, the inquiry it makes and who sees it, the
intake address's notice, and its defences (closed form, size limits, honeypot, per-address
limit, CSRF)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from casework.config import ConfigError, public_form_per_hour
from casework.extensions import db
from casework.models import (
    Case,
    InquirySource,
    IssueType,
    Network,
    PublicFormSubmission,
    Role,
    Urgency,
)
from casework.public.forms import MAX_LENGTHS, parse_amount
from casework.reminders.services import due_reminders
from casework.workflow.states import CaseState
from tests.conftest import login

URL = "/n/sea/get-in-touch"
SENT = {"name": "Rosa Quintero", "phone": "206-555-0177", "email": "",
        "safe_contact": "Solo mensajes de texto, después de las 6",
        "language": "es", "target": "Taquería El Sol", "issue": "unpaid_wages",
        "what_happened": "No me pagaron las últimas tres semanas.", "amount": "1.250,50",
        "still_there": "no", "urgent": "y"}
TYPED = ("Rosa Quintero", "206-555-0177", "Solo mensajes", "Taquería El Sol", "tres semanas",
         "1.250,50")


@pytest.fixture
def network(app: Flask, network_id: int) -> int:
    """The test network (SEA) with its form open, a hotline and an intake address."""
    with app.app_context():
        found = db.session.get_one(Network, network_id)
        found.public_form_open, found.hotline_phone = True, "206-555-0000"
        found.intake_email = "intake@example.org"
        db.session.commit()
    return network_id


def visitor(app: Flask, address: str = "203.0.113.7") -> FlaskClient:
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def cases(app: Flask) -> list[Case]:
    with app.app_context():
        found = list(db.session.scalars(sa.select(Case).order_by(Case.id)))
        for case in found:
            _ = case.person.name, case.target.name  # loaded before the session closes
        return found


def page_text(response: Any) -> str:
    return str(response.get_data(as_text=True))


@pytest.mark.parametrize(("headers", "cookie", "language", "heading"), [
    ({}, "", "en", "Get in touch with Test Network"),
    ({"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}, "", "es", "Contacta con Test Network"),
    ({"Accept-Language": "fr-FR,fr;q=0.9"}, "", "en", "Get in touch with Test Network"),
    ({"Accept-Language": "es"}, "en", "en", "Get in touch with Test Network"),
    ({}, "es", "es", "Contacta con Test Network"),
    ({}, "xx", "en", "Get in touch with Test Network"),
])
def test_the_form_speaks_the_browsers_language_or_the_one_chosen(
        app: Flask, network: int, headers: dict[str, str], cookie: str, language: str,
        heading: str) -> None:
    client = visitor(app)
    if cookie:
        client.set_cookie("lang", cookie)
    response = client.get(URL, headers=headers)
    page = page_text(response)
    assert response.status_code == 200
    assert f'<html lang="{language}"' in page
    assert f"<h1>{heading}</h1>" in page
    # The app's one switch offers both languages, each named in its own language, no script.
    assert re.search(r'href="/language/es\?next=/n/sea/get-in-touch"[^>]*>(<strong>)?Español',
                     page)
    assert re.search(r'href="/language/en\?next=/n/sea/get-in-touch"[^>]*>(<strong>)?English',
                     page)
    assert "206-555-0000" in page and "<script" not in page
    assert ("Your privacy" if language == "en" else "Tu privacidad") in page


def spanish_visitor(app: Flask, address: str = "203.0.113.7") -> FlaskClient:
    """A visitor who chose Español on the switch."""
    client = visitor(app, address)
    client.set_cookie("lang", "es")
    return client


@pytest.mark.parametrize("where", ["closed", "unknown", "other_closed"])
def test_a_closed_or_unknown_form_is_a_friendly_not_found_that_tells_nothing(
        app: Flask, network_id: int, make_network: Callable[..., int], where: str) -> None:
    make_network("OTH")  # exists, form closed
    url = {"closed": URL, "unknown": "/n/nope/get-in-touch",
           "other_closed": "/n/oth/get-in-touch"}[where]
    client = visitor(app)
    answers = [client.get(url), client.get(f"{url}/thanks"), client.post(url, data=SENT)]
    for response in answers:
        page = page_text(response)
        assert response.status_code == 404
        assert "This form is not open" in page
        assert "Test Network" not in page and "<form" not in page
    with_es = client.get(url, headers={"Accept-Language": "es"})
    assert "Este formulario no está abierto" in page_text(with_es)
    assert cases(app) == []


def test_the_form_reads_the_network_code_in_any_case(app: Flask, network: int) -> None:
    assert visitor(app).get("/n/SEA/get-in-touch").status_code == 200


def test_a_sent_form_is_a_web_form_inquiry_for_intake_announced_to_the_intake_address(
        app: Flask, network: int, make_user: Callable[..., int],
        make_case: Callable[..., int]) -> None:
    intake = make_user(Role.INTAKE)
    make_case(make_user(Role.INTAKE), target_name="Someone Else's Inquiry")
    response = spanish_visitor(app).post(URL, data=SENT)
    assert response.status_code == 303
    assert response.location == "/n/sea/get-in-touch/thanks"  # nothing typed in it
    thanks = page_text(spanish_visitor(app).get(response.location))
    assert "Hemos recibido tu mensaje" in thanks and "Qué pasa ahora" in thanks
    assert not [typed for typed in TYPED if typed in thanks]

    web = cases(app)[-1]
    assert (web.source, web.created_by_id, web.state) == (
        InquirySource.WEB_FORM, None, CaseState.INQUIRY)
    assert (web.person.name, web.person.phone, web.person.languages) == (
        "Rosa Quintero", "206-555-0177", "es")
    assert web.person.safe_contact_notes == SENT["safe_contact"]
    assert (web.target.name, web.issue_type, web.amount_claimed) == (
        "Taquería El Sol", IssueType.UNPAID_WAGES, Decimal("1250.50"))
    assert (web.urgency, web.still_employed_or_housed) == (Urgency.HIGH, False)
    assert "Rosa" not in web.summary and "semanas" not in web.summary  # shown to everyone

    client = app.test_client()
    login(client, app, intake)
    my_work = page_text(client.get("/"))
    assert re.search(rf"{web.reference}</a> · Taquería El Sol · Unpaid wages · "
                     r'<span class="source">Web form</span>', my_work)
    assert "Someone Else" not in my_work  # another volunteer's own inquiry stays theirs
    case_page = page_text(client.get(f"/cases/{web.id}"))
    assert "from the web form" in case_page and "206-555-0177" in case_page

    with app.app_context():
        notices = [r for r in due_reminders() if r.key == f"inquiry:{web.id}"]
    assert [(n.address, n.subject) for n in notices] == [
        ("intake@example.org", f"New inquiry {web.reference}")]
    assert "came through the web form" in notices[0].body
    assert not [typed for typed in TYPED if typed in notices[0].body]


def test_intake_loses_a_web_form_inquiry_once_an_organizer_takes_it_up(
        app: Flask, network: int, make_user: Callable[..., int]) -> None:
    intake = make_user(Role.INTAKE)
    visitor(app).post(URL, data=SENT)
    web = cases(app)[-1]
    client = app.test_client()
    login(client, app, intake)
    assert client.get(f"/cases/{web.id}").status_code == 200
    with app.app_context():
        db.session.get_one(Case, web.id).state = CaseState.SCREENING
        db.session.commit()
    assert client.get(f"/cases/{web.id}").status_code == 403
    assert web.reference not in page_text(client.get("/cases/"))


@pytest.mark.parametrize("field", sorted(MAX_LENGTHS))
def test_each_field_has_a_size_limit_said_next_to_it_with_the_answers_kept(
        app: Flask, network: int, field: str) -> None:
    limit = MAX_LENGTHS[field]
    response = spanish_visitor(app).post(URL, data={**SENT, field: "x" * (limit + 1)})
    page = page_text(response)
    if field == "website":  # the honeypot: a robot is thanked, and nothing is made
        assert response.status_code == 303
        assert cases(app) == []
        return
    assert response.status_code == 400
    assert re.search(rf'id="{field}-error" class="field-error">Es demasiado largo: como mucho '
                     rf"{limit} caracteres\.<", page)
    assert re.search(rf'aria-describedby="{field}-error( {field}-help)?"', page)
    assert "Algunas respuestas necesitan atención" in page
    kept = [value for name, value in SENT.items()
            if name != field and value and name not in ("language", "issue", "still_there",
                                                        "urgent")]
    assert all(value in page for value in kept)
    assert re.search(r'<input checked id="issue-0" name="issue" type="radio" '
                     r'value="unpaid_wages">', page)
    assert '<input checked id="urgent"' in page
    assert cases(app) == []
    with app.app_context():  # a refused form does not count towards the limit
        assert db.session.scalar(sa.select(sa.func.count(PublicFormSubmission.id))) == 0


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": "  "}, "name", "This is needed."),
    ({"phone": "", "safe_contact": ""}, "phone", "Give a phone, an email or a safe way"),
    ({"email": "rosa at home"}, "email", "This is not an email address."),
    ({"amount": "a lot"}, "amount", "Write an amount such as 1250"),
    ({"amount": "100000000"}, "amount", "Write an amount up to 99,999,999.99."),
    ({"issue": "bribery"}, "issue", "Choose one of these."),
    ({"target": "Acme\x00"}, "target", "This contains characters that cannot be stored."),
])
def test_bad_answers_get_a_message_next_to_their_field(
        app: Flask, network: int, changes: dict[str, str], field: str, message: str) -> None:
    response = visitor(app).post(URL, data={**SENT, **changes})
    assert response.status_code == 400
    assert re.search(rf'id="{field}-error" class="field-error">{re.escape(message)}',
                     page_text(response))
    assert cases(app) == []


@pytest.mark.parametrize(("written", "amount"), [
    ("1250", "1250"), ("1,250.50", "1250.50"), ("$ 1,250", "1250"), ("1.250,50", "1250.50"),
    ("1250,5", "1250.5"), ("12.5", "12.5"), ("1.250", "1250"), ("1,25", "1.25"),
    ("-5", None), ("1e3", None), ("NaN", None), ("١٢٣", None), ("1,2,3", None),
])
def test_amounts_are_read_as_people_write_them_in_either_language(
        written: str, amount: str | None) -> None:
    assert parse_amount(written) == (Decimal(amount) if amount else None)


def test_a_filled_honeypot_looks_like_success_and_makes_nothing(
        app: Flask, network: int) -> None:
    response = spanish_visitor(app).post(URL, data={**SENT, "website": "http://spam.example"})
    assert response.status_code == 303
    assert response.location == "/n/sea/get-in-touch/thanks"
    assert cases(app) == []


@pytest.mark.parametrize("app_config", [{"CASEWORK_PUBLIC_FORM_PER_HOUR": 3}])
def test_one_address_is_limited_per_hour_and_never_blocks_another(
        app: Flask, network: int, db_backend: str) -> None:
    spammer = visitor(app, "198.51.100.9")
    answers = [spammer.post(URL, data={**SENT, "name": f"Sender {n}"}) for n in range(3)]
    answers.append(spammer.post(URL, data={**SENT, "website": "robot"}))  # counted too
    assert [a.status_code for a in answers] == [303, 303, 303, 429]
    spammer.set_cookie("lang", "es")
    refused = spammer.post(URL, data={**SENT, "name": "Sender 4"})
    page = page_text(refused)
    assert refused.status_code == 429
    assert "Hemos recibido varios mensajes desde tu conexión" in page
    assert 'value="Sender 4"' in page  # the answers stay, to send later or read out on a call
    assert [c.person.name for c in cases(app)] == ["Sender 0", "Sender 1", "Sender 2"]

    neighbour = visitor(app, "198.51.100.10")
    assert neighbour.post(URL, data={**SENT, "name": "Real Person"}).status_code == 303
    same_household = visitor(app, "2001:db8:1:2::1")  # an IPv6 /64 is one client
    for n in range(3):
        visitor(app, f"2001:db8:1:2::{n + 1}").post(URL, data=SENT)
    assert same_household.post(URL, data=SENT).status_code == 429

    with app.app_context():
        hashes = db.session.scalars(sa.select(PublicFormSubmission.client_hash)).all()
        assert not [h for h in hashes if "198.51" in h or "2001" in h]  # keyed hashes only
        for row in db.session.scalars(sa.select(PublicFormSubmission)):
            row.created_at -= timedelta(hours=1, seconds=1)
        db.session.commit()
    assert spammer.post(URL, data={**SENT, "name": "An hour later"}).status_code == 303
    with app.app_context():  # rows past the hour were dropped when the new one came
        assert db.session.scalar(sa.select(sa.func.count(PublicFormSubmission.id))) == 1


@pytest.mark.parametrize("app_config", [{"CASEWORK_PUBLIC_FORM_PER_HOUR": 1,
                                         "CASEWORK_TRUSTED_PROXIES": 1}])
def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(
        app: Flask, network: int) -> None:
    proxy = visitor(app, "127.0.0.1")
    first = proxy.post(URL, data=SENT, headers={"X-Forwarded-For": "192.0.2.1"})
    again = proxy.post(URL, data=SENT, headers={"X-Forwarded-For": "192.0.2.1"})
    other = proxy.post(URL, data=SENT, headers={"X-Forwarded-For": "192.0.2.2"})
    assert [r.status_code for r in (first, again, other)] == [303, 429, 303]


@pytest.fixture
def app_with_csrf(app: Flask) -> Iterator[Flask]:
    app.config["WTF_CSRF_ENABLED"] = True
    yield app


def test_an_expired_form_comes_back_with_the_answers_and_a_fresh_token(
        app_with_csrf: Flask, network: int) -> None:
    client = spanish_visitor(app_with_csrf)
    response = client.post(URL, data={**SENT, "csrf_token": "stale"})
    page = page_text(response)
    assert response.status_code == 400
    assert "El formulario caducó" in page and 'value="Rosa Quintero"' in page
    assert cases(app_with_csrf) == []
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert token is not None
    sent = client.post(URL, data={**SENT, "csrf_token": token.group(1)})
    assert sent.status_code == 303
    assert len(cases(app_with_csrf)) == 1


@pytest.mark.parametrize(("value", "expected"), [("", 5), ("12", 12), ("0", None),
                                                 ("-1", None), ("many", None)])
def test_the_hourly_limit_is_configured_from_the_environment(
        monkeypatch: pytest.MonkeyPatch, value: str, expected: int | None) -> None:
    if value:
        monkeypatch.setenv("CASEWORK_PUBLIC_FORM_PER_HOUR", value)
    else:
        monkeypatch.delenv("CASEWORK_PUBLIC_FORM_PER_HOUR", raising=False)
    if expected is None:
        with pytest.raises(ConfigError, match="CASEWORK_PUBLIC_FORM_PER_HOUR must be 1 or more"):
            public_form_per_hour()
    else:
        assert public_form_per_hour() == expected
