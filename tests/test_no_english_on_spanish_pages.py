"""No English left on a Spanish user's pages: the demo's Spanish-speaking organizer walks the
app (every page a link leads to from her dashboard, breadth first) and no page shows one of the
app's own English sentences verbatim, outside what users typed.

A cheap, strong check: the catalog's English msgids (their literal parts of 12 characters or more
characters, those whose Spanish differs) must not appear in the visible text of a Spanish
page, nor in its aria-labels, titles and placeholders.
"""

from __future__ import annotations

import re
from collections import deque
from html import unescape
from urllib.parse import parse_qs, urldefrag, urlsplit

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from casework.demo import DEMO_PASSWORD, SPANISH_MEMBER, SPANISH_ORGANIZER_EMAIL
from casework.extensions import db
from casework.i18n import TRANSLATIONS_DIR
from casework.models import Action, Case, Role, User
from casework.workflow.states import CaseState

MIN_LENGTH = 12
MAX_PAGES = 400
# Links that are not pages to read, or that change something when followed; and documents
# in their own language (letters, posters: their previews), whatever the reader's.
NOT_PAGES = re.compile(r"^/(logout|language/|static/|calendar/feed|healthz|federation/)"
                       r"|\.(csv|pdf|ics|png|jpg|css|js|atom)(\?|$)|/download|/file"
                       r"|/documents/\d+$|/preview$|/assets/")
# English that belongs on a Spanish page: the demo's own typed text that happens to be one of
# the app's sentences (a decision's proposal, as the meeting worded it), and the English
# column names the people import accepts, which its page lists.
USER_DATA = {"Take on the fight", "Safe contact"}
# A choice of language names each language in its own words: "English", "Español".
OWN_NAMES = {"English"}


def english_sentences() -> set[str]:
    """The literal parts of each English msgid whose Spanish differs, long enough to tell."""
    path = TRANSLATIONS_DIR / "es" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale="es")
    found: set[str] = set()
    for message in catalog:
        if not message.id or not message.string:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in strings:
                continue
            for part in re.split(r"%\(\w+\)[sd]|%[sd]|\{\w*\}", english):
                part = part.strip(" .,:;—–-()“”\"'·")
                if len(part) >= MIN_LENGTH and part not in USER_DATA \
                        and not any(part in s for s in strings):
                    found.add(part)
    return found


def english_labels() -> set[str]:
    """Whole English msgids without placeholders whose Spanish differs: a button, heading,
    label or table header reading exactly one of them was left in English."""
    path = TRANSLATIONS_DIR / "es" / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po_file:
        catalog = read_po(po_file, locale="es")
    return {str(m.id) for m in catalog if isinstance(m.id, str) and m.string
            and m.string != m.id and "%" not in m.id and len(m.id) >= 4} - OWN_NAMES


def element_texts(html: str) -> set[str]:
    """The texts of the page's buttons, headings, labels, table headers and links."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    return {re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", inner))).strip()
            for inner in re.findall(r"<(?:button|h[1-6]|label|th|a|summary|legend|option|dt)"
                                    r"\b[^>]*>(.*?)</", html, flags=re.S)}


def visible_text(html: str) -> str:
    """What a reader meets: the text between tags and the labels read out or shown on hover."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S | re.I)
    labels = " ".join(m.group(2) for m in re.finditer(
        r'\s(aria-label|title|placeholder|alt)="([^"]*)"', html))
    text = re.sub(r"<[^>]+>", " ", html) + " " + labels
    return re.sub(r"\s+", " ", unescape(text))


def links(html: str) -> list[str]:
    return [urldefrag(unescape(href))[0] for href in re.findall(r'\shref="([^"]+)"', html)]


@pytest.fixture
def demo(app: Flask, runner: object) -> Flask:
    loaded = runner.invoke(args=["casework", "demo"])  # type: ignore[attr-defined]
    assert loaded.exit_code == 0, loaded.output
    with app.app_context():  # the coordinator reads in Spanish too: more pages to see
        db.session.scalars(select(User).where(User.role == Role.COORDINATOR,
                                              User.network.has(code="SEA"))).one() \
            .ui_language = "es"
        db.session.commit()
    return app


def seeds(app: Flask) -> list[str]:
    """Every page without arguments, and each action's pages and an open fight's appeals page
    (few links lead to them)."""
    addresses = [rule.rule for rule in app.url_map.iter_rules()
                 if "GET" in (rule.methods or ()) and not rule.arguments]
    with app.app_context():
        for case_id, action_id in db.session.execute(select(Action.case_id, Action.id)):
            addresses += [f"/cases/{case_id}/actions/{action_id}{page}" for page in
                          ("", "/calls", "/calls/mine", "/check-in", "/edit", "/email/review")]
            addresses.append(f"/my-calls/{action_id}")
        addresses += [f"/solidarity/fights/{case_id}" for case_id in db.session.scalars(
            select(Case.id).where(Case.state == CaseState.ESCALATING))]
    return ["/", *sorted(addresses)]


def walk(client: FlaskClient, start: list[str], browser: str = "en-US,en;q=0.9"
         ) -> dict[str, str]:
    """The pages reachable by links from ``start``: address -> visible text."""
    seen: dict[str, str] = {}
    kinds: set[str] = set()  # one address per path and set of query names: filters repeat
    queue = deque(start)
    while queue and len(seen) < MAX_PAGES:
        address = queue.popleft()
        parts = urlsplit(address)
        kind = parts.path + "?" + ",".join(sorted(parse_qs(parts.query)))
        if address in seen or kind in kinds or NOT_PAGES.search(parts.path):
            continue
        kinds.add(kind)
        response = client.get(address, headers={"Accept-Language": browser})
        seen[address] = ""
        html = response.get_data(as_text=True) \
            if response.mimetype in ("text/html", "image/svg+xml") else ""
        response.close()
        if response.status_code != 200 or not html:
            continue
        # (the workflow diagram is a picture: its words are checked, it has no <html lang>)
        assert response.mimetype != "text/html" or '<html lang="es"' in html, address
        # What the page marks as English on purpose (the language switch, "Language · Idioma")
        html = re.sub(r'<(\w+)\b[^>]*\slang="en"[^>]*>.*?</\1>', " ", html, flags=re.S)
        seen[address] = visible_text(html) + "\n" + "\n".join(
            f"[{text}]" for text in element_texts(html))
        for link in links(html):
            target = urlsplit(link)
            if not (target.scheme or target.netloc) and target.path.startswith("/"):
                queue.append(link)
    return seen


# Who walks: staff whose account says Spanish (their browsers say English), the demo's
# Spanish-speaking member, and a visitor whose browser says Spanish. (who, most pages seen)
WALKERS = [(SPANISH_ORGANIZER_EMAIL, 80), ("coordinator@demo.casework.org", 200),
           (SPANISH_MEMBER[1], 3), ("", 3)]


@pytest.mark.sqlite_only
@pytest.mark.parametrize(("email", "at_least"), WALKERS)
def test_a_spanish_reader_meets_no_english_sentence_of_the_app(
        demo: Flask, email: str, at_least: int) -> None:
    sentences = english_sentences()
    assert len(sentences) > 500  # the check has something to check with
    client = demo.test_client()
    if email:
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302
        pages = walk(client, seeds(demo))
    else:
        pages = walk(client, ["/login", "/n/sea/get-in-touch",
                              "/n/sea/victories"], browser="es-MX,es;q=0.9")
    assert len([text for text in pages.values() if text]) >= at_least
    if email and email != SPANISH_MEMBER[1]:
        assert pages["/workflow/diagram.svg"]
    labels = english_labels()
    left = {address: sorted({s for s in sentences if s in text} | {
                label for label in labels if f"[{label}]" in text})
            for address, text in pages.items() if text}
    left = {address: found for address, found in left.items() if found}
    assert left == {}

