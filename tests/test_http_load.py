"""The HTTP load benchmark refuses pages that did not answer 200, and skips the pages the app
does not have yet (reports) instead of failing on them."""

from __future__ import annotations

import argparse
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from flask import Flask

from bench.http_load import WRK_SCRIPT, present_pages, run_wrk


def test_pages_the_app_does_not_route_are_skipped(app: Flask) -> None:
    present, missing = present_pages(app, [("Reports", "/reports-that-do-not-exist/"),
                                           ("Targets", "/targets/"), ("Targets", "/targets")])
    assert present == [("Targets", "/targets/"), ("Targets", "/targets")]
    assert missing == ["Reports (/reports-that-do-not-exist/)"]


@pytest.fixture
def server_answering(request: pytest.FixtureRequest) -> Iterator[int]:
    """A local HTTP server answering every GET with the status the test is parametrized with."""
    status = request.param

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            self.send_response(status)
            self.send_header("Location", "/login?next=/")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed "
                    "(make system-bench)")
@pytest.mark.parametrize(("server_answering", "refused"), [(200, False), (302, True),
                                                           (500, True)],
                         indirect=["server_answering"])
def test_a_page_is_refused_unless_every_response_was_200(
    server_answering: int, refused: bool, tmp_path: Path,
) -> None:
    script = tmp_path / "status.lua"
    script.write_text(WRK_SCRIPT)
    args = argparse.Namespace(threads=1, connections=2, duration=1)
    load = run_wrk("Page", server_answering, "/", "", args, script)
    assert load.refused.startswith("REFUSED: ") is refused, load.refused
    assert load.requests_per_s > 0  # the responses were counted, refused or not
