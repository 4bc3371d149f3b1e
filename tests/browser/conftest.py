"""Fixtures for browser tests: a live server with the demo data, and headless Chromium."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from casework import create_app
from casework.demo import load_demo
from casework.extensions import db

BROWSER_DIR = Path(__file__).parent
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]


@dataclass(frozen=True)
class LiveServer:
    url: str
    app: Flask


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test in this folder drives Chromium and needs only SQLite."""
    for item in items:
        if item.path.is_relative_to(BROWSER_DIR):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.sqlite_only)


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """The real app with CSRF on and the demo data, served over HTTP on a free local port."""
    app = create_app({
        "TESTING": False,
        "SECRET_KEY": "browser-test-secret-key",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'casework-browser.sqlite3'}",
        "WTF_CSRF_ENABLED": True,
        "SESSION_COOKIE_SECURE": False,  # plain HTTP on 127.0.0.1
        "REMEMBER_COOKIE_SECURE": False,
    })
    with app.app_context():
        db.create_all()
        load_demo()
        db.session.commit()
        db.session.remove()
    with served(app) as url:
        yield LiveServer(url=url, app=app)


@contextmanager
def served(app: Flask) -> Iterator[str]:
    """The app served over HTTP on a free local port, in a thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, launched once; fails in CI and skips elsewhere if missing."""
    executable = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(executable).is_file():
        message = f"Chromium is not installed (looked for {executable})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server: LiveServer) -> Iterator[Page]:
    """A fresh browser context (1280x900) whose relative URLs point at the live server."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()
