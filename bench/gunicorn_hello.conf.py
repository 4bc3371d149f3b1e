"""The production gunicorn.conf.py, serving bench/hello.py instead of Casework.

Everything (workers, timeouts, max_requests, preload, logger class and access log) comes from
the top-level file; only the app changes, and the hook that reopens Casework's database
connections in each worker, which a hello world has none of.
"""

import runpy
from pathlib import Path

globals().update({name: value for name, value in runpy.run_path(
    str(Path(__file__).resolve().parent.parent / "gunicorn.conf.py")).items()
    if not name.startswith("__")})
wsgi_app = "bench.hello:app"


def post_fork(server, worker):  # noqa: ARG001 - gunicorn's hook signature
    """Nothing to reopen: the hello world has no database."""
