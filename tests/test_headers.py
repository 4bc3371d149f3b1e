"""Security headers on every page: a CSP without inline code, no framing, no caching of PII."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.routing import Rule

from casework.models import Role
from casework.security.headers import CONTENT_SECURITY_POLICY
from tests.conftest import login
from tests.test_permissions import World, app_rules, request_rule, world  # noqa: F401 - fixture

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"

STRICT_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
              "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
              "frame-ancestors 'none'")
EVERY_RESPONSE = {
    "Content-Security-Policy": STRICT_CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
# What the CSP above forbids, so no template may rely on it.
INLINE_CODE = {
    "a style attribute": re.compile(r"\sstyle\s*=", re.I),
    "a <style> element": re.compile(r"<style[\s>]", re.I),
    "an inline <script>": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.I),
    "an event-handler attribute": re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I),
    "a javascript: URL": re.compile(r"javascript:", re.I),
}


def get_rules(app: Flask) -> list[Rule]:
    return [rule for rule in app_rules(app) if "GET" in (rule.methods or set())]


def assert_security_headers(response: object, where: str) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    for name, value in EVERY_RESPONSE.items():
        assert headers.get(name) == value, f"{name} on {where}"
    permissions = headers.get("Permissions-Policy", "")
    for feature in ("camera=()", "microphone=()", "geolocation=()"):
        assert feature in permissions, where
    assert "Strict-Transport-Security" not in headers, f"HSTS over plain HTTP on {where}"


def test_the_policy_forbids_inline_script_and_style() -> None:
    assert CONTENT_SECURITY_POLICY == STRICT_CSP
    directives = dict(part.strip().split(" ", 1) for part in STRICT_CSP.split(";"))
    assert directives["script-src"] == directives["style-src"] == "'self'"
    assert "unsafe" not in STRICT_CSP


def test_every_page_a_coordinator_can_open_sends_the_security_headers(
    app: Flask, world: World  # noqa: F811 - the fixture imported above
) -> None:
    client = app.test_client()
    login(client, app, world.users[Role.COORDINATOR])
    html_pages = []
    for rule in get_rules(app):
        unknown = rule.arguments - world.url_values().keys()
        assert not unknown, f"add an id for {unknown} ({rule.rule}) to tests/test_permissions.World"
        response = request_rule(client, rule, "GET", world.url_values())
        where = f"GET {rule.rule} ({response.status_code})"
        assert_security_headers(response, where)
        if rule.endpoint == "static":
            assert "no-store" not in response.headers.get("Cache-Control", ""), where
            continue
        cache = response.cache_control
        if response.mimetype == "text/html":
            html_pages.append(rule.rule)
            assert response.headers["Cache-Control"] == "no-store", where
        else:  # files keep a policy their view chose (never shared caching of PII by default)
            assert cache.no_store or cache.private or cache.public, where
    assert "/cases/<int:case_id>" in html_pages
    assert len(html_pages) >= 12


def test_pages_for_visitors_and_error_pages_send_them_too(app: Flask) -> None:
    client = app.test_client()
    for url in ("/login", "/login/code", "/no-such-page", "/cases/"):
        response = client.get(url, follow_redirects=True)
        assert_security_headers(response, url)
        assert response.headers["Cache-Control"] == "no-store", url


def test_static_files_stay_cacheable(app: Flask) -> None:
    response = app.test_client().get("/static/app.css")
    assert_security_headers(response, "/static/app.css")
    assert "no-store" not in response.headers.get("Cache-Control", "")
    response.close()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("app_config", [{"SESSION_COOKIE_SECURE": True}])
def test_https_deployments_send_strict_transport_security(app: Flask) -> None:
    response = app.test_client().get("/login", base_url="https://casework.example.org")
    hsts = response.headers["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts


@pytest.mark.sqlite_only
def test_no_template_needs_inline_script_or_style() -> None:
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for what, pattern in INLINE_CODE.items():
            for match in pattern.finditer(text):
                line = text.count("\n", 0, match.start()) + 1
                found.append(f"{path.relative_to(TEMPLATES)}:{line} has {what}")
    assert found == [], "The CSP blocks these:\n" + "\n".join(found)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("filename", ["app.css", "vendor/pico.min.css"])
def test_pages_link_static_files_by_content_hash_and_browsers_keep_them(
        app: Flask, filename: str) -> None:
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    digest = hashlib.sha256((Path(app.static_folder or "") / filename).read_bytes()).hexdigest()
    linked = f"/static/{filename}?v={digest[:12]}"
    assert linked in page
    response = client.get(linked)
    cache = response.headers["Cache-Control"]
    assert "max-age=31536000" in cache and "immutable" in cache and "public" in cache
    response.close()


@pytest.mark.sqlite_only
@pytest.mark.parametrize("query", ["", "?v=0123456789ab"])
def test_a_static_url_without_the_current_hash_is_revalidated(app: Flask, query: str) -> None:
    response = app.test_client().get(f"/static/app.css{query}")
    assert response.status_code == 200
    assert "immutable" not in response.headers.get("Cache-Control", "")
    response.close()


def test_an_edited_static_file_gets_a_new_url(tmp_path: Path) -> None:
    from casework.static_assets import version_of

    (tmp_path / "site.css").write_text("body { color: black }")
    before = version_of(str(tmp_path), "site.css")
    (tmp_path / "site.css").write_text("body { color: navy }")
    os.utime(tmp_path / "site.css", (1, 1))
    assert before and version_of(str(tmp_path), "site.css") not in (None, before)
    assert version_of(str(tmp_path), "../etc/passwd") is None
