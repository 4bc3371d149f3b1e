"""Hostile input on every page and form: never a 500, never garbage stored, never a link made
from hostile query arguments. Pages and forms are found, not listed: each page is fetched by
someone it is meant for and parsed, then fetched again with hostile query strings. Most form
examples spoil one or two fields of a valid submission, so what passes the validators is
stored, and checked: no control characters, amounts finite in 0..99,999,999.99, dates in
1900..2100."""

from __future__ import annotations

import functools
import html
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st
from werkzeug.exceptions import HTTPException
from werkzeug.routing import AnyConverter, IntegerConverter
from werkzeug.test import TestResponse

from casework import models as m
from casework.clock import network_today
from casework.extensions import db
from casework.letters.context import LetterKind, to_snapshot
from casework.letters.services import add_version, context_of, demand_letter
from casework.mobilize.services import link_token
from casework.portal.services import invite_member
from casework.security import mfa
from casework.users.invitations import accept_invitation, invite_user
from casework.workflow.states import CaseState
from casework.workflow.table import BY_TRIGGER, TRANSITIONS
from tests.conftest import PASSWORD, login
from tests.fights import NOW

EXAMPLES_PER_FORM = int(os.environ.get("CASEWORK_FUZZ_EXAMPLES", "25"))  # 500: deeper, minutes
EXAMPLES_PER_BUTTON = 4  # forms with no fields: only junk to send, and some render PDFs
FEWER_EXAMPLES = {"auth.login": 8, "auth.logout": 2}  # each login costs a scrypt hash (~0.1 s)
MAX_AMOUNT = Decimal("99999999.99")
PLAUSIBLE_YEARS = range(1900, 2101)
CONTROL = {chr(c) for c in range(32) if chr(c) not in "\n\r\t"} | {"\x7f"}

# Named, so that a failing example prints a short name instead of 100,000 characters.
HOSTILE_TEXT = {
    "huge": "x" * 100_000, "huge_words": "word " * 20_000, "empty": "", "spaces": "   \t ",
    "emoji": "✊🏽😀🏳️‍🌈", "rtl": "\u202eevil\u202c \u200fשלום", "combining": "e\u0301\u0301\u0301Z̷̢",
    "zwj": "👩\u200d👩\u200d👧\u200d👦", "zero_width": "a\u200b\u200c\u200d\ufeffb",
    "nul": "a\x00b", "controls": "\x01\x02\x1b[31m\x7f\x08", "newlines": "l1\r\nl2\n\tl3",
    "line_sep": "a\u2028b\u2029c", "sql": "' OR 1=1 --", "sql2": "'; DROP TABLE case_record; --",
    "like": "%_\\%", "html": "<script>alert(1)</script>", "attr": '" onmouseover="alert(1)',
    "template": "{{ 7*7 }}{% raw %}", "path": "../../etc/passwd", "url": "javascript:alert(1)",
}
HOSTILE_NUMBERS = {
    "minus_one": "-1", "1e999": "1e999", "nan": "NaN", "snan": "sNaN", "inf": "Infinity",
    "minus_inf": "-Infinity", "14_nines": "99999999999999", "over_max": "100000000",
    "tiny": "1e-999", "minus_zero": "-0", "comma": "1,000", "three_places": "0.005",
    "arabic_digits": "١٢٣", "superscript": "²", "huge_int": "9" * 5000, "hex": "0x10",
    "bigint": "99999999999999999999", "space": " 12 ",
}
HOSTILE_DATES = {
    "feb_30": "2026-02-30", "zeros": "0000-00-00", "nines": "9999-99-99", "max": "9999-12-31",
    "min": "0001-01-01", "month_13": "2026-13-01", "slashes": "31/02/2026",
    "max_time": "9999-12-31T23:59", "min_time": "0001-01-01T00:00", "hour_25": "2026-11-02T25:61",
    "dst_gap": "2026-03-08T02:30", "year_10000": "10000-01-01",
}
HOSTILE = {**HOSTILE_TEXT, **HOSTILE_NUMBERS, **HOSTILE_DATES}
FAMILY = {"date": HOSTILE_DATES, "datetime-local": HOSTILE_DATES, "number": HOSTILE_NUMBERS,
          "hidden": HOSTILE_NUMBERS}
# Valid values for fields a page shows empty, by name, then by input type.
VALID_BY_NAME = {"amount": "150", "amount_claimed": "1200", "offer_amount": "900",
                 "amount_recovered": "2160", "turnout": "19", "votes_for": "9"}
# Honeypots: fields hidden from people, which a person leaves empty.
LEFT_EMPTY = {"website"}
VALID_BY_TYPE = {"date": "2026-11-20", "datetime-local": "2026-11-02T10:00", "number": "12",
                 "email": "fuzz@example.org", "password": "a-long-fuzz-password"}

# Query arguments no page may act on or copy into its links: url_for's own keywords (once a
# 500, or links to elsewhere), a next to another host, CR/LF (header splitting), repeated keys
# (the first one counts), very long values and bytes that are not UTF-8. A page with a GET
# form (its filters) also gets those fields spoiled, together with url_for's keywords.
MARK = "fuzzq"
HOSTILE_QUERIES = {
    "keywords_next_crlf_repeated":
        f"_method=POST&_anchor={MARK}&_external=1&_scheme={MARK}&after=1000000&page=2"
        f"&next=//{MARK}.example/&next=/%0d%0aX-{MARK}:1&search=%0d%0a{MARK}&q={MARK}%0d%0a"
        f"&redacted=%0d%0a&state=%0d%0a&after=x&page=x&search=b&_anchor=x&_external=0",
    "long_and_not_utf8":
        f"after={'9' * 5000}&page={'9' * 5000}&search=%ff&next=%ff&_anchor=%ff&_method=%ff"
        f"&%ff%fe=%c3%28&{MARK}={'x' * 100_000}&after=%ff&page=%ff&search={'s' * 5000}",
}
BAD_FILTER_VALUES = (f"%0d%0a{MARK}", "9" * 5000, "%ff", "%C2%B2", "-1", "", f"javascript:{MARK}")
# A link made from those arguments: an anchor, another scheme or host, url_for's keywords.
PLANTED_LINK = re.compile(rf"#{MARK}|^(?:{MARK}:|//|https?://localhost)"
                          r"|[?&;](?:_method|_anchor|_external|_scheme)=", re.IGNORECASE)

NOT_PAGES = {"letters.pdf", "letters.asset", "portal.asset", "moves.diagram", "static"}
# Pages whose forms depend on the case's state, person or letter: fetched for each of them.
PER_CASE_PAGES = {"cases.show", "portal.member_login", "letters.show", "people.caller_login",
                  "victories.edit", "solidarity.forward"}
CASE_IN_PATH = re.compile(r"^/cases/(\d+)/")
ADDRESSES = itertools.count(1)


@dataclass
class Field:
    """One named input of a form: its type, and the values the page itself offers."""

    kind: str
    choices: list[str] = field(default_factory=list)
    value: str | None = None  # what the page fills in, ticks or selects (textareas: "Fuzz")

    def valid(self, name: str) -> str | None:
        """A value the form accepts; None for a checkbox left unticked."""
        if name in LEFT_EMPTY:
            return ""
        if self.kind == "checkbox" or (self.choices and self.value is not None):
            return self.value
        return self.choices[0] if self.choices else (
            self.value or VALID_BY_NAME.get(name) or VALID_BY_TYPE.get(self.kind) or "Fuzz")


@dataclass
class Form:
    method: str
    path: str
    endpoint: str
    client: FlaskClient | None  # who saw the form sends it; None: a new visitor each time
    fields: dict[str, Field] = field(default_factory=dict)


class FormParser(HTMLParser):
    """Collects the forms of a page: where they go and their fields."""

    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[tuple[str, str, dict[str, Field]]] = []
        self.select: Field | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        self.select = self.select if tag == "option" else None  # options of a select only
        if tag == "form":
            action = urlsplit(urljoin(self.page_url, a.get("action") or self.page_url)).path
            self.forms.append((a.get("method", "get").upper(), action, {}))
        elif tag in ("input", "select", "textarea") and a.get("name") and self.forms:
            found = self.forms[-1][2].setdefault(a["name"], Field(a.get("type", tag).lower()))
            if tag == "input" and found.kind in ("checkbox", "radio"):
                found.choices.append(a.get("value", "y"))
                found.value = a.get("value", "y") if "checked" in a else found.value
            elif tag == "input":
                found.value = a.get("value", "")
            self.select = found if tag == "select" else None
        elif tag == "option" and self.select is not None:
            self.select.choices.append(a.get("value", ""))
            self.select.value = a.get("value", "") if "selected" in a else self.select.value


@dataclass
class World:
    coordinator: FlaskClient  # on the team of every fight
    member: FlaskClient  # the main fight's member
    two_factor: FlaskClient  # a coordinator with two-factor on
    halfway: FlaskClient  # a visitor between the password and the code
    coordinator_id: int
    url_values: list[dict[str, Any]]  # ids of the main fight, its letters, a won, a delivered
    move_values: list[dict[str, Any]]  # ids of a fight in a state each move starts from


def new_client(app: Flask) -> FlaskClient:
    """A client from an address of its own, so one's failed logins do not throttle another."""
    client, number = app.test_client(), next(ADDRESSES)
    client.environ_base["REMOTE_ADDR"] = f"10.0.{number // 250}.{number % 250 + 1}"
    return client


@pytest.fixture
def app_config(tmp_path: Path) -> dict[str, Any]:  # uploads go to the test's own folder
    return {"CASEWORK_UPLOAD_DIR": str(tmp_path / "uploads")}


@pytest.fixture
def world(app: Flask, make_user: Callable[..., int], make_fight: Callable[..., tuple[int, int]],
          make_task: Callable[..., int]) -> World:
    """A coordinator on the team of a fight in each state a move starts from, of a won fight,
    of a delivered one with an offer; letters at every step; a member with a draft to approve."""
    coordinator, other_user, two_factor_user = (
        make_user(role) for role in (m.Role.COORDINATOR, m.Role.INTAKE, m.Role.COORDINATOR))
    main, won, delivered, joined = (make_fight(state, coordinator)[0] for state in (
        CaseState.INQUIRY, CaseState.WON, CaseState.DELIVERED, CaseState.DELIVERED))
    task_id = make_task(main, assignee_id=coordinator)
    with app.app_context():
        case = db.session.get_one(m.Case, main)
        letters = [m.Letter(case=case, kind=kind, language="en") for kind in (
            LetterKind.LEAFLET, LetterKind.ESCALATION, LetterKind.FINAL_NOTICE)]
        versions = [m.LetterVersion(letter=letter, number=1, extra={}) for letter in letters]
        db.session.add_all([*letters, *versions])
        for version in versions[1:]:  # a draft, an approved one, one approved and reviewed
            version.snapshot, version.approved_at = to_snapshot(context_of(version)), NOW
        versions[2].review_status = m.ReviewStatus.PASSED
        demand = demand_letter(case)
        assert demand is not None
        draft = add_version(demand, None, {})  # for the member to approve
        db.session.add_all([
            m.Delivery(case_id=delivered, delivered_at=NOW, place="Shop", handed_over_by="Ana"),
            m.TargetContact(case_id=delivered, happened_at=NOW, channel=m.ContactChannel.PHONE,
                            summary="Offer", is_offer=True, offer_amount=Decimal("900"),
                            offer_status=m.OfferStatus.OPEN),
            m.Outcome(case_id=won, kind=m.OutcomeKind.FULL, decided_on=NOW.date(),
                      amount_recovered=Decimal("2160")),
            # Ready to publish: the member's consent and a story (the Publish button).
            m.Consent(case_id=won, subject=m.ConsentSubject.PUBLICATION, given_on=NOW.date(),
                      method=m.ConsentMethod.PHONE, consented_to="Publishing the victory"),
            m.Victory(case_id=won, network_id=case.network_id, title="Bistro pays it all",
                      write_up="We delivered the letter together; it paid.")])
        fact = m.TargetFact(target=case.target, kind=m.TargetFactKind.LEVERAGE_POINT,
                            name="Saturday brunch")  # for the target pages
        asker = m.User(network_id=case.network_id, role=m.Role.ORGANIZER, name="Asker",
                       email="asker@example.org", password_hash="-")
        disabled = m.User(network_id=case.network_id, role=m.Role.INTAKE, name="Dora Disabled",
                          email="dora@example.org", password_hash="-", is_disabled=True)
        db.session.add(disabled)  # for the Enable button
        db.session.add_all([fact, m.TeamJoinRequest(case=case, user=asker),  # to answer
                            m.TargetProposal(target=case.target, case=case,
                                             kind=m.TargetKind.PERSON, address="1 Decoy Road")])
        invite_member(case, db.session.get_one(m.User, coordinator), "member@example.org",
                      PASSWORD)
        member = accept_invitation("member@example.org", PASSWORD)  # the first login
        assert member is not None
        invite_user(case.network, db.session.get_one(m.User, coordinator), "Ivy Waiting",
                    "ivy@example.org", m.Role.INTAKE, PASSWORD)  # for the Withdraw button
        db.session.commit()
        case.network.public_form_open = True  # the public "get in touch" form
        # A network here to link with, another linked already (its buttons), an invitation
        # still open (Withdraw).
        here, linked = (m.Network(name=name, code=code) for name, code in (
            ("Tacoma Tenants", "TAC"), ("Portland SolNet", "PDX")))
        db.session.add_all([here, linked])
        db.session.flush()
        peer = m.Peer(network_id=case.network_id, local_network_id=linked.id, name=linked.name,
                      actor_id="http://127.0.0.1:5000/federation/pdx/actor",
                      key_id="http://127.0.0.1:5000/federation/pdx/actor#main-key",
                      public_key_pem="-", inbox_url="http://127.0.0.1:5000/federation/pdx/inbox",
                      status=m.PeerStatus.LINKED)
        # An appeal from it to answer, one accepted to report on; a fight joined with it (its
        # contacts are forwarded).
        db.session.add_all([
            peer, m.Appeal(network_id=case.network_id, peer=peer, uid="urn:uuid:fuzz",
                           direction=m.AppealDirection.RECEIVED, kind=m.AppealKind.ONE_OFF,
                           terms={"type": "casework:Appeal", "ask": "A picket"}),
            m.Appeal(network_id=case.network_id, peer=peer, uid="urn:uuid:fuzz-accepted",
                     direction=m.AppealDirection.RECEIVED, kind=m.AppealKind.ONE_OFF,
                     status=m.AppealStatus.ACCEPTED, terms={"type": "casework:Appeal",
                                                            "ask": "A call-in"}),
            m.PeerInvitation(network_id=case.network_id, code_sha256="0" * 64,
                             expires_at=datetime.now(UTC) + timedelta(days=1))])
        db.session.flush()
        db.session.get_one(m.Case, joined).joint_with = linked.name
        db.session.add(m.Appeal(network_id=case.network_id, peer=peer, uid="urn:uuid:joined",
                                direction=m.AppealDirection.RECEIVED, kind=m.AppealKind.JOINT,
                                status=m.AppealStatus.ACCEPTED, case_id=joined, terms={}))
        ids = {"case_id": main, "task_id": task_id, "user_id": other_user,
               "code": case.network.code.lower(),
               "letter_id": letters[0].id, "version_id": draft.id, "verdict": "accept",
               "demand_id": case.demands[0].id, "contact_id": case.contacts[0].id,
               "target_id": case.target_id, "fact_id": fact.id}
        supporter = m.Person(network_id=case.network_id, name="Sam Supporter",
                             phone="206-555-0100",  # a possible duplicate of the member
                             email="sam@example.org", email_consent=True)  # gets emails
        db.session.add(supporter)
        db.session.commit()
        ids = {**ids, "person_id": case.person_id, "duplicate_id": supporter.id}
        actions = [m.Action(case=case, kind=m.ActionKind.PICKET, starts_at=NOW, position=n)
                   for n in range(2)]  # two planned: the ladder shows its move buttons
        # The first is still to come: its mobilization email, drafted, and a copy of it sent
        # to Sam (the links' pages, with a token of their own).
        actions[0].starts_at = datetime.now(UTC) + timedelta(days=30)
        email_copy = m.MobilizationRecipient(action=actions[0], person=supporter,
                                             sent_at=NOW)
        db.session.add_all([email_copy, m.MobilizationEmail(action=actions[0], texts={})])
        role = m.ActionRole(action=actions[0], role=m.ActionRoleKind.SPEAKER, name="Ana")
        call = m.CallListEntry(action=actions[0], person_id=supporter.id, caller_id=coordinator)
        # The member also calls people for actions (their portal's call pages); another
        # caller has no login yet (the caller login form).
        called = m.Person(network_id=case.network_id, name="Carmen Called", phone="206-555-0101",
                          email="carmen@example.org", email_consent=True)  # for Send
        caller = m.Person(network_id=case.network_id, name="Cleo Caller", is_caller=True)
        member_call = m.CallListEntry(action=actions[0], person=called,
                                      caller_person_id=case.person_id)
        db.session.add_all([*actions, role, call, caller, member_call])
        case.person.is_caller = True
        db.session.commit()
        ids = {**ids, "action_id": actions[0].id, "role_id": role.id, "call_id": call.id,
               "token": link_token(email_copy), "answer": "yes"}
        values = [ids, *({**ids, "letter_id": letter.id} for letter in letters[1:]),
                  *({**ids, "case_id": case_id} for case_id in (won, delivered, joined)),
                  {**ids, "person_id": caller.id}]
        member_id = member.id
    moves = [{**ids, "case_id": make_fight(t.sources[0], coordinator)[0], "trigger": t.trigger}
             for t in TRANSITIONS]
    clients = [new_client(app) for _ in range(4)]
    for client, user_id in zip(clients[:3], (coordinator, member_id, two_factor_user), strict=True):
        login(client, app, user_id)
    clients[0].post(f"/cases/{main}/documents", content_type="multipart/form-data",
                    data={"upload": (io.BytesIO(b"%PDF-1.7\n%%EOF\n"), "lease.pdf")})
    clients[0].post("/people/import", content_type="multipart/form-data",  # waits for confirm
                    data={"upload": (io.BytesIO(b"Name,Phone\nSam S.,(206) 555 0100\nNew One,\n"),
                                     "people.csv")})
    with app.app_context():  # two-factor on after logging in; the fight ready to deliver due
        two_factor = db.session.get_one(m.User, two_factor_user)  # this week (the print form)
        two_factor.totp_secret = mfa.new_secret()
        ready = db.session.get_one(m.Case, next(v for v in moves if v["trigger"] == "deliver")
                                   ["case_id"])
        ready.planned_delivery_on = network_today(ready.network)
        db.session.commit()
        clients[3].post("/login", data={"email": two_factor.email, "password": PASSWORD})
        document = db.session.scalars(sa.select(m.Document.id)).one()
    values = [{**v, "document_id": document} for v in values]
    return World(*clients, coordinator, values, moves)


def pages(app: Flask, world: World) -> Iterator[tuple[FlaskClient | None, str]]:
    """Every page to look for forms on: each GET route, seen by those it is meant for."""
    for rule in app.url_map.iter_rules():
        if "GET" not in (rule.methods or set()) or rule.endpoint in NOT_PAGES:
            continue
        allowed = app.view_functions[rule.endpoint].allowed_roles
        clients = [None, world.halfway] if allowed is None else [world.member, world.two_factor] \
            if m.Role.MEMBER in allowed else [world.coordinator]
        builds = world.move_values if "trigger" in rule.arguments else world.url_values \
            if rule.endpoint in PER_CASE_PAGES else world.url_values[:1]
        urls = {rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]
                for values in builds if rule.arguments <= values.keys()}
        yield from ((client, url) for url in sorted(urls) for client in clients)


def one_url_per_page(app: Flask, world: World) -> list[tuple[str, FlaskClient | None, str]]:
    """For each GET endpoint: its name, someone it is meant for and the first of its URLs."""
    adapter = app.url_map.bind("localhost")
    chosen: dict[str, tuple[str, FlaskClient | None, str]] = {}
    for client, url in pages(app, world):
        endpoint = str(adapter.match(url)[0])
        chosen.setdefault(endpoint, (endpoint, client, url))
    return list(chosen.values())


def planted_links(response: TestResponse) -> list[str]:
    """Links (and the redirect) that hostile query arguments made, and injected headers."""
    page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
    links = [response.headers.get("Location", ""),
             *re.findall(r'(?:href|action|src|formaction)="([^"]*)"', page)]
    return [*(link for link in map(html.unescape, links) if PLANTED_LINK.search(link)),
            *(f"header {name}" for name, _value in response.headers.items()
              if MARK in name.lower())]


def spoiled_filters(names: set[str]) -> dict[str, str]:
    """A query string giving each of a page's GET form fields bad values, and url_for's
    keywords (none when the page has no GET form)."""
    if not names:
        return {}
    spoiled = [f"{quote(name)}={value}" for name in sorted(names) for value in BAD_FILTER_VALUES]
    return {"own_filters": "&".join(
        [*spoiled, f"_anchor={MARK}", "_external=1", "after=1000000", "page=2"])}


def problems_with_hostile_queries(app: Flask, world: World, forms: list[Form]) -> list[str]:
    """Every page requested with hostile query strings: what answered 500 or planted a link."""
    problems = []
    for endpoint, client, url in one_url_per_page(app, world):
        filters = {name for form in forms if form.method == "GET" and form.endpoint == endpoint
                   for name in form.fields}
        for name, query in {**HOSTILE_QUERIES, **spoiled_filters(filters)}.items():
            response = (client or new_client(app)).get(f"{url}?{query}")
            response.close()
            if response.status_code >= 500:
                problems.append(f"{response.status_code} from {url} with {name}")
            problems += [f"{url} with {name}: {found[:120]}" for found in planted_links(response)]
    return problems


def discover_forms(app: Flask, world: World) -> list[Form]:
    """Every different form: per endpoint and set of fields, the first page that shows it."""
    adapter = app.url_map.bind("localhost")
    forms: dict[tuple[str, str], Form] = {}
    for client, url in pages(app, world):
        response = (client or new_client(app)).get(url)
        page = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        response.close()  # file downloads hold their file open until closed
        if response.status_code != 200 or not page:
            continue
        (parser := FormParser(url)).feed(page)
        for method, path, fields in parser.forms:
            try:
                endpoint = adapter.match(path, method=method)[0]
            except HTTPException:
                continue
            form = forms.setdefault((method, path), Form(method, path, str(endpoint), client))
            form.fields.update((k, v) for k, v in fields.items() if k != "csrf_token")
    different: dict[tuple[str, ...], Form] = {}
    for form in forms.values():  # the moves that ask for the same things share a form class
        trigger = form.path.rsplit("/", 1)[-1] if form.endpoint == "moves.move" else ""
        asks = BY_TRIGGER[trigger].asks_for if trigger in BY_TRIGGER else ()
        different.setdefault((form.method, form.endpoint, *sorted(form.fields), *asks), form)
    return list(different.values())


@functools.cache
def hostile_values(kind: str) -> st.SearchStrategy[str]:
    """A named hostile value (often of the field's own family), or any random text."""
    family = FAMILY.get(kind, HOSTILE_TEXT)
    return st.one_of(st.sampled_from(sorted(family)), st.sampled_from(sorted(HOSTILE)),
                     st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
                     .map(lambda text: f"raw:{text}"))


def submissions(form: Form, names: list[str]) -> st.SearchStrategy[dict[str, str]]:
    """Which of the fields get which hostile value: one or two (the rest stay valid, so what
    passes the validators is stored), or all of them at once (every validator meets one)."""
    if not names:
        return st.fixed_dictionaries({}, optional={"junk": hostile_values("text")})
    few = st.sets(st.sampled_from(names), min_size=1, max_size=min(2, len(names)))
    everything = st.just(frozenset(names))

    @st.composite
    def spoil(draw: st.DrawFn) -> dict[str, str]:
        chosen = draw(st.one_of(few, few, everything))
        return {name: draw(hostile_values(form.fields[name].kind)) for name in sorted(chosen)}

    return spoil()


def form_data(form: Form, spoiled: dict[str, str]) -> dict[str, str]:
    """The submission: valid values, the case's current version, then the hostile values."""
    data = {name: value for name, found in form.fields.items()
            if (value := found.valid(name)) is not None}
    case_id = CASE_IN_PATH.match(form.path)
    if "version" in data and case_id:
        data["version"] = str(db.session.get_one(m.Case, int(case_id.group(1))).version)
    for name, token in spoiled.items():
        data[name] = token[4:] if token.startswith("raw:") else HOSTILE[token]
    return data


def garbage_in(value: Any) -> str | None:
    """What is wrong with a stored value, if anything."""
    if isinstance(value, str) and CONTROL & set(value):
        return f"control characters in {value[:60]!r}"
    if isinstance(value, Decimal) and not (value.is_finite() and 0 <= value <= MAX_AMOUNT):
        return f"amount {value}"
    if isinstance(value, date) and value.year not in PLAUSIBLE_YEARS:
        return f"date {value.isoformat()}"
    if isinstance(value, dict | list):
        items = value.values() if isinstance(value, dict) else value
        return next((found for item in items if (found := garbage_in(item))), None)
    return None


def stored_garbage() -> list[str]:
    """Garbage in any column of any table."""
    problems = []
    for mapper in db.Model.registry.mappers:
        columns = [c for c in mapper.columns if not isinstance(c.type, sa.LargeBinary)]
        for row in db.session.execute(sa.select(*columns)):
            problems += [f"{mapper.local_table.name}.{column.key}: {problem}"
                         for column, value in zip(columns, row, strict=True)
                         if (problem := garbage_in(value))]
    return problems


@pytest.fixture
def flushed_garbage() -> Iterator[list[str]]:
    """Garbage in what the app writes, caught as it is flushed (cheaper than a scan per post)."""
    found: list[str] = []

    def check(session: sa.orm.Session, _context: Any) -> None:
        for instance in [*session.new, *session.dirty]:
            state = sa.inspect(instance)
            for column in state.mapper.columns:
                value = state.dict.get(state.mapper.get_property_by_column(column).key)
                if (problem := garbage_in(value)) is not None:
                    found.append(f"{column.table.name}.{column.key}: {problem}")

    sa.event.listen(db.session, "after_flush", check)
    yield found
    sa.event.remove(db.session, "after_flush", check)


def fuzz(app: Flask, world: World, form: Form, flushed: list[str]) -> None:
    """Send hostile submissions to one form: no 500, no garbage written or stored."""
    spoilable = sorted(form.fields)
    examples = FEWER_EXAMPLES.get(
        form.endpoint, EXAMPLES_PER_FORM if spoilable else EXAMPLES_PER_BUTTON)

    @settings(max_examples=examples, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(spoiled=submissions(form, spoilable))
    def send_hostile(spoiled: dict[str, str]) -> None:
        note(f"{form.method} {form.path} ({form.endpoint})")
        with app.app_context():
            data = form_data(form, spoiled)
        flushed.clear()
        client = form.client or new_client(app)  # whoever saw the form, or a new visitor
        if form.endpoint == "auth.logout":  # a session of its own: the others stay logged in
            client = new_client(app)
            login(client, app, world.coordinator_id)
        response = (client.get(form.path, query_string=data) if form.method == "GET"
                    else client.post(form.path, data=data))
        response.close()
        assert response.status_code < 500, f"{response.status_code} from {form.endpoint}"
        assert flushed == [], form.endpoint

    send_hostile()
    with app.app_context():
        assert stored_garbage() == [], f"after {form.method} {form.path}"


def test_hostile_input_on_every_page_and_form_is_refused_or_stored_clean(
        app: Flask, world: World, flushed_garbage: list[str]) -> None:
    forms = discover_forms(app, world)
    # First the query strings of every page (GET changes nothing), then the forms (which do).
    assert problems_with_hostile_queries(app, world, forms) == []
    posts = {r.endpoint for r in app.url_map.iter_rules() if "POST" in (r.methods or ())}
    # Other installations post signed JSON there, not forms: tests/test_solidarity.py sends
    # them tampered, unsigned and malformed bodies.
    machine_posts = {"federation.inbox_post", "federation.redeem"}
    assert posts - machine_posts - {form.endpoint for form in forms} == set(), \
        "no page of the world shows"
    for form in forms:
        fuzz(app, world, form, flushed_garbage)


# Ids and cursors outside form classes, where int() once met "²" (str.isdigit() says yes),
# 5,000 digits, or numbers beyond 64 bits that the databases refuse.
BAD_IDS = {"superscript": "²", "huge_int": "9" * 5000, "bigint": "9" * 20, "arabic": "١٢٣",
           "minus": "-1", "zero": "0", "spaces": " 12 ", "underscore": "1_0", "hex": "0x10",
           "empty": "", "text": "abc"}


@pytest.mark.parametrize("bad", sorted(BAD_IDS))
def test_a_bad_team_member_id_is_refused_next_to_the_field(
        app: Flask, make_user: Callable[..., int], make_case: Callable[..., int],
        login_as: Callable[[int], FlaskClient], bad: str) -> None:
    lena = make_user(m.Role.ORGANIZER, name="Lena")
    case_id = make_case(team=[lena])
    client = login_as(make_user(m.Role.COORDINATOR))
    response = client.post(f"/cases/{case_id}/team", data={"member_ids": [BAD_IDS[bad], ""]})
    page = response.get_data(as_text=True)
    if BAD_IDS[bad] == "":  # nobody ticked: the team is emptied
        assert response.status_code == 302
        expected_team: list[int] = []
    else:
        assert response.status_code == 400
        assert 'aria-describedby="member_ids-error"' in page
        assert re.search(r'id="member_ids-error"[^>]*>Tick organizers from the list', page)
        assert "9" * 30 not in page  # the message does not repeat what was sent
        expected_team = [lena]
    with app.app_context():
        assert [u.id for u in db.session.get_one(m.Case, case_id).team] == expected_team


def test_a_valid_team_member_next_to_a_bad_one_stays_ticked(
        make_user: Callable[..., int], make_case: Callable[..., int],
        login_as: Callable[[int], FlaskClient]) -> None:
    lena = make_user(m.Role.ORGANIZER, name="Lena")
    client = login_as(make_user(m.Role.COORDINATOR))
    response = client.post(f"/cases/{make_case()}/team", data={"member_ids": [str(lena), "²"]})
    assert response.status_code == 400
    assert f'value="{lena}" checked' in response.get_data(as_text=True)


@pytest.mark.parametrize("list_url", ["/cases/", "/audit/"])
@pytest.mark.parametrize("bad", sorted(BAD_IDS))
def test_a_bad_page_cursor_shows_the_first_page(
        make_user: Callable[..., int], make_case: Callable[..., int],
        login_as: Callable[[int], FlaskClient], list_url: str, bad: str) -> None:
    make_case(summary="The newest case")  # is on the first page, and in the log
    client = login_as(make_user(m.Role.COORDINATOR))
    response = client.get(list_url, query_string={"after": BAD_IDS[bad]})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert re.search(r"SEA-\d{4}-0001", page), "the first page lists the newest case"
    assert "First page" not in page  # no link back: this is the first page


def test_ids_in_urls_beyond_64_bits_are_not_found(
        app: Flask, make_user: Callable[..., int],
        login_as: Callable[[int], FlaskClient]) -> None:
    client = login_as(make_user(m.Role.COORDINATOR))
    checked = 0
    for rule in app.url_map.iter_rules():
        converters = rule._converters
        if not any(isinstance(c, IntegerConverter) for c in converters.values()):
            continue
        values = {name: 10**20 if isinstance(converter, IntegerConverter) else
                  min(converter.items) if isinstance(converter, AnyConverter) else "accept"
                  for name, converter in converters.items()}
        url = rule.build(values)[1]
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            response = client.open(url, method=method)
            response.close()
            assert response.status_code == 404, f"{method} {url}"
            checked += 1
    assert checked > 30


@pytest.mark.parametrize("bad", ["superscript", "bigint", "huge_int"])
def test_a_session_naming_no_possible_user_is_logged_out(client: FlaskClient, bad: str) -> None:
    with client.session_transaction() as session:  # signed: only a bug could write these
        session["_user_id"] = BAD_IDS[bad]
    response = client.get("/cases/")
    assert response.status_code == 302 and "/login" in response.location
