"""The WSGI entry point for production servers: ``casework.wsgi:app`` (see gunicorn.conf.py).

The configuration comes from the ``CASEWORK_*`` environment (casework/config.py).
"""

import gc

from casework import create_app
from casework.extensions import db

app = create_app()


def compile_templates() -> None:
    """Compile every template once, here: with gunicorn's ``preload_app`` each worker forked
    from this process starts with them, so a worker replaced after ``max_requests`` serves
    its first pages as fast as its last (compiling a page's templates takes 50-300 ms)."""
    if app.jinja_env.auto_reload:  # development: templates are read again when edited
        return
    for name in app.jinja_env.list_templates(extensions=("html", "txt", "xml", "ics", "svg")):
        app.jinja_env.get_template(name)


compile_templates()
# What the app loaded so far (modules, templates, mappings) lives as long as the process:
# out of the collector's sight, a worker's full collections walk only what its requests
# made. Measured on the board at 100,000 cases: the longest pause 135 ms -> 9 ms.
gc.freeze()


def forget_inherited_connections() -> None:
    """In a worker forked from a master that loaded the app: open connections of its own.

    The pool's connections (if the master opened any) stay the master's; closing them here
    would close them for everyone, so they are only dropped from this process's pool.
    """
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
